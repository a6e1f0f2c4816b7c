#!/bin/sh
# The same seed injects the same faults at the same frame ordinals.
# random-extend-faults draws each IMA extend's fate from the rule's seeded
# stream: two runs with one fresh random seed must report identical
# faults_injected (rule, ordinal, action, applied) and the same entries
# missing from PCR 10; the scenario's own seed must fire (on the frames its
# comment names) and pass both times.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq
SCN="$ROOT/scenarios/random-extend-faults.scn"

# faults NAME RUN: the fault firings and missing entries of one run, one line
faults() {
    jq -c '[.seed, [.facts.faults_injected[] | [.rule, .ordinal, .action, .applied]],
            .facts.entries_not_in_pcr]' "$T/$2/$1/report.json"
}
twice() {   # twice SEED EXPECTED_EXIT
    for r in a b; do
        "$ROOT/bin/tpmfault" run --reports "$T/$r" --seed "$1" "$SCN" 2>"$T/$r.err"
        got=$?
        case "$2" in any) [ "$got" -le 1 ] ;; *) [ "$got" -eq "$2" ] ;; esac ||
            { fail "seed $1 run $r: exit $got"; sed 's/^/    | /' "$T/$r.err"; }
    done
}

twice 5 0
A=$(faults random-extend-faults a); B=$(faults random-extend-faults b)
say "seed 5: $A"
check "seed 5 fires on the same frames twice" [ "$A" = "$B" ]
check "seed 5 fires three times" [ "$(echo "$A" | jq '.[1] | length')" -eq 3 ]

SEED=$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')
twice "$SEED" any      # the scenario's expectations are for seed 5
A=$(faults random-extend-faults a); B=$(faults random-extend-faults b)
say "seed $SEED: $A"
check "the report records seed $SEED" [ "$(echo "$A" | jq -r '.[0]')" = "$SEED" ]
check "seed $SEED fires on the same frames twice" [ "$A" = "$B" ]
check "the seed is printed" grep -q "seed $SEED" "$T/a.err"
finish
