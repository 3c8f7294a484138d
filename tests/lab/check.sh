# tests/lab/check.sh: what memsift's report must say about a lab guest (sourced by
# scripts/kernel-lab). The guest leaked LAB_THP_MIB MiB of THPs in cgroup /lab/thp-leak on its
# last NUMA node and LAB_BASE_MIB MiB of base pages in /lab/base-leak on node 0.

# lab_within A B: A is within LAB_TOLERANCE_PCT percent of B.
lab_within() {
  awk -v a="$1" -v b="$2" -v t="$LAB_TOLERANCE_PCT" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d * 100 <= t * b) }'
}

# lab_finding_check JSON ID CGROUP NODE MIB: finding ID charges MIB MiB to CGROUP on NODE.
lab_finding_check() {
  local json=$1 id=$2 cg=$3 node=$4 mib=$5 want got
  want=$((mib << 20))
  got=$(jq --arg id "$id" --arg cg "$cg" \
    '[.findings[] | select(.id == $id) | .cgroups[] | select(.path == $cg) | .bytes] | add // 0' "$json")
  lab_within "$got" "$want" || { LAB_FAIL="$id: $got bytes in $cg, leaked $want"; return 1; }
  got=$(jq --arg id "$id" --argjson n "$node" \
    '[.findings[] | select(.id == $id) | .nodes[] | select(.node == $n) | .bytes] | add // 0' "$json")
  # The node holds the leak (the finding may hold more there: other leaks' pages of that node).
  awk -v a="$got" -v b="$want" -v t="$LAB_TOLERANCE_PCT" 'BEGIN { exit !(a * 100 >= (100 - t) * b) }' ||
    { LAB_FAIL="$id: $got bytes on node $node, leaked $want there"; return 1; }
}

# lab_check_report JSON PMD_BYTES: sets LAB_FINDINGS (what memsift found, for the summary line);
# sets LAB_FAIL and returns 1 when the report is wrong.
lab_check_report() {
  local json=$1 pmd=$2 ids want_ids total want last=$((K_NODES - 1))
  ids=$(jq -r '[.findings[] | select(.severity != "info") | .id] | sort | join(",")' "$json")
  if [ "$K_THP" = yes ]; then want_ids="unmapped-anon,unmapped-anon-thp"; else want_ids="unmapped-anon"; fi
  LAB_FINDINGS=$(jq -r '[.findings[] | select(.severity != "info") |
      "\(.id) \(.bytes / 1048576 * 100 | floor / 100)MiB" +
      (if .thp_bytes then " thp=\(.thp_bytes / 1024)KiB" else "" end)] | join(", ")' "$json")
  [ "$ids" = "$want_ids" ] || { LAB_FAIL="findings above info are [$ids], expected [$want_ids]"; return 1; }
  # The report says whether the kernel offered THP at all (host.thp), rather than leave the reader
  # looking for THPs on a kernel without them.
  local thp_state want_thp=present
  thp_state=$(jq -r '.host.thp' "$json")
  [ "$K_THP" = yes ] || want_thp=absent
  [ "$thp_state" = "$want_thp" ] || { LAB_FAIL="report's host.thp is $thp_state, the guest's THP is $want_thp"; return 1; }
  [ "$K_THP" = yes ] || LAB_FINDINGS="$LAB_FINDINGS (no THP: the report says the kernel offers none)"
  if [ "$K_THP" = yes ]; then
    lab_finding_check "$json" unmapped-anon-thp /lab/thp-leak "$last" "$LAB_THP_MIB" || return 1
    total=$(jq '[.findings[] | select(.id == "unmapped-anon-thp") | .bytes] | add' "$json")
    lab_within "$total" $((LAB_THP_MIB << 20)) || { LAB_FAIL="unmapped-anon-thp: $total bytes, leaked $((LAB_THP_MIB << 20))"; return 1; }
    local thp
    thp=$(jq '[.findings[] | select(.id == "unmapped-anon-thp") | .thp_bytes] | first' "$json")
    [ "$thp" = "$pmd" ] || { LAB_FAIL="unmapped-anon-thp: THPs of $thp bytes, the kernel's PMD size is $pmd"; return 1; }
    lab_finding_check "$json" unmapped-anon /lab/base-leak 0 "$LAB_BASE_MIB" || return 1
    want=$((LAB_BASE_MIB << 20))
  else
    # No THP: both leaks are base pages, one unmapped-anon finding over both cgroups.
    lab_finding_check "$json" unmapped-anon /lab/thp-leak "$last" "$LAB_THP_MIB" || return 1
    lab_finding_check "$json" unmapped-anon /lab/base-leak 0 "$LAB_BASE_MIB" || return 1
    want=$(((LAB_THP_MIB + LAB_BASE_MIB) << 20))
  fi
  total=$(jq '[.findings[] | select(.id == "unmapped-anon") | .bytes] | add' "$json")
  lab_within "$total" "$want" || { LAB_FAIL="unmapped-anon: $total bytes, leaked $want"; return 1; }
  local nodes
  nodes=$(jq '.host.nodes' "$json")
  [ "$nodes" = "$K_NODES" ] || { LAB_FAIL="report sees $nodes NUMA nodes, the guest had $K_NODES"; return 1; }
  return 0
}
