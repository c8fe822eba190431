#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then, against that tree only:
# examples/embed built with find_package(strata) and run on a SQLite file, and
# the C ABI test program built with pkg-config.  Usage: install_test.sh BUILD SOURCE
set -euo pipefail
build=$1
source=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
prefix=$tmp/prefix

cmake --install "$build" --prefix "$prefix" > "$tmp/install.log"
for f in bin/strata lib/libstrata.a include/strata/migrator.h include/strata/strata.h \
         lib/cmake/strata/strataConfig.cmake lib/cmake/strata/strataConfigVersion.cmake lib/pkgconfig/strata.pc \
         share/man/man1/strata.1 share/bash-completion/completions/strata share/zsh/vendor-completions/_strata \
         share/fish/vendor_completions.d/strata.fish; do
  [ -e "$prefix/$f" ] || fail "not installed: $f"
done
"$prefix/bin/strata" --version | grep -q '^strata ' || fail "installed strata --version"
if grep -rq "$source" "$prefix/lib/cmake" "$prefix/lib/pkgconfig"; then fail "installed files name the source tree"; fi

# examples/embed, configured on its own: only the installed tree is visible.
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$source/examples/embed" -B "$tmp/embed" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" > "$tmp/configure.log" || { cat "$tmp/configure.log"; fail "configure"; }
cmake --build "$tmp/embed" > "$tmp/build.log" || { cat "$tmp/build.log"; fail "build examples/embed"; }
mkdir "$tmp/migrations"
echo "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);" > "$tmp/migrations/0001_users.up.sql"
echo "INSERT INTO users (email) VALUES ('a@example.com');" > "$tmp/migrations/0002_seed.up.sql"
out=$("$tmp/embed/strata_embed_example" "sqlite:$tmp/app.db" "$tmp/migrations")
echo "$out"
grep -q "applied 0002_seed" <<< "$out" || fail "the example did not apply 0002_seed"
grep -q "database ready: 2 migrations applied" <<< "$out" || fail "unexpected output"
again=$("$tmp/embed/strata_embed_example" "sqlite:$tmp/app.db" "$tmp/migrations")
grep -q "database ready: 0 migrations applied" <<< "$again" || fail "second start applied again: $again"
status=$("$prefix/bin/strata" status --url "sqlite:$tmp/app.db" --dir "$tmp/migrations")
grep -q "2 applied, 0 pending" <<< "$status" || fail "status after the example: $status"

# The C ABI with pkg-config, from C.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cc -std=c11 -pedantic -Wall -Werror $(pkg-config --cflags strata) "$source/tests/capi/capi_test.c" \
  -o "$tmp/capi_test" $(pkg-config --libs strata) || fail "C program against pkg-config"
"$tmp/capi_test" || fail "C ABI test against the installed library"
echo "install OK"
