#!/usr/bin/env python3
"""Hostile and broken bundles (issue 17), built with Python's tarfile and the zstd command.

    tests/hostile_bundles.py OUTDIR [--scale test|full] [--tar] [NAME...]

writes OUTDIR/NAME.tar.zst for each NAME (all when none is given); with --tar also OUTDIR/NAME.tar,
the uncompressed stream (the fuzz_analyze corpus takes tar). `--scale full` makes the sizes of the
attack report (2 GiB text members, a 510 MB index); `test` (the default) makes them small enough
for the test suite while still far past every cap. The C++ tests (tests/analyzer/
hostile_bundle_test.cc) run this script and memsift on its output; bench figures use --scale full.

Checksums in index.json are not real XXH64 (Python has none): a bundle here that has an index is
damaged on that count too, which is beside the point of each attack.
"""
import argparse
import io
import json
import os
import subprocess
import sys
import tarfile

GIB = 1 << 30
MIB = 1 << 20


def manifest(**host_overrides):
    host = {"hostname": "hostile", "kernel_release": "6.1.0", "arch": "x86_64",
            "page_size": 4096, "byte_order": "little"}
    host.update(host_overrides)
    return {"format": {"name": "memsift-bundle", "major": 1, "minor": 1},
            "tool": {"version": "hostile"}, "page_chunk_frames": 131072, "host": host}


class Zeros(io.RawIOBase):
    """size zero bytes, read without holding them."""

    def __init__(self, size):
        self.left = size

    def readable(self):
        return True

    def readinto(self, b):
        n = min(len(b), self.left)
        b[:n] = bytes(n)
        self.left -= n
        return n


class Bundle:
    """A tar stream piped into `zstd`, members added in order."""

    def __init__(self, path, keep_tar):
        self.out = open(path, "wb")
        self.zstd = subprocess.Popen(["zstd", "-q", "-c", "-3"], stdin=subprocess.PIPE,
                                     stdout=self.out)
        self.sinks = [self.zstd.stdin]
        if keep_tar:
            self.sinks.append(open(path[: -len(".zst")], "wb"))
        self.tar = tarfile.open(fileobj=self, mode="w|", format=tarfile.PAX_FORMAT,
                                bufsize=1 << 20, copybufsize=1 << 20)
        self.names = []

    def write(self, data):
        for s in self.sinks:
            s.write(data)
        return len(data)

    def add(self, name, data=b"", size=None, pax=None, source=None):
        info = tarfile.TarInfo(name)
        info.size = len(data) if size is None else size
        info.mode = 0o644
        if pax:
            info.pax_headers = pax
        self.tar.addfile(info, source if source is not None else io.BytesIO(data))
        self.names.append((name, info.size))

    def add_json(self, name, value):
        self.add(name, json.dumps(value).encode())

    def add_raw(self, data):
        """Bytes into the stream as they are (a header that lies, a cut member), in order with
        what tarfile has buffered."""
        self.tar.fileobj.write(data)

    def index(self, **extra):
        value = {"complete": True, "sources": [],
                 "members": [{"name": n, "size": s, "xxh64": "0" * 16} for n, s in self.names]}
        value.update(extra)
        self.add_json("index.json", value)

    def close(self, end=True):
        if end:
            self.tar.close()
        else:
            self.tar.fileobj.close()  # flushes tarfile's buffer, writes no end-of-archive
        for s in self.sinks:
            s.close()
        self.zstd.wait()
        self.out.close()


def raw_header(name, size, typeflag=b"0"):
    """A ustar header block claiming `size`, encoded in base-256 when octal cannot hold it."""
    info = tarfile.TarInfo(name)
    info.size = 0
    info.type = typeflag
    block = bytearray(info.tobuf(format=tarfile.USTAR_FORMAT))
    if size < 8 ** 11:
        block[124:136] = b"%011o\0" % size
    else:
        block[124:136] = b"\x80" + size.to_bytes(11, "big")
    block[148:156] = b"        "
    block[148:156] = b"%06o\0 " % sum(block)
    return bytes(block)


def deep(n, open_, close):
    return open_ * n + close * n


# --- the attacks -------------------------------------------------------------------------------
# Each takes (Bundle, scale) and adds members; `scale` is "test" or "full".

def deep_manifest_array(b, scale):
    """1: 100,000 nested arrays in manifest.json (200 KB, under the 1 MiB cap)."""
    b.add("manifest.json", b'{"format": {"name": "memsift-bundle", "major": 1, "minor": 1}, "x": '
          + deep(100000, b"[", b"]") + b"}")
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    b.index()


def deep_manifest_object(b, scale):
    """1: 100,000 nested objects in manifest.json."""
    b.add("manifest.json", b'{"format": {"name": "memsift-bundle", "major": 1, "minor": 1}, "x": '
          + deep(100000, b'{"a":', b"}").replace(b'{"a":}', b'{"a":1}') + b"}")
    b.index()


def deep_index(b, scale):
    """1: 100,000 nested arrays in index.json."""
    b.add_json("manifest.json", manifest())
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    b.add("index.json", b'{"complete": true, "x": ' + deep(100000, b"[", b"]") + b"}")


def page_size_zero(b, scale):
    """2: host.page_size 0, with the memory blocks that make the loader divide by it."""
    b.add_json("manifest.json", manifest(page_size=0))
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    b.add("sys/devices/system/memory/block_size_bytes", b"8000000\n")
    b.add("memory-blocks.tsv", b"block\tstate\tnode\tvalid_zones\n0\tonline\t0\tNormal\n")
    b.add("pageframes/0000000000000000/kpageflags", bytes(8 * 64))
    b.index()


def _bad_manifest(**fields):
    def make(b, scale):
        m = manifest()
        for key, value in fields.items():
            if key == "major":
                m["format"]["major"] = value
            else:
                m["host"][key] = value
        b.add_json("manifest.json", m)
        b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
        b.index()
    make.__doc__ = "3: manifest " + ", ".join(f"{k}={v!r}" for k, v in fields.items())
    return make


def pax_size(b, scale):
    """4: a pax size= record of 5 GiB on a member whose ustar size is 1 (the 4 GiB check ran
    before pax records were applied); the data is 5 GiB of zeros at full scale, none at test."""
    b.add_json("manifest.json", manifest())
    size = 5 * GIB
    pax = tarfile.TarInfo("PaxHeaders/big")
    rec = b"size=%d\n" % size
    n = len(rec) + 3
    n = len(rec) + len(str(n)) + 1
    body = b"%d %s" % (n, rec)
    pax.size = len(body)
    pax.type = tarfile.XHDTYPE
    b.add_raw(pax.tobuf(format=tarfile.USTAR_FORMAT) + body + bytes(-len(body) % 512))
    b.add_raw(raw_header("proc/huge", 1))
    if scale == "full":
        z = Zeros(size)
        while True:
            chunk = z.read(1 << 20)
            if not chunk:
                break
            b.add_raw(chunk)
    b.close(end=False)
    return "closed"


def claim_4g_meminfo(b, scale):
    """5: a header claiming a 4 GiB - 1 proc/meminfo, and then the stream ends (751 bytes)."""
    b.add_json("manifest.json", manifest())
    b.add_raw(raw_header("proc/meminfo", 4 * GIB - 1))
    b.add_raw(b"MemTotal: 1024 kB\n")
    b.close(end=False)
    return "closed"


def zero_text_bombs(b, scale):
    """5: three text members of zeros (2 GiB each at full scale, 256 MiB at test scale)."""
    size = 2 * GIB - 1 if scale == "full" else 256 * MIB
    b.add_json("manifest.json", manifest())
    for name in ("proc/meminfo", "proc/zoneinfo", "dev/kmsg"):
        b.add(name, size=size, source=Zeros(size))
    b.index()


def zero_smaps(b, scale):
    """5: a process whose smaps is parts of zeros (4 MiB each; 2,400 at full scale, 64 at test),
    and a cgroup.procs of newlines (2 GiB at full scale, 256 MiB at test)."""
    parts = 2400 if scale == "full" else 64
    b.add_json("manifest.json", dict(manifest(), memory_cgroups={
        "hierarchies": [{"id": 0, "version": 2, "mount_point": "/sys/fs/cgroup", "root": "/"}],
        "kpagecgroup_hierarchy": 0}))
    b.add("proc/1/status", b"Name:\tbomb\nVmRSS:\t4 kB\n")
    part = 4 * MIB
    for i in range(1, parts + 1):
        name = "proc/1/smaps" if i == 1 else f"proc/1/smaps.part{i}"
        b.add(name, size=part, source=Zeros(part))
    procs = 2 * GIB if scale == "full" else 256 * MIB

    class Newlines(Zeros):
        def readinto(self, buf):
            n = super().readinto(buf)
            buf[:n] = b"\n" * n
            return n
    b.add("sys/fs/cgroup/cgroup.procs", size=procs, source=Newlines(procs))
    b.index()


def huge_index(b, scale):
    """6: an index.json of 510 MB (full) or 160 MB (test) for three members: sources nobody
    collected."""
    b.add_json("manifest.json", manifest())
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    count = 510 * MIB // 100 if scale == "full" else 160 * MIB // 100
    entry = b'{"path": "proc/%08d/smaps", "status": "denied", "detail": "EACCES........"},\n'
    head = b'{"complete": true, "members": [], "sources": [\n'
    tail = b'{"path": "x", "status": "denied"}]}\n'
    size = len(head) + len(tail) + sum(len(entry % i) for i in range(count))

    class Source(io.RawIOBase):
        def __init__(self):
            self.i, self.buf = 0, head

        def readable(self):
            return True

        def readinto(self, out):
            while len(self.buf) < len(out) and self.i <= count:
                if self.i < count:
                    self.buf += b"".join(entry % k for k in range(self.i, min(count, self.i + 4096)))
                    self.i = min(count, self.i + 4096)
                else:
                    self.buf += tail
                    self.i += 1
            n = min(len(out), len(self.buf))
            out[:n] = self.buf[:n]
            self.buf = self.buf[n:]
            return n
    b.add("index.json", size=size, source=Source())


def terminal_names(b, scale):
    """7: member names that clear the screen, set the window title and forge lines; one is
    missing from the index and one is listed but absent, so that messages name them too."""
    b.add_json("manifest.json", manifest(hostname="evil\x1b]0;pwned\x07host"))
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    b.add("x/\x1b[2J\x1b[Hcleared", b"a")
    b.add("x/\x1b]0;owned\x07title", b"b")
    b.add("x/forged\nmemsift report: all good", b"c")
    names = list(b.names)
    b.names.append(("y/\x1b[31mred-missing", 1))
    b.index(sources=[{"path": "proc/\x1b[2J", "status": "denied", "detail": "\x1b[5mblink"}])
    b.names = names


def extract_file_then_dir(b, scale):
    """8: a member "a", then "a/b" (a folder where a file is), then "c/d" and "c" (a file where
    a folder is)."""
    b.add_json("manifest.json", manifest())
    b.add("a", b"file")
    b.add("a/b", b"under a file")
    b.add("c/d", b"file")
    b.add("c", b"a file over a folder")
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    b.index()


def extract_long_name(b, scale):
    """8: a 4,000-byte pax name, one component of 3,998 bytes: past NAME_MAX (255)."""
    b.add_json("manifest.json", manifest())
    name = "x/" + "d" * 3998
    b.add(name, b"long")
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    b.index()


def many_processes(b, scale):
    """5: 200,000 processes (full; 20,000 at test) with a status and a 64 KiB command line each:
    what the reader keeps per member and per process, and the command lines in all, must stay
    bounded however many there are."""
    count = 200000 if scale == "full" else 20000
    b.add_json("manifest.json", manifest())
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    cmdline = b"x" * 65536
    for pid in range(1, count + 1):
        b.add(f"proc/{pid}/status", b"Name:\tp%d\nVmRSS:\t4 kB\nRssAnon:\t4 kB\n" % pid)
        b.add(f"proc/{pid}/cmdline", cmdline)
    b.index()


def many_tiny_members(b, scale):
    """5: millions of empty members (4,000,000 at full scale: 11 MB compressed; 50,000 at
    test) under names no reader looks for, and an index.json that lists none of them: what the
    reader keeps per member seen, and the problems it lists, must stay bounded."""
    count = 4000000 if scale == "full" else 50000
    b.add_json("manifest.json", manifest())
    b.add("proc/meminfo", b"MemTotal: 1024 kB\n")
    header = tarfile.TarInfo("x")
    for i in range(count):
        header.name = "junk/%08d" % i
        b.add_raw(header.tobuf(format=tarfile.USTAR_FORMAT))
    b.names.clear()
    b.index()


ATTACKS = {
    "deep-manifest-array": deep_manifest_array,
    "deep-manifest-object": deep_manifest_object,
    "deep-index": deep_index,
    "page-size-0": page_size_zero,
    "page-size-3": _bad_manifest(page_size=3),
    "page-size-2p40": _bad_manifest(page_size=1 << 40),
    "page-size-max": _bad_manifest(page_size=(1 << 64) - 1),
    "byte-order-middle": _bad_manifest(byte_order="middle"),
    "major-2p32p1": _bad_manifest(major=(1 << 32) + 1),
    "pax-size": pax_size,
    "claim-4g-meminfo": claim_4g_meminfo,
    "zero-text-bombs": zero_text_bombs,
    "zero-smaps": zero_smaps,
    "huge-index": huge_index,
    "many-processes": many_processes,
    "many-tiny-members": many_tiny_members,
    "terminal-names": terminal_names,
    "extract-file-then-dir": extract_file_then_dir,
    "extract-long-name": extract_long_name,
}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    p.add_argument("names", nargs="*")
    p.add_argument("--scale", choices=["test", "full"], default="test")
    p.add_argument("--tar", action="store_true", help="also write the uncompressed .tar")
    a = p.parse_intermixed_args()
    os.makedirs(a.outdir, exist_ok=True)
    for name in a.names or ATTACKS:
        if name not in ATTACKS:
            sys.exit(f"unknown attack {name}; known: {', '.join(ATTACKS)}")
        b = Bundle(os.path.join(a.outdir, name + ".tar.zst"), a.tar)
        if ATTACKS[name](b, a.scale) != "closed":
            b.close()


if __name__ == "__main__":
    main()
