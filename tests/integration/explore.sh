#!/bin/sh
# tpmfault explore: a short search (seed 2, the opening's first placements:
# an IMA extend answered TPM_RC_RETRY or _TESTING after swtpm applied it, an
# IMA extend held past the 4 s mark), two runs then one more with --resume,
# against the same seed's first two runs from scratch: the same placements,
# the same classes; summary.json holds every run with its invariants;
# --fail-on exits 1 on a class it found and 0 on one it did not; index.html
# has a row per class; bad usage exits 2.  The first search shrinks each
# class one step: the script it writes parses and passes as it stands.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq
X="$ROOT/bin/tpmfault"

"$X" explore --seed 2 --budget 2 --shrink-runs 1 --reports "$T/a" --found "$T/found" \
    >"$T/a.out" 2>&1
check "a search of 2 runs exits 0" [ $? -eq 0 ]
sed 's/^/    | /' "$T/a.out"
[ "$(jq '[.runs[] | select(.class != "skip")] | length' "$T/a/explore/summary.json")" -gt 0 ] ||
    skip "every run was skipped (make setup builds what they need)"
check "placement 0 doubles an extend, unlogged" \
    [ "$(jq -r '.runs[0].class' "$T/a/explore/summary.json")" = doubled.no-silent-divergence ]
check "one script shrunk per class that violates something" \
    [ "$(grep -c '^shrunk ' "$T/a.out")" -eq \
      "$(jq '[.runs[].class | select(contains(".") and (endswith(".ok") | not))] | unique | length' \
           "$T/a/explore/summary.json")" ]
for f in "$T"/found/*.scn; do
    n=$(basename "$f")
    check "$n: written where the search said" grep -q "^shrunk .* -> $f (as it stands: " "$T/a.out"
    check "$n: it passes as it stands" grep -q "^shrunk .* -> $f (as it stands: pass)" "$T/a.out"
    check "$n: tpmfault check parses it" "$X" check "$f"
    check "$n: [expect] is the shrunk run's, not only guest-alive" grep -q '^explained = ' "$f"
done
check "the doubling script was written" [ -f "$T/found/doubled.nsd-1.scn" ]
"$X" explore --resume "$T/a/explore" --budget 1 --shrink-runs 0 --fail-on none >"$T/r.out" 2>&1
rc=$?
sed 's/^/    | /' "$T/r.out"
S="$T/a/explore/summary.json"
check "--resume continues to 3 runs" [ "$(jq '.runs | length' "$S")" -eq 3 ]
check "the resumed run is placement 2" [ "$(jq -r '.runs[2].name' "$S")" = p00002 ]
check "--fail-on none: 1 when a run's shape is none" \
    [ "$rc" -eq "$(jq '[.runs[].class | select(startswith("none."))] | if length > 0 then 1 else 0 end' "$S")" ]
check "every run has its nine invariants" \
    [ "$(jq '[.runs[].invariants | length] | unique' -c "$S")" = "[9]" ]
check "index.html: one row per class" \
    [ "$(grep -c '^<tr><td>' "$T/a/explore/index.html")" -eq "$(jq '[.runs[].class] | unique | length' "$S")" ]
check "one progress line per run" [ "$(grep -c '^\[[0-9/]*\] .* -> ' "$T/a.out" "$T/r.out" | awk -F: '{s += $2} END {print s}')" -eq 3 ]

"$X" explore --seed 2 --budget 2 --shrink-runs 0 --reports "$T/b" --fail-on guest-survives >"$T/b.out" 2>&1
check "--fail-on guest-survives: 0 when no run lost its guest" [ $? -eq 0 ]
A=$(jq -c '[.runs[:2][] | [.placement, .seed, .class]]' "$S")
B=$(jq -c '[.runs[] | [.placement, .seed, .class]]' "$T/b/explore/summary.json")
say "a: $A"
check "the same seed: the same placements and classes" [ "$A" = "$B" ]

"$X" explore --budget 0 >"$T/u.out" 2>&1
check "--budget 0 is bad usage (2)" [ $? -eq 2 ]
"$X" explore --time 5ms >"$T/u.out" 2>&1
check "--time 5ms (two units) is bad usage (2)" [ $? -eq 2 ]
"$X" explore --fail-on list-completed >"$T/u.out" 2>&1
check "an unknown --fail-on class is bad usage (2)" [ $? -eq 2 ]
check "... named" grep -q "'list-completed'" "$T/u.out"
finish
