#!/bin/sh
# tpmfault explore with its snapshot against the same placements as
# separate `tpmfault run` calls (fresh boots), in the same bench run:
# runs per minute of each and their ratio (issue 13 aims at >= 3x).
# SEED 140's first N = 10 placements all put their faults after the boot
# (IMA extends k >= 2, the agent's Quote), so every one can start from the
# snapshot; explore's time includes making the snapshot.  Then the phase
# medians of both kinds of run: where the time goes.
# Guests must not run concurrently: run it under flock /tmp/tpmfault-vm.lock.
#   SEED=140 N=10 tests/bench/snapshot-bench.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SEED=${SEED:-140}
N=${N:-10}
X="$ROOT/bin/tpmfault"
W=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-snapbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

now() { date +%s%N; }
secs() { echo "$1 $2" | awk '{ printf "%.1f\n", ($2 - $1) / 1e9 }'; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
load() { cut -d' ' -f1 /proc/loadavg; }

l0=$(load); t0=$(now)
"$X" explore --seed "$SEED" --budget "$N" --shrink-runs 0 --reports "$W/ex" >"$W/ex.out" 2>&1 || {
    echo "bench: explore failed:" >&2; tail -n 20 "$W/ex.out" >&2; exit 1; }
t1=$(now)
explore_s=$(secs "$t0" "$t1")
from=$(sed -n 's/^\([0-9]*\) runs started from the snapshot.*/\1/p' "$W/ex.out")
l1=$(load); t0=$(now)
for scn in "$W"/ex/explore/placements/p*.scn; do
    "$X" run --reports "$W/fresh" "$scn" 2>/dev/null || true   # any verdict: the time counts
done
t1=$(now)
fresh_s=$(secs "$t0" "$t1")
echo "bench: explore --seed $SEED --budget $N with its snapshot: $explore_s s," \
     "$(echo "$N $explore_s" | awk '{ printf "%.1f", 60 * $1 / $2 }') runs/min" \
     "(${from:-0} of $N from the snapshot, making it included; load $l0)"
echo "bench: the same $N placements as separate tpmfault run calls: $fresh_s s," \
     "$(echo "$N $fresh_s" | awk '{ printf "%.1f", 60 * $1 / $2 }') runs/min (load $l1)"
echo "bench: snapshot speed-up $(echo "$fresh_s $explore_s" | awk '{ printf "%.2f", $1 / $2 }')x"
for kind in ex/explore/runs fresh; do
    : >"$W/phases"
    for j in "$W/$kind"/*/report.json; do
        jq -r '.phases | to_entries[] | "\(.key) \(.value // "null")"' "$j" >>"$W/phases"
        jq -r '"wall \(.wall_s)"' "$j" >>"$W/phases"
    done
    echo "bench: phase medians (s), $( [ "$kind" = fresh ] && echo fresh boots || echo explore ):"
    for p in $(awk '{print $1}' "$W/phases" | awk '!seen[$0]++'); do
        printf '  %-18s %s\n' "$p" "$(awk -v p="$p" '$1 == p && $2 != "null" {print $2}' "$W/phases" | median)"
    done
done
