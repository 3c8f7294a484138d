#!/bin/sh
# bench/hostile.sh: memory and time of every memsift command on the hostile bundles of issue 17
# at the attack report's sizes (tests/hostile_bundles.py --scale full: 2 GiB text members of
# zeros, a 510 MB index, 4,000,000 empty members, ...). Prints, per bundle and command, the
# compressed size, the exit code, the peak RSS and the wall time; exits 1 if any command's
# peak RSS passes LIMIT_MIB (default 256: the issue's bound for hostile bundles up to 100 MiB).
#
# Usage: bench/hostile.sh [BUILD_DIR] [LIMIT_MIB] [ATTACK...]     defaults: build, 256, all
# Building the full-scale bundles streams about 30 GB of zeros through zstd: minutes.
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
limit=${2:-256}
[ $# -gt 2 ] && shift 2 || set --
. "$here/bench/lib.sh"
need_bins bench/hostile.sh "$build" memsift
[ -x /usr/bin/time ] || { echo "bench/hostile.sh: needs /usr/bin/time (Debian: time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

python3 "$here/tests/hostile_bundles.py" "$tmp" --scale full "$@"
over=0
printf '%-22s %10s  %-8s %4s %9s %8s\n' bundle bytes command exit "peak MiB" seconds
for b in "$tmp"/*.tar.zst; do
  name=$(basename "$b" .tar.zst)
  size=$(stat -c %s "$b")
  for cmd in report info list extract; do
    case $cmd in
      report) set -- report -f json -o "$tmp/out.json" "$b" ;;
      extract) rm -rf "$tmp/x"; set -- extract "$b" "$tmp/x" ;;
      *) set -- "$cmd" "$b" ;;
    esac
    /usr/bin/time -f '%x %M %e' -o "$tmp/time" "$build/bin/memsift" "$@" >/dev/null 2>"$tmp/err" ||
      true
    read -r code kib secs <"$tmp/time" || true
    # A non-zero exit makes time(1) write "Command exited with non-zero status N" first.
    if [ "$code" = Command ]; then read -r code kib secs <<EOT
$(tail -1 "$tmp/time")
EOT
    fi
    mib=$((kib / 1024))
    printf '%-22s %10s  %-8s %4s %9s %8s\n' "$name" "$size" "$cmd" "$code" "$mib" "$secs"
    [ "$mib" -le "$limit" ] || over=$((over + 1))
  done
  rm -rf "$tmp/x"
done
[ "$over" -eq 0 ] || { echo "bench/hostile.sh: $over commands over $limit MiB" >&2; exit 1; }
echo "all commands within $limit MiB"
