#!/bin/sh
# Run every cmocka unit test binary given; print one closing line.
# Each binary runs under a deadline so a hung test fails instead of hanging CI.
passed=0 failed=0
for t in "$@"; do
    if timeout 60 "$t"; then
        passed=$((passed + 1))
    else
        echo "FAILED: $t" >&2
        failed=$((failed + 1))
    fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
