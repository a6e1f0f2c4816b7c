#!/bin/sh
# Load: `make scenarios` RUNS times in a row (default 5).  After each:
# the processes of ours left (swtpm, tpmfault-shim, qemu-system-x86_64 and
# tpmfault runs: their command lines hold this script's directory), the
# unix sockets and the tpmfault-run.* runtime directories left; at the end
# whether every scenario got the same verdict each time.  Figures on
# stdout; exit 1 when anything was left or a verdict changed.  Too long for
# CI (RUNS x the catalogue); `make load`.
#   RUNS=5 JOBS=1 SEED= KERNEL= tests/load/five-runs.sh [OUTDIR]
# JOBS defaults to 1: one guest at a time on a shared 2-CPU machine.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-5}
JOBS=${JOBS:-1}
OUT=${1:-$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-load.XXXXXX")}
mkdir -p "$OUT/tmp" || exit 99
OUT=$(cd "$OUT" && pwd)
# The runs make their runtime directories here: what is left is ours.
RT="$OUT/tmp"
command -v jq >/dev/null || { echo "load: jq missing (make deps)"; exit 77; }

now() { date +%s.%N; }
# ours: "PID COMMAND" of each process whose command line holds $OUT/ (the
# path goes to awk through its environment, not its command line)
ours() { ps -eo pid=,args= | P="$OUT/" awk 'index($0, ENVIRON["P"]) > 0'; }
sockets() {
    { find "$RT" -type s 2>/dev/null
      P="$RT/" awk 'NR > 1 && index($8, ENVIRON["P"]) == 1 { print $8 }' /proc/net/unix
    } | sort -u
}

make -s -C "$ROOT" setup >/dev/null || { echo "load: make setup failed"; exit 99; }
echo "load: $RUNS x make scenarios JOBS=$JOBS${SEED:+ SEED=$SEED}${KERNEL:+ KERNEL=$KERNEL}, reports in $OUT"
printf '%-4s %8s %6s %5s %7s %8s %s\n' run wall_s suite procs sockets rundirs verdicts
bad=0
i=1
while [ "$i" -le "$RUNS" ]; do
    t0=$(now)
    TMPDIR="$RT" make -s -C "$ROOT" scenarios JOBS="$JOBS" REPORTS="$OUT/run$i" \
        ${SEED:+SEED="$SEED"} ${KERNEL:+KERNEL="$KERNEL"} >"$OUT/run$i.log" 2>&1
    rc=$?
    wall=$(awk -v a="$t0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
    procs=$(ours | grep -v -e "five-runs.sh" | wc -l)
    socks=$(sockets | wc -l)
    dirs=$(find "$RT" -mindepth 1 -maxdepth 1 -name 'tpmfault-run.*' | wc -l)
    sum="$OUT/run$i/summary.json"
    if [ -f "$sum" ]; then
        jq -r '.scenarios[] | "\(.name) \(.verdict)"' "$sum" | sort > "$OUT/verdicts$i"
        tally=$(jq -r '.totals | "\(.passed)p/\(.failed)f/\(.broken)b/\(.skipped)s"' "$sum")
    else
        : > "$OUT/verdicts$i"; tally="no summary.json"
    fi
    printf '%-4s %8s %6s %5s %7s %8s %s\n' "$i" "$wall" "exit $rc" "$procs" "$socks" "$dirs" "$tally"
    if [ "$procs$socks$dirs" != 000 ]; then
        bad=1
        ours | grep -v -e "five-runs.sh" | sed 's/^/    process left: /'
        sockets | sed 's/^/    socket left: /'
        find "$RT" -mindepth 1 -maxdepth 1 | sed 's/^/    left: /'
        # Ours only (the path is this run's): nothing may outlive the test.
        ours | grep -v -e "five-runs.sh" | while read -r pid _; do kill -KILL "$pid"; done
        rm -rf "${RT:?}"/*
    fi
    i=$((i + 1))
done

# Verdict stability: every scenario's verdict in every run.
echo "verdicts (one column per run):"
cut -d' ' -f1 "$OUT"/verdicts* | sort -u > "$OUT/names"
changed=0
while read -r name; do
    row=""
    i=1
    while [ "$i" -le "$RUNS" ]; do
        v=$(awk -v n="$name" '$1 == n { print $2 }' "$OUT/verdicts$i")
        row="$row ${v:-missing}"
        i=$((i + 1))
    done
    distinct=$(printf '%s\n' $row | sort -u | wc -l)
    mark=""; [ "$distinct" -ne 1 ] && { mark="  <- changed"; changed=$((changed + 1)); }
    printf '  %-26s%s%s\n' "$name" "$row" "$mark"
done < "$OUT/names"
echo "load: $RUNS runs, $changed scenario(s) with differing verdicts, leftovers: $([ $bad = 0 ] && echo none || echo SOME)"
[ "$bad" = 0 ] && [ "$changed" = 0 ]
