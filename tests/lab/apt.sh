# tests/lab/apt.sh: a private apt for the kernel lab (sourced by scripts/kernel-lab).
# The lab needs packages of four architectures from three Debian suites, never installed: it
# downloads them with an apt of its own (sources list, package lists, archive cache and an empty
# dpkg status, all in the lab cache) so the machine's own apt configuration and state are neither
# read nor changed. The mirror is the one the machine's Debian sources name (deb.debian.org unless
# they say otherwise).

lab_apt_mirror() {
  local m
  m=$(grep -hoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list.d/*.sources \
        /etc/apt/sources.list.d/*.list /etc/apt/sources.list 2>/dev/null | head -n1 | tr -d ' ')
  echo "${m:-http://deb.debian.org/debian}"
}

# lab_apt_init DIR: writes DIR/{sources.list,status,lists,cache,apt.conf}.
lab_apt_init() {
  local dir=$1 mirror
  mirror=$(lab_apt_mirror)
  mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial" "$dir/etc/sources.list.d" \
    "$dir/etc/preferences.d" "$dir/etc/apt.conf.d" "$dir/etc/trusted.gpg.d"
  : > "$dir/status"
  local suite
  {
    for suite in bookworm bullseye trixie; do
      echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] ${mirror%/} $suite main"
    done
  } > "$dir/etc/sources.list"
  # Everything apt reads or writes is redirected; Dir::Etc::* parts point at empty folders of our
  # own so no file of the machine's /etc/apt is read.
  cat > "$dir/apt.conf" <<CONF
APT::Architecture "amd64";
APT::Architectures { "amd64"; "arm64"; "ppc64el"; "s390x"; };
Dir::Etc "$dir/etc";
Dir::Etc::SourceList "$dir/etc/sources.list";
Dir::Etc::SourceParts "$dir/etc/sources.list.d";
Dir::Etc::Preferences "$dir/etc/preferences";
Dir::Etc::PreferencesParts "$dir/etc/preferences.d";
Dir::Etc::Parts "$dir/etc/apt.conf.d";
Dir::Etc::TrustedParts "$dir/etc/trusted.gpg.d";
Dir::State "$dir";
Dir::State::Lists "$dir/lists";
Dir::State::status "$dir/status";
Dir::Cache "$dir/cache";
Acquire::Languages "none";
APT::Sandbox::User "root";
Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled "false";
APT::Get::List-Cleanup "false";
CONF
}

lab_apt() {
  lab_apt_update
  APT_CONFIG="$LAB_APT/apt.conf" "$@"
}

# lab_resolved KEY COMMAND...: COMMAND's output, remembered in the cache under KEY (every apt
# call parses the lists of 3 suites x 4 architectures: seconds each on a busy machine).
lab_resolved() {
  local key=$1 f out
  shift
  f="$LAB_CACHE/resolved/$key"
  if [ -s "$f" ]; then cat "$f"; return 0; fi
  out=$("$@") || return 1
  [ -n "$out" ] || return 1
  mkdir -p "$(dirname "$f")"
  printf '%s\n' "$out" >"$f.tmp" && mv "$f.tmp" "$f"
  printf '%s\n' "$out"
}

# lab_apt_update: fetches the lists when the cache has none, or when MEMSIFT_LAB_REFRESH=1 (then
# the newest kernels of each suite are picked again). Otherwise the lab reuses what it resolved
# before, so a warm run makes no apt call and needs no network.
lab_apt_update() {
  local stamp="$LAB_APT/updated"
  # The configuration is rewritten every time (cheap), so a cache made by an older lab gets the
  # current one.
  lab_apt_init "$LAB_APT"
  if [ -f "$stamp" ] && [ "${MEMSIFT_LAB_REFRESH:-0}" != 1 ]; then return 0; fi
  rm -rf "$LAB_CACHE/resolved"
  lab_log "apt: updating the lab's private package lists ($(lab_apt_mirror))"
  APT_CONFIG="$LAB_APT/apt.conf" apt-get update -qq >"$LAB_APT/update.log" 2>&1 ||
    { cat "$LAB_APT/update.log" >&2; lab_die "apt-get update (private lists) failed"; }
  touch "$stamp"
}

# lab_pkg_version SUITE PKG:ARCH -> the candidate version in SUITE.
lab_pkg_version() {
  local suite=$1 pkg=$2
  lab_apt apt-cache madison "$pkg" | awk -v s="$suite" -F' *\\| *' '$3 ~ "(^| )"s"(/|-| |$)" {print $2; exit}'
}

# lab_pkg_fetch SUITE PKG:ARCH -> prints the path of the cached .deb (downloads it once).
lab_pkg_fetch() {
  local f
  f=$(lab_resolved "$1/deb-$2" lab_pkg_fetch_uncached "$1" "$2") || return 1
  [ -f "$f" ] || { rm -f "$LAB_CACHE/resolved/$1/deb-$2"; f=$(lab_resolved "$1/deb-$2" lab_pkg_fetch_uncached "$1" "$2") || return 1; }
  echo "$f"
}
lab_pkg_fetch_uncached() {
  local suite=$1 pkg=$2 ver name arch file
  ver=$(lab_pkg_version "$suite" "$pkg")
  [ -n "$ver" ] || lab_die "no $pkg in $suite"
  name=${pkg%%:*}
  arch=${pkg##*:}
  [ "$arch" = "$pkg" ] && arch=all
  # apt-get download names the file NAME_VERSION_ARCH.deb, the epoch's ':' written as %3a.
  file="$LAB_CACHE/debs/${name}_${ver//:/%3a}_${arch}.deb"
  if [ ! -f "$file" ]; then
    mkdir -p "$LAB_CACHE/debs"
    (cd "$LAB_CACHE/debs" && lab_apt apt-get download -qq "$pkg=$ver" >/dev/null) ||
      lab_die "apt-get download $pkg=$ver failed"
    [ -f "$file" ] || lab_die "apt-get download $pkg=$ver wrote no $file"
  fi
  echo "$file"
}

# lab_kernel_package SUITE FLAVOUR ARCH -> the linux-image-VERSION-FLAVOUR package the suite's
# metapackage (linux-image-FLAVOUR) depends on, e.g. linux-image-6.1.0-35-arm64.
lab_kernel_package() {
  lab_resolved "$1/kernel-$2:$3" lab_kernel_package_uncached "$@"
}
lab_kernel_package_uncached() {
  local suite=$1 flavour=$2 arch=$3 ver
  ver=$(lab_pkg_version "$suite" "linux-image-$flavour:$arch")
  [ -n "$ver" ] || lab_die "no linux-image-$flavour:$arch in $suite"
  lab_apt apt-cache show "linux-image-$flavour:$arch=$ver" |
    sed -n 's/^Depends: *//p' | head -n1 | tr ',' '\n' | sed 's/^ *//; s/ .*//' |
    grep -E "^linux-image-[0-9].*-$flavour(-unsigned)?$" | head -n1
}
