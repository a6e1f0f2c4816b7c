#!/bin/sh
# A scenario whose expectation is wrong must end in fail (exit 1) with a
# message naming the expectation, what was seen, the seed and a
# Reproduce with: line -- the verdict can fail, it is not a rubber stamp.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq

sed 's/^replay-vs-quote = equal$/replay-vs-quote = differ/' \
    "$ROOT/scenarios/baseline.scn" > "$T/wrong.scn"
check "the script was changed" grep -q 'replay-vs-quote = differ' "$T/wrong.scn"
run_scenario "$T/wrong.scn" 1 --seed 42
J="$T/reports/wrong/report.json"
check "report verdict is fail" [ "$(jqr "$J" .verdict)" = fail ]
check "replay-vs-quote is the failed expectation" \
    [ "$(jqr "$J" '[.expectations[] | select(.result == "fail") | .name] | join(",")')" = replay-vs-quote ]
check "the message says expected and seen" grep -q 'replay-vs-quote: expected differ, saw equal' "$T/run.err"
check "the seed is printed" grep -q 'seed 42' "$T/run.err"
check "a Reproduce with: line is printed" grep -q '^Reproduce with: .*--seed 42' "$T/run.err"
check "junit.xml has a failure" grep -q '<failure' "$T/reports/wrong/junit.xml"
finish
