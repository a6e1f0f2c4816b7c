#!/bin/sh
# TPM 1.2 guests end to end (issue 12's "done when"): make scenario
# NAME=intermittent-extend-tpm12 passes; its report says the TPM is 1.2,
# entry 3 is not in PCR 10, the kernel logged TPM_FAIL (9) for file 3, and
# the guest's 1.2 quote (tcsd + tpm-quote-tools) verifies and shows the
# TPM's PCR 10.  Then `check`: a TPM 2.0 name on a 1.2 run is an error with
# file:line, an unknown bare ordinal a warning.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq; need tcsd

make -s -C "$ROOT" scenario NAME=intermittent-extend-tpm12 SEED=7 \
    REPORTS="$T/reports" >"$T/make.out" 2>&1
rc=$?
check "make scenario NAME=intermittent-extend-tpm12 exits 0" [ "$rc" = 0 ]
[ "$rc" = 0 ] || sed 's/^/    | /' "$T/make.out" | tail -20
J="$T/reports/intermittent-extend-tpm12/report.json"
check "report.json says the TPM is 1.2" [ "$(jqr "$J" .tpm)" = 1.2 ]
check "one bank, sha1" [ "$(jqr "$J" '.facts.banks | keys | join(",")')" = sha1 ]
check "entry 3 is not in PCR 10" \
    [ "$(jqr "$J" '.facts.entries_not_in_pcr | join(",")')" = 3 ]
check "the kernel logged result 9 (TPM_FAIL) for file 3" \
    [ "$(jqr "$J" '.facts.kernel_errors | map("\(.entry):\(.file):\(.result)") | join(" ")')" = "3:/work/file3:9" ]
check "the fault matched TPM_ORD_Extend on PCR 10" \
    [ "$(jqr "$J" '.facts.faults_injected[0] | "\(.command) \(.pcr)"')" = "TPM_ORD_Extend 10" ]
check "the 1.2 quote verifies" [ "$(jqr "$J" .facts.quote_valid)" = true ]
check "the quote shows the TPM's PCR 10, not the replay" \
    [ "$(jqr "$J" .facts.banks.sha1.quote_pcr10)" = "$(jqr "$J" .facts.banks.sha1.tpm_pcr10)" -a \
      "$(jqr "$J" .facts.banks.sha1.replay)" != "$(jqr "$J" .facts.banks.sha1.tpm_pcr10)" ]
check "the trace names the ordinal and TPM_FAIL" \
    grep -q '"name":"TPM_ORD_Extend","rc":"0x00000009","rc_name":"TPM_FAIL"' \
        "$T/reports/intermittent-extend-tpm12/trace.jsonl"

# check: names of the other TPM family, bare ordinals
cat > "$T/two.scn" <<'SCN'
[run]
tpm = 1.2
[fault]
command = PCR_Extend
action = error
rc = 9
[expect]
quote = valid
SCN
"$ROOT/bin/tpmfault" check "$T/two.scn" >"$T/check.out" 2>&1
check "a TPM 2.0 command on a 1.2 run: exit 2" [ $? = 2 ]
check "... naming file:line" \
    grep -qF "$T/two.scn:4: fault fault1: command names a TPM 2.0 command, but [run] tpm = 1.2" "$T/check.out"
sed 's/^command = PCR_Extend$/command = 0x182/' "$T/two.scn" > "$T/num.scn"
"$ROOT/bin/tpmfault" check "$T/num.scn" >"$T/check.out" 2>&1
check "a bare number that is no 1.2 ordinal: accepted" [ $? = 0 ]
check "... with a warning naming file:line" \
    grep -qF "$T/num.scn:4: warning: fault fault1: command 0x182 is no TPM 1.2 command" "$T/check.out"
finish
