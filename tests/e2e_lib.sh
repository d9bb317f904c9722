# Sourced by the shell end-to-end tests: `. "$(dirname "$0")/../e2e_lib.sh" "$1"`.
# Defines bin (the accelbench binary, the test's first argument), tmp (a temporary directory
# removed at exit), fail (set to 1 by bad), ok/bad (one line per check), q DB SQL (the rows of a
# query as CSV without the header), qu DB SQL (the same with CSV quoting undone) and sanitized
# (true for an AddressSanitizer build, whose --version says so).
set -u
bin=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }
q() { "$bin" db query --db "$1" --format csv "$2" 2>&1 | tail -n +2; }
qu() { q "$1" "$2" | sed 's/^"//; s/"$//; s/""/"/g'; }
sanitized() { "$bin" --version 2>/dev/null | grep -q "+asan"; }
