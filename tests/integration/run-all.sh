#!/bin/sh
# Run every integration test (tests/integration/*.sh except helpers) under a
# deadline, each in its own process group; print one closing line.
# matrix.sh runs first: the whole catalogue on 6.1 and 6.12 is the costly
# part, and its reports (TPMFAULT_ITEST_SHARED/matrix/<kernel>) are what
# agreement.sh checks instead of running the catalogue once more.
cd "$(dirname "$0")/../.." || exit 99
TPMFAULT_ITEST_SHARED=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-itests.XXXXXX") || exit 99
export TPMFAULT_ITEST_SHARED
trap 'rm -rf "$TPMFAULT_ITEST_SHARED"' EXIT
trap 'exit 130' INT TERM
passed=0 failed=0 skipped=0
for t in tests/integration/matrix.sh tests/integration/*.sh; do
    [ "$t" = tests/integration/matrix.sh ] && [ -n "${matrix_done:-}" ] && continue
    [ "$t" = tests/integration/matrix.sh ] && matrix_done=1
    case "$(basename "$t")" in lib.sh|*-lib.sh|run-all.sh) continue ;; esac
    echo "== $t"
    limit=600
    [ "$t" = tests/integration/matrix.sh ] && limit=1500   # two catalogues
    setsid timeout -k 10 "$limit" "./$t"
    rc=$?
    case $rc in
        0) passed=$((passed + 1)); echo "PASS: $t" ;;
        77) skipped=$((skipped + 1)); echo "SKIP: $t" ;;
        *) failed=$((failed + 1)); echo "FAIL: $t (exit $rc)" ;;
    esac
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
