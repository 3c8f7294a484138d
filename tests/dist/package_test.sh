#!/usr/bin/env bash
# The Debian packages scripts/dist writes into dist/: the amd64 package unpacked into a clean
# directory (dpkg -x) holds exactly the expected files, its programs run, its man pages render
# without warnings, its bash completion completes; each memsift-collect_VERSION_ARCH.deb holds
# that architecture's collector; lintian reports no error (its warnings are printed).
# Usage: package_test.sh   Environment: MEMSIFT_BIN_DIR, MEMSIFT_DIST_DIR.
# Exit 0 passed, 1 failed, 77 skipped (no packages in dist/).
set -euo pipefail
bin=${MEMSIFT_BIN_DIR:?} dist=${MEMSIFT_DIST_DIR:?}

version=$("$bin/memsift" --version | awk '{print $2}')
deb="$dist/memsift_${version}_amd64.deb"
if [ ! -f "$deb" ]; then
  echo "SKIP: $deb is missing: run scripts/dist"
  exit 77
fi
for tool in dpkg-deb man; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool is missing (.ci/install-deps)"; exit 77; }
done

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}
work=$(mktemp -d "${TMPDIR:-/tmp}/memsift-pkg.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The files a package holds (directories aside), sorted.
files_of() { dpkg-deb --fsys-tarfile "$1" | tar -t | grep -v '/$' | sed 's|^\./||' | sort; }

arches=(x86_64 aarch64 ppc64le s390x)
want="$work/want" got="$work/got"
{
  printf '%s\n' usr/bin/memsift usr/bin/memsift-collect
  for a in "${arches[@]}"; do echo "usr/lib/memsift/collectors/memsift-collect-$a"; done
  printf '%s\n' usr/share/bash-completion/completions/memsift \
    usr/share/bash-completion/completions/memsift-collect usr/share/doc/memsift/changelog.gz \
    usr/share/doc/memsift/copyright usr/share/lintian/overrides/memsift \
    usr/share/man/man1/memsift.1.gz usr/share/man/man8/memsift-collect.8.gz
} | sort >"$want"
files_of "$deb" >"$got"
diff -u "$want" "$got" || fail "$deb: unexpected file list (- expected, + in the package)"

root="$work/root"
dpkg-deb -x "$deb" "$root"
out=$("$root/usr/bin/memsift" --version) || fail "memsift --version exited $?"
[ "$out" = "memsift $version" ] || fail "memsift --version printed '$out'"
out=$("$root/usr/bin/memsift-collect" --version) || fail "memsift-collect --version exited $?"
[[ "$out" == "memsift-collect $version for x86_64 "* ]] || fail "memsift-collect --version: '$out'"
cmp -s "$root/usr/bin/memsift-collect" "$dist/memsift-collect-x86_64" ||
  fail "/usr/bin/memsift-collect is not dist/memsift-collect-x86_64"
for a in "${arches[@]}"; do
  f="$root/usr/lib/memsift/collectors/memsift-collect-$a"
  cmp -s "$f" "$dist/memsift-collect-$a" || fail "$f is not dist/memsift-collect-$a"
  runner=()
  if [ "$a" != "$(uname -m)" ]; then
    command -v "qemu-$a-static" >/dev/null || { echo "note: no qemu-$a-static, $a not run"; continue; }
    runner=("qemu-$a-static")
  fi
  out=$("${runner[@]}" "$f" --version) || fail "$f --version exited $?"
  [[ "$out" == *" for $a "* ]] || fail "$f --version does not name $a: '$out'"
done

# Man pages: rendered by man itself, with groff's warnings on; any warning fails.
for page in man1/memsift.1.gz man8/memsift-collect.8.gz; do
  f="$root/usr/share/man/$page"
  if ! MANWIDTH=80 man --warnings -l "$f" >"$work/page.txt" 2>"$work/page.err"; then
    fail "man -l $page exited non-zero"
  fi
  [ ! -s "$work/page.err" ] || { cat "$work/page.err"; fail "man -l $page warned"; }
  for section in NAME SYNOPSIS DESCRIPTION "EXIT STATUS"; do
    grep -q "^$section" "$work/page.txt" || fail "$page has no $section section"
  done
done

# Bash completion, as bash-completion loads it (extglob on).
completion_of() {  # FILE FUNCTION WORDS... : the completions of the last word
  local file=$1 fn=$2
  shift 2
  bash -c 'shopt -s extglob; source "$1"; fn=$2; shift 2; COMP_WORDS=("$@");
           COMP_CWORD=$(($# - 1)); "$fn"; echo "${COMPREPLY[*]}"' _ "$file" "$fn" "$@"
}
comp="$root/usr/share/bash-completion/completions"
[ "$(completion_of "$comp/memsift" _memsift memsift page)" = page-types ] ||
  fail "completion: memsift page<TAB>"
[ "$(completion_of "$comp/memsift" _memsift memsift report b.tar.zst -f m)" = markdown ] ||
  fail "completion: memsift report B -f m<TAB>"
[ "$(completion_of "$comp/memsift-collect" _memsift_collect memsift-collect --max-s)" = \
  --max-seconds ] || fail "completion: memsift-collect --max-s<TAB>"

# One memsift-collect package per architecture, each with that architecture's collector.
declare -A debarch=([x86_64]=amd64 [aarch64]=arm64 [ppc64le]=ppc64el [s390x]=s390x)
for a in "${arches[@]}"; do
  d="$dist/memsift-collect_${version}_${debarch[$a]}.deb"
  [ -f "$d" ] || { fail "$d is missing"; continue; }
  [ "$(dpkg-deb -f "$d" Architecture)" = "${debarch[$a]}" ] || fail "$d: wrong Architecture"
  printf '%s\n' usr/bin/memsift-collect usr/share/bash-completion/completions/memsift-collect \
    usr/share/doc/memsift-collect/changelog.gz usr/share/doc/memsift-collect/copyright \
    usr/share/lintian/overrides/memsift-collect usr/share/man/man8/memsift-collect.8.gz |
    sort >"$want"
  files_of "$d" >"$got"
  diff -u "$want" "$got" || fail "$d: unexpected file list"
  rm -rf "$work/c" && dpkg-deb -x "$d" "$work/c"
  cmp -s "$work/c/usr/bin/memsift-collect" "$dist/memsift-collect-$a" ||
    fail "$d: /usr/bin/memsift-collect is not dist/memsift-collect-$a"
done

if command -v lintian >/dev/null; then
  lintian --tag-display-limit 0 "$dist"/*_"$version"_*.deb >"$work/lintian" 2>&1 || true
  cat "$work/lintian"
  if grep -q '^E: ' "$work/lintian"; then
    fail "lintian reports errors"
  fi
else
  echo "note: lintian is not installed (.ci/install-deps installs it): not run"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "PASS: packages of memsift $version"
