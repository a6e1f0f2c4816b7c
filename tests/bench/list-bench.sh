#!/bin/sh
# Replay speed and memory: tpmfault replay against evmctl ima_measurement on
# the same generated ima-ng lists (sha1 + sha256 banks), in the same run.
# For each size: 5 runs of each (interleaved), median wall time, the ratio
# evmctl / tpmfault, and the peak RSS (/usr/bin/time %M).  Both must say
# "match" on every list before anything is timed.
#   SIZES="10000 100000 1000000" RUNS=5 tests/bench/list-bench.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SIZES=${SIZES:-"10000 100000 1000000"}
RUNS=${RUNS:-5}
GEN="$ROOT/build/bench/gen_list"
TPMFAULT="$ROOT/bin/tpmfault"
for tool in "$GEN" "$TPMFAULT" /usr/bin/time evmctl; do
    command -v "$tool" >/dev/null 2>&1 || { echo "list-bench: $tool missing" >&2; exit 77; }
done
W=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-listbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# timed OUT CMD...: run CMD under /usr/bin/time (peak RSS); append
# "seconds kib" to OUT, the wall time to the millisecond (time's %e has 10 ms)
timed() {
    out=$1; shift
    t0=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$W/t" "$@" >"$W/cmd.out" 2>&1 || {
        echo "list-bench: $* failed:" >&2; cat "$W/cmd.out" >&2; exit 1; }
    t1=$(date +%s%N)
    echo "$t0 $t1 $(cat "$W/t")" | awk '{ printf "%.3f %s\n", ($2 - $1) / 1e9, $3 }' >>"$out"
}
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
maxcol() { awk '$2>m{m=$2} END{print m}' "$1"; }

printf '%-9s %12s %12s %8s %14s %14s\n' entries "tpmfault s" "evmctl s" ratio \
    "tpmfault KiB" "evmctl KiB"
for n in $SIZES; do
    d="$W/$n"; mkdir -p "$d"
    pcrs=$("$GEN" "$n" "$d")
    set -- $pcrs
    replay="$TPMFAULT replay $d/binary_runtime_measurements --pcr $1 --pcr $2"
    evm="evmctl ima_measurement --pcrs sha1,$d/pcrs.sha1 --pcrs sha256,$d/pcrs.sha256 $d/binary_runtime_measurements"
    $replay | grep -q '^result  *match$' || { echo "list-bench: replay does not match ($n)" >&2; exit 1; }
    $evm >/dev/null 2>&1 || { echo "list-bench: evmctl does not match ($n)" >&2; exit 1; }
    : >"$d/ours"; : >"$d/evm"
    i=0
    while [ $i -lt "$RUNS" ]; do
        timed "$d/ours" $replay
        timed "$d/evm" $evm
        i=$((i + 1))
    done
    ours=$(cut -d' ' -f1 "$d/ours" | median)
    theirs=$(cut -d' ' -f1 "$d/evm" | median)
    ratio=$(echo "$theirs $ours" | awk '{ printf "%.1fx", ($2 > 0 ? $1 / $2 : 0) }')
    printf '%-9s %12s %12s %8s %14s %14s\n' "$n" "$ours" "$theirs" "$ratio" \
        "$(maxcol "$d/ours")" "$(maxcol "$d/evm")"
    rm -f "$d/binary_runtime_measurements"
done
