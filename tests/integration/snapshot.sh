#!/bin/sh
# Runs from a snapshot give the verdicts of fresh boots (issue 13).  A
# snapshot of the base guest at the start of its workload; three catalogue
# scenarios with a fault after the boot (intermittent-extend,
# retry-after-apply, extend-timeout) run fresh and from it: the same
# verdict, the same divergent entries, kernel errors and faults, the same
# cause of the first divergent entry (frame numbers aside: the restored
# QEMU's own TPM probe comes after the snapshot's frames); a fault on
# boot_aggregate is refused from the snapshot; a short explore search with
# and without snapshots gives the same classes.  No process, socket or
# runtime directory is left behind.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq
X="$ROOT/bin/tpmfault"
export TMPDIR="$T/tmp"      # the runs' private directories: none may stay
mkdir -p "$TMPDIR"
SNAP="$T/snap"

"$X" run --make-snapshot "$SNAP" --reports "$T/make" "$ROOT/scenarios/baseline.scn" 2>"$T/make.err"
rc=$?
[ $rc -eq 77 ] && skip "$(tail -n 1 "$T/make.err")"
check "--make-snapshot exits 0" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { sed 's/^/    | /' "$T/make.err"; finish; }
for f in vm.mig trace.jsonl serial.log evidence.txt key; do
    check "the snapshot has $f" [ -s "$SNAP/$f" ]
done
check "its trace ends before QEMU asked for the TPM's state" \
    [ "$(grep -c STATEBLOB "$SNAP/trace.jsonl")" -eq 0 ]
check "its trace has boot_aggregate's extend" \
    [ "$(jq -s '[.[] | select(.dir == "cmd" and .pcr == 10)] | length' "$SNAP/trace.jsonl")" -eq 1 ]

# the facts a verdict rests on, frame numbers masked in the cause
facts() {
    jq -c '[.verdict, .facts.list_complete, .facts.entries_not_in_pcr,
            .facts.entries_applied_twice, [.facts.kernel_errors[].entry],
            .facts.quote_valid, .facts.explanation.first_divergent_entry,
            (.facts.explanation.first_divergent_why // "" | gsub("frame [0-9]+"; "frame N")
             | gsub("\\([0-9]+\\.\\.[0-9]+\\)"; "(N..N)")),
            [.facts.faults_injected[] | del(.ordinal)],
            .facts.extends_seen, .facts.extends_applied]' "$1"
}
for name in intermittent-extend retry-after-apply extend-timeout; do
    scn="$ROOT/scenarios/$name.scn"
    "$X" run --seed 5 --reports "$T/fresh" "$scn" 2>"$T/fresh.err"
    f=$?
    "$X" run --seed 5 --reports "$T/snapped" --from-snapshot "$SNAP" "$scn" 2>"$T/snapped.err"
    s=$?
    A=$(facts "$T/fresh/$name/report.json")
    B=$(facts "$T/snapped/$name/report.json")
    say "$name fresh:    $A"
    say "$name snapshot: $B"
    check "$name: both pass" [ "$f$s" = 00 ]
    check "$name: the same facts" [ "$A" = "$B" ]
    check "$name: the snapshot's run said so" grep -q "from the snapshot" "$T/snapped.err"
    check "$name: its reproduce line names the snapshot" \
        grep -q -- "--from-snapshot" "$T/snapped/$name/report.json"
    check "$name: its phases add up to its wall time (within 0.2 s), restore among them" \
        quiet jq -e '((.phases | add) - .wall_s | fabs < 0.2) and .phases.restore > 0' \
        "$T/snapped/$name/report.json"
    say "$name from the snapshot: wall $(jqr "$T/snapped/$name/report.json" .wall_s) s," \
        "phases $(jq -c '.phases | with_entries(select(.value != null))' "$T/snapped/$name/report.json")"
    check "$name: its trace begins with the snapshot's" \
        [ "$(jq -s '[.[] | select(.event == "restored")] | length' "$T/snapped/$name/trace.jsonl")" -eq 1 ]
done

cat >"$T/agg.scn" <<'SCN'
[run]
files = 2
[fault]
name = on-aggregate
command = PCR_Extend
pcr = 10
nth = 1
action = error
rc = TPM_RC_FAILURE
[expect]
guest-alive = yes
SCN
"$X" run --reports "$T/agg" --from-snapshot "$SNAP" "$T/agg.scn" 2>"$T/agg.err"
check "a fault on boot_aggregate from the snapshot: broken (99)" [ $? -eq 99 ]
check "... saying the rule fires during the boot" \
    grep -q "'on-aggregate' fires on frame" "$T/agg/agg/report.json"

echo "other" >"$SNAP/key.new" && cat "$SNAP/key" >>"$SNAP/key.new" && mv "$SNAP/key.new" "$SNAP/key"
"$X" run --reports "$T/stale" --from-snapshot "$SNAP" "$ROOT/scenarios/intermittent-extend.scn" 2>/dev/null
check "a snapshot made for another boot: broken (99)" [ $? -eq 99 ]

"$X" explore --seed 4 --budget 6 --shrink-runs 0 --reports "$T/ex1" >"$T/ex1.out" 2>&1
check "explore with snapshots exits 0" [ $? -eq 0 ]
"$X" explore --seed 4 --budget 6 --shrink-runs 0 --reports "$T/ex2" --no-snapshot >"$T/ex2.out" 2>&1
check "explore --no-snapshot exits 0" [ $? -eq 0 ]
sed 's/^/    | /' "$T/ex1.out"
check "some runs started from the snapshot" grep -Eq '^[1-9][0-9]* runs started from the snapshot' "$T/ex1.out"
refute "--no-snapshot: no run from a snapshot" grep -q "started from the snapshot" "$T/ex2.out"
A=$(jq -c '[.runs[] | [.placement, .class]]' "$T/ex1/explore/summary.json")
B=$(jq -c '[.runs[] | [.placement, .class]]' "$T/ex2/explore/summary.json")
say "without: $B"
check "the same placements, the same classes" [ "$A" = "$B" ]

check "no runtime directory left" [ -z "$(ls -A "$TMPDIR")" ]
finish
