#!/bin/sh
# Run every integration test (tests/integration/*.sh except helpers) under a
# deadline, each in its own process group; print one closing line.
cd "$(dirname "$0")/../.." || exit 99
passed=0 failed=0 skipped=0
for t in tests/integration/*.sh; do
    case "$(basename "$t")" in lib.sh|*-lib.sh|run-all.sh) continue ;; esac
    echo "== $t"
    setsid timeout -k 10 600 "./$t"
    rc=$?
    case $rc in
        0) passed=$((passed + 1)); echo "PASS: $t" ;;
        77) skipped=$((skipped + 1)); echo "SKIP: $t" ;;
        *) failed=$((failed + 1)); echo "FAIL: $t (exit $rc)" ;;
    esac
done
echo "integration: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
