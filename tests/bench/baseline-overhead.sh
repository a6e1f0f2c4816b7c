#!/bin/sh
# Wall time of a whole baseline scenario (swtpm + shim + QEMU + verifier)
# beside a bare run of the same guest and workload: swtpm and QEMU only, no
# shim, no verification.  Interleaved, 5 runs each, medians and the ratio.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${RUNS:-5}
KERNEL_IMG="$ROOT/cache/kernel/6.1/vmlinuz"
INITRD="$ROOT/build/initramfs.cpio.gz"
TEMPLATE="$ROOT/cache/tpm-template/sha1,sha256"
W=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-bench.XXXXXX")
cleanup() {
    rc=$?
    pid=$(cat "$W/swtpm.pid" 2>/dev/null || true)
    [ -n "$pid" ] && kill "$pid" 2>/dev/null
    rm -rf "$W"
    exit "$rc"
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }

bare_run() {
    rm -rf "$W/state" "$W/ev.txt" "$W/serial.log"
    cp -r "$TEMPLATE" "$W/state"
    swtpm socket --tpm2 --tpmstate dir="$W/state" \
        --ctrl type=unixio,path="$W/swtpm.sock" --pid file="$W/swtpm.pid" -d
    i=0; while [ ! -S "$W/swtpm.sock" ] && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
    timeout 120 qemu-system-x86_64 -accel tcg -m 512 -smp 1 -nodefaults -display none \
        -no-reboot -kernel "$KERNEL_IMG" -initrd "$INITRD" \
        -append "console=ttyS0 panic=-1 tpmfault.nonce=00112233445566778899aabbccddeeff tpmfault.files=3" \
        -chardev socket,id=chrtpm,path="$W/swtpm.sock" -tpmdev emulator,id=tpm0,chardev=chrtpm \
        -device tpm-tis,tpmdev=tpm0 -serial file:"$W/serial.log" -serial file:"$W/ev.txt"
    grep -q 'TPMFAULT done' "$W/ev.txt" || { echo "bench: bare run did not finish" >&2; exit 99; }
    rm -f "$W/swtpm.sock" "$W/swtpm.pid"
}

scenario_run() {
    "$ROOT/bin/tpmfault" run --reports "$W/reports" "$ROOT/scenarios/baseline.scn" 2>/dev/null
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

: > "$W/bare"; : > "$W/scn"
for r in $(seq 1 "$RUNS"); do
    t0=$(now); bare_run; t1=$(now)
    echo "$t1 - $t0" | bc >> "$W/bare"
    t0=$(now); scenario_run; t1=$(now)
    echo "$t1 - $t0" | bc >> "$W/scn"
    echo "bench: run $r: bare $(tail -1 "$W/bare") s, scenario $(tail -1 "$W/scn") s"
done
b=$(median < "$W/bare"); s=$(median < "$W/scn")
echo "bench: baseline scenario median ${s} s; bare QEMU boot (swtpm, no shim) median ${b} s; ratio $(echo "scale=3; $s / $b" | bc) (n=$RUNS)"
