// Runs the DuckDB queries of docs/fleet-export.md ("-- query: NAME" blocks) on an export
// directory and checks their answers against what the generated corpus holds.
// Usage: node fleet_queries.mjs DOC DIR   (with @duckdb/node-api on NODE_PATH)
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(process.env.MEMSIFT_DUCKDB_MODULES + '/');
const { DuckDBInstance } = require('@duckdb/node-api');

const [doc, dir] = process.argv.slice(2);
const queries = {};
for (const m of readFileSync(doc, 'utf8').matchAll(/```sql\n-- query: ([a-z-]+)\n([\s\S]*?)```/g))
  queries[m[1]] = m[2].replaceAll('DIR', dir);

let failures = 0;
function check(what, ok, detail) {
  console.log(`${ok ? 'PASS' : 'FAIL'}: ${what}${ok ? '' : ': ' + JSON.stringify(detail)}`);
  if (!ok) failures++;
}

const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
async function run(name) {
  if (!queries[name]) {
    check(`docs/fleet-export.md has query ${name}`, false, Object.keys(queries));
    return [];
  }
  return (await c.runAndReadAll(queries[name])).getRowObjectsJson();
}

const ranking = await run('unmapped-thp-ranking');
check('the seed host ranks first by unmapped THP bytes',
      ranking.length > 0 && ranking[0].hostname === 'bogon' &&
          Number(ranking[0].unmapped_thp_bytes) === 447 * 512 * 1024 * 1024,
      ranking.slice(0, 3));
check('arm64-16k-thp follows with its 64 THPs of 32 MiB',
      ranking.some(r => r.hostname === 'arm64-16k-thp' &&
                        Number(r.unmapped_thp_bytes) === 64 * 32 * 1024 * 1024),
      ranking);

const healthy = (await run('healthy-hosts')).map(r => r.hostname);
check('healthy-x86 has no finding', healthy.includes('healthy-x86'), healthy);
check('the seed host has findings', !healthy.includes('bogon'), healthy);

const byKernel = await run('findings-by-kernel');
check('the seed kernel has unmapped-anon-thp',
      byKernel.some(r => r.kernel === '4.18.0-147.el8.aarch64' && r.id === 'unmapped-anon-thp'),
      byKernel);

const cgroups = await run('top-unmapped-cgroups');
check('the QEMU scope holds the most unmapped anonymous memory',
      cgroups.length > 0 && cgroups[0].cgroup === '/machine.slice/machine-qemu\\x2d1\\x2dvm.scope',
      cgroups.slice(0, 3));

process.exit(failures === 0 ? 0 : 1);
