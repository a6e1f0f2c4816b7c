# Shared helpers for integration tests (sourced).  Each test runs in its own
# temporary directory, removed on exit; results use the automake codes:
# exit 0 pass, 1 fail, 77 skip, 99 broken.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-itest.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM     # exit runs the EXIT trap; a bare INT trap would go on
FAILED=0

say()  { echo "  $*"; }
fail() { echo "  FAIL: $*"; FAILED=1; }
skip() { echo "  SKIP: $*"; exit 77; }
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not installed"; }

# check DESCRIPTION COMMAND...: the command must succeed
check() {
    desc=$1; shift
    if "$@"; then say "ok: $desc"; else fail "$desc"; fi
}
# refute DESCRIPTION COMMAND...: the command must fail
refute() {
    desc=$1; shift
    if "$@"; then fail "$desc (it succeeded)"; else say "ok: $desc"; fi
}
# jqr FILE FILTER: one raw value from a JSON file
jqr() { jq -r "$2" "$1"; }

# run_scenario SCN EXPECTED_EXIT [ARGS...]: run into $T/reports, check exit
run_scenario() {
    scn=$1 want=$2; shift 2
    "$ROOT/bin/tpmfault" run --reports "$T/reports" "$@" "$scn" 2>"$T/run.err"
    got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$(basename "$scn"): exit $got, expected $want"
        sed 's/^/    | /' "$T/run.err"
        return 1
    fi
    say "ok: $(basename "$scn") exits $want"
}

finish() { exit "$FAILED"; }
# quiet COMMAND...: run it with its output kept in $T/quiet.out
quiet() { "$@" >"$T/quiet.out" 2>&1; }
