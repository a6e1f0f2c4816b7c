#!/bin/sh
# tpmfault suite on real guests: two scenarios that pass and one made to
# fail give exit 1, totals in summary.json, one <failure> in junit.xml, a
# `not ok` in summary.tap and a Reproduce with: line; the shards of a
# --shard split cover the selection exactly once; a bad shard is a usage
# error.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq

S="$T/scn" R="$T/reports"
mkdir -p "$S"
cp "$ROOT/scenarios/baseline.scn" "$ROOT/scenarios/tpm-absent.scn" "$S/"
sed 's/^replay-vs-quote = equal$/replay-vs-quote = differ/' \
    "$ROOT/scenarios/baseline.scn" > "$S/wrong.scn"
check "the copy was made to fail" grep -q 'replay-vs-quote = differ' "$S/wrong.scn"

# --- selection and shards, without running anything -------------------------
"$ROOT/bin/tpmfault" suite --dry-run "$S"/*.scn > "$T/all.txt"
check "--dry-run lists the three by name" \
    [ "$(cut -d' ' -f1 "$T/all.txt" | tr '\n' ' ')" = "baseline tpm-absent wrong " ]
"$ROOT/bin/tpmfault" suite --dry-run --shard 1/2 "$S"/*.scn > "$T/s1.txt"
"$ROOT/bin/tpmfault" suite --dry-run --shard 2/2 "$S"/*.scn > "$T/s2.txt"
check "shard 1/2 holds the 1st and 3rd" \
    [ "$(cut -d' ' -f1 "$T/s1.txt" | tr '\n' ' ')" = "baseline wrong " ]
check "shards 1/2 and 2/2 cover the three exactly once" \
    [ "$(cat "$T/s1.txt" "$T/s2.txt" | sort)" = "$(sort "$T/all.txt")" ]
"$ROOT/bin/tpmfault" suite --shard 3/2 "$S"/*.scn 2>"$T/shard.err"
check "--shard 3/2 exits 2" [ $? -eq 2 ]
check "the message names --shard" grep -q -- '--shard' "$T/shard.err"
"$ROOT/bin/tpmfault" suite --shard 0/2 "$S"/*.scn 2>/dev/null
check "--shard 0/2 exits 2" [ $? -eq 2 ]
check "nothing ran" [ ! -e "$R" ]

# --- the real suite -----------------------------------------------------------
"$ROOT/bin/tpmfault" suite --jobs 2 --reports "$R" --seed 42 "$S"/*.scn \
    >"$T/suite.out" 2>"$T/suite.err"
rc=$?
check "the suite exits 1 (one scenario fails)" [ "$rc" -eq 1 ]
[ "$rc" -eq 1 ] || sed 's/^/    | /' "$T/suite.out" "$T/suite.err"
J="$R/summary.json"
check "summary.json totals: 3 scenarios, 2 passed, 1 failed, 0 broken, 0 skipped" \
    [ "$(jqr "$J" '.totals | "\(.scenarios) \(.passed) \(.failed) \(.broken) \(.skipped)"')" = "3 2 1 0 0" ]
check "summary.json names wrong's failed expectation" \
    [ "$(jqr "$J" '.scenarios[] | select(.name == "wrong") | .failed_expectations[].name')" = replay-vs-quote ]
check "summary.json keeps the seed" \
    [ "$(jqr "$J" '[.scenarios[].seed] | unique | .[]')" = 42 ]
X="$R/junit.xml"
check "junit.xml has 3 testcases" [ "$(grep -c '<testcase ' "$X")" -eq 3 ]
check "junit.xml has 1 failure" [ "$(grep -c '<failure ' "$X")" -eq 1 ]
check "junit.xml has no error" [ "$(grep -c '<error ' "$X")" -eq 0 ]
if command -v xmllint >/dev/null 2>&1; then
    check "junit.xml is well-formed" xmllint --noout "$X"
fi
check "summary.tap: not ok for wrong" grep -q '^not ok [0-9]* - wrong$' "$R/summary.tap"
check "summary.tap plans 3" grep -q '^1\.\.3$' "$R/summary.tap"
check "summary.tap has two ok" [ "$(grep -c '^ok ' "$R/summary.tap")" -eq 2 ]
check "stdout has Reproduce with:" grep -q '^Reproduce with: .*--seed 42 .*wrong.scn' "$T/suite.out"
check "stdout names the failed expectation" \
    grep -q 'replay-vs-quote: expected differ, saw equal' "$T/suite.out"
check "stdout has the summary line" \
    grep -q '^scenarios: 2 passed, 1 failed, 0 broken, 0 skipped (wall ' "$T/suite.out"
for n in baseline tpm-absent wrong; do
    check "$n's run.log is in its report directory" [ -s "$R/$n/run.log" ]
done
check "no temporary files are left" [ ! -e "$R/.running" ]
finish
