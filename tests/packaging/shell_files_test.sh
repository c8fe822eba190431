#!/usr/bin/env bash
# The generated completions and man page (cmake/Packaging.cmake): each parses
# in its shell, names every command `strata --help` lists, and the man page
# renders without warnings.  Usage: shell_files_test.sh BUILD_DIR
set -euo pipefail
build=$1
share=$build/share
strata=$build/src/cli/strata
fail() { echo "FAIL: $*" >&2; exit 1; }

commands=$("$strata" --help | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$commands" ] || fail "no commands in strata --help"
for f in strata.bash _strata strata.fish strata.1; do
  [ -s "$share/$f" ] || fail "$share/$f missing"
  # The generated files are the command's current output.
done
cmp -s <("$strata" completion bash) "$share/strata.bash" || fail "strata.bash is stale"
for c in $commands; do
  grep -q "^    $c) COMPREPLY" "$share/strata.bash" || fail "bash: no completion for $c"
  grep -q "^    '$c:" "$share/_strata" || fail "zsh: no completion for $c"
  grep -q -- "-a $c -d" "$share/strata.fish" || fail "fish: no completion for $c"
  grep -q "^\.SS strata $c" "$share/strata.1" || fail "man: no section for $c"
done
grep -q 'golang-migrate' "$share/strata.bash" || fail "bash: no --format values"

bash -n "$share/strata.bash" || fail "strata.bash does not parse"
# Completing `strata sta` and `strata import ` in bash itself.
out=$(bash -c 'source "$1"; COMP_WORDS=(strata sta); COMP_CWORD=1; _strata; echo "${COMPREPLY[@]}"' _ "$share/strata.bash")
[ "$out" = "status" ] || fail "bash completes 'strata sta' to '$out'"
out=$(bash -c 'source "$1"; COMP_WORDS=(strata import fl); COMP_CWORD=2; _strata; echo "${COMPREPLY[@]}"' _ "$share/strata.bash")
[ "$out" = "flyway" ] || fail "bash completes 'strata import fl' to '$out'"
if command -v zsh > /dev/null; then zsh -n "$share/_strata" || fail "_strata does not parse"; else echo "zsh not installed: syntax not checked"; fi
if command -v fish > /dev/null; then fish -n "$share/strata.fish" || fail "strata.fish does not parse"; else echo "fish not installed: syntax not checked"; fi
if command -v groff > /dev/null; then
  warnings=$(groff -man -Tutf8 -ww -z "$share/strata.1" 2>&1)
  [ -z "$warnings" ] || fail "man page: $warnings"
fi
echo "shell files OK: $(echo $commands | wc -w) commands"
