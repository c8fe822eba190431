#!/usr/bin/env bash
# `cpack -G DEB` makes the packages; the strata package is installed into a
# scratch root with `dpkg --root DIR --install` (its own dpkg database, so the
# machine's is untouched; --force-depends because that root has no libc6
# record) and its strata --version runs. Exit 77 (skipped) without dpkg.
# Usage: deb_test.sh BUILD
set -euo pipefail
build=$1
command -v dpkg > /dev/null && command -v dpkg-deb > /dev/null || { echo "dpkg missing: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out" > "$tmp/cpack.log") ||
  { cat "$tmp/cpack.log"; fail "cpack"; }
deb=$(ls "$tmp"/out/strata_*.deb)
dev=$(ls "$tmp"/out/libstrata-dev_*.deb)
dpkg-deb -f "$deb" Depends | grep -q 'libc6' || fail "strata: Depends does not name libc6: $(dpkg-deb -f "$deb" Depends)"
dpkg-deb -f "$deb" Recommends | grep -q 'libpq5' || fail "strata: Recommends does not name libpq5"
dpkg-deb -f "$dev" Depends | grep -q 'libsqlite3-dev' || fail "libstrata-dev: Depends"
contents=$(dpkg-deb -c "$deb")
grep -q './usr/share/man/man1/strata.1' <<< "$contents" || fail "no man page in the package"
grep -q './usr/share/bash-completion/completions/strata' <<< "$contents" || fail "no bash completion in the package"
contents=$(dpkg-deb -c "$dev")
grep -q './usr/lib/.*libstrata.a' <<< "$contents" || fail "no libstrata.a in libstrata-dev"
grep -q './usr/lib/.*pkgconfig/strata.pc' <<< "$contents" || fail "no strata.pc in libstrata-dev"

root=$tmp/root
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates"
touch "$root/var/lib/dpkg/status"
dpkg --root="$root" --force-depends --force-not-root --log=/dev/null --install "$deb" > "$tmp/dpkg.log" 2>&1 ||
  { cat "$tmp/dpkg.log"; fail "dpkg --root --install"; }
dpkg --root="$root" -s strata | grep -q '^Status: install ok installed' || fail "not installed in the scratch root"
version=$("$root/usr/bin/strata" --version)
[[ "$version" == "strata "* ]] || fail "strata --version printed '$version'"
echo "$version from $(basename "$deb") installed in a scratch root"
