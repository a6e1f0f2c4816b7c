#!/bin/sh
# The harness's per-run overhead: `make scenario NAME=baseline` against a
# bare reference doing the same guest work without the project — the same
# kernel, swtpm and QEMU machine, an initramfs from the same builder with
# tests/bench/bare-init.sh as /init (the IMA rule, the files read, an AK
# under the EK, a quote of PCR 10 in sha1 and sha256, poweroff), no shim,
# no verifier, one "ok" line as its only evidence.  RUNS (5) of each,
# interleaved; medians, the ratio, the scenario's phase medians, and the
# load average with each figure (other work on the machine skews them).
# Guests must not run concurrently: run it under flock /tmp/tpmfault-vm.lock.
#   RUNS=5 tests/bench/baseline-overhead.sh
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-5}
BUILD=${BUILD:-build}
KERNEL_IMG="$ROOT/cache/kernel/6.1/vmlinuz"
TEMPLATE="$ROOT/cache/tpm-template/ek-ak/sha1,sha256"
BARE_INITRD="$ROOT/$BUILD/bench/bare-initramfs.cpio.gz"
FILES=3            # scenarios/baseline.scn's files =
for need in "$KERNEL_IMG" "$TEMPLATE/tpm2-00.permall"; do
    [ -e "$need" ] || { echo "bench: $need missing (make setup)" >&2; exit 77; }
done
"$ROOT/scripts/build-initramfs.sh" "$BARE_INITRD" "$ROOT/tests/bench/bare-init.sh"

W=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-bench.XXXXXX")
cleanup() {
    rc=$?
    pid=$(cat "$W/swtpm.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$W"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s%N; }
secs() { echo "$1 $2" | awk '{ printf "%.3f\n", ($2 - $1) / 1e9 }'; }
load() { cut -d' ' -f1 /proc/loadavg; }
median() { sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }

# One bare run: swtpm on a copy of the template, QEMU with the runner's
# machine (run_start.c), the guest's one line checked.
bare_run() {
    rm -rf "$W/state" "$W/ev.txt" "$W/serial.log"
    cp -r "$TEMPLATE" "$W/state"
    swtpm socket --tpm2 --tpmstate dir="$W/state" \
        --ctrl type=unixio,path="$W/swtpm.sock" --pid file="$W/swtpm.pid" -d
    i=0; while [ ! -S "$W/swtpm.sock" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
    timeout 120 qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand -m 512 -smp 1 \
        -nodefaults -display none -no-reboot -kernel "$KERNEL_IMG" \
        -initrd "$BARE_INITRD" -append "console=ttyS0 panic=-1 \
tpmfault.nonce=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n') tpmfault.files=$FILES" \
        -chardev socket,id=chrtpm,path="$W/swtpm.sock" \
        -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0 \
        -serial file:"$W/serial.log" -serial file:"$W/ev.txt"
    tr -d '\r' < "$W/ev.txt" | grep -qx ok || {
        echo "bench: the bare run did not say ok: $(head -c 200 "$W/ev.txt")" >&2; exit 99; }
    i=0; while [ -e "$W/swtpm.pid" ] && kill -0 "$(cat "$W/swtpm.pid")" 2>/dev/null &&
               [ $i -lt 100 ]; do sleep 0.01; i=$((i+1)); done
    rm -f "$W/swtpm.sock" "$W/swtpm.pid"
}

# One make scenario NAME=baseline, exactly as a user types it; it must pass.
scenario_run() {
    make -s -C "$ROOT" scenario NAME=baseline REPORTS="$W/reports" \
        >"$W/scenario.log" 2>&1 || {
        echo "bench: make scenario NAME=baseline did not pass:" >&2
        tail -n 20 "$W/scenario.log" >&2; exit 1; }
    jq -r '.phases | to_entries[] | "\(.key) \(.value // "null")"' \
        "$W/reports/baseline/report.json" >>"$W/phases"
}

: > "$W/bare"; : > "$W/scn"; : > "$W/phases"
for r in $(seq 1 "$RUNS"); do
    l=$(load); t0=$(now); bare_run; t1=$(now)
    secs "$t0" "$t1" >> "$W/bare"
    t0=$(now); scenario_run; t1=$(now)
    secs "$t0" "$t1" >> "$W/scn"
    echo "bench: run $r: bare $(tail -n1 "$W/bare") s, make scenario $(tail -n1 "$W/scn") s (load $l)"
done
echo "bench: make scenario NAME=baseline, phase medians (s):"
for p in $(awk '{print $1}' "$W/phases" | awk '!seen[$0]++'); do
    printf '  %-18s %s\n' "$p" "$(awk -v p="$p" '$1 == p && $2 != "null" {print $2}' "$W/phases" | median)"
done
b=$(median < "$W/bare"); s=$(median < "$W/scn")
echo "bench: make scenario NAME=baseline median $s s; bare reference median $b s;" \
    "ratio $(echo "$s $b" | awk '{ printf "%.2f", $1 / $2 }') (n=$RUNS, load $(load))"
