#!/bin/sh
# Kernels from 6.10 on also write one list per bank,
# binary_runtime_measurements_<alg>, whose template digest field has that
# bank's size.  On a real 6.12 guest (baseline scenario), tpmfault replay
# must replay every list to the TPM's PCR 10 in both banks (the bank taken
# from the file name), exactly per the trace, with boot_aggregate checked,
# and evmctl must agree on the classic list.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need evmctl; need jq
"$ROOT/scripts/fetch-kernel.sh" 6.12 >"$T/fetch.log" 2>&1 ||
    skip "the 6.12 kernel could not be fetched: $(tail -1 "$T/fetch.log")"
run_scenario "$ROOT/scenarios/baseline.scn" 0 --kernel 6.12 || finish
d="$T/reports/baseline"
s1=$(jqr "$d/report.json" .facts.banks.sha1.tpm_pcr10)
s2=$(jqr "$d/report.json" .facts.banks.sha256.tpm_pcr10)
for alg in sha1 sha256; do
    l="$d/binary_runtime_measurements_$alg"
    check "the guest wrote binary_runtime_measurements_$alg" [ -s "$l" ]
    "$ROOT/bin/tpmfault" replay "$l" --pcr sha1:"$s1" --pcr sha256:"$s2" \
        --trace "$d/trace.jsonl" >"$T/$alg.out" 2>&1
    check "replay of the $alg list matches the TPM exactly (exit 0)" [ $? = 0 ]
    check "the $alg list's template digests are read as $alg" \
        grep -q "template digest: $alg)" "$T/$alg.out"
    check "its boot_aggregate is the hash of the trace's PCRs 0-9" \
        grep -q '^boot_aggregate  *match' "$T/$alg.out"
done
# The sha256 list read as if its digests were sha1: bad input, with an offset.
"$ROOT/bin/tpmfault" replay --template-hash sha1 "$d/binary_runtime_measurements_sha256" \
    >/dev/null 2>"$T/bad.err"
check "a per-bank list read with the wrong digest size exits 2" [ $? = 2 ]
check "and the message names a byte offset" grep -q 'offset [0-9]* (entry 0)' "$T/bad.err"
for i in $(seq 0 23); do
    if [ "$i" = 10 ]; then v=$s1; else v=0000000000000000000000000000000000000000; fi
    printf 'PCR-%02d: %s\n' "$i" "$v"
done >"$T/pcrs.sha1"
evmctl ima_measurement --pcrs sha1,"$T/pcrs.sha1" "$d/binary_runtime_measurements" \
    >"$T/evmctl.out" 2>&1
check "evmctl agrees on the classic list" [ $? = 0 ]
finish
