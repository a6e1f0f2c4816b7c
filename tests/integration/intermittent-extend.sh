#!/bin/sh
# The fault path end to end: one PCR_Extend answered TPM_RC_FAILURE by the
# shim.  The real 6.1 kernel keeps the entry and logs the error; the
# verifier must find exactly entry 3 missing from PCR 10 and explain it.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq

run_scenario "$ROOT/scenarios/intermittent-extend.scn" 0 --seed 7 || finish
J="$T/reports/intermittent-extend/report.json"
check "verdict pass" [ "$(jqr "$J" .verdict)" = pass ]
check "one fault fired, not forwarded" \
    [ "$(jqr "$J" '[.facts.faults_injected[] | select(.forwarded == false)] | length')" = 1 ]
check "extends: 6 seen, 5 applied" \
    [ "$(jqr "$J" '"\(.facts.extends_seen) \(.facts.extends_applied)"')" = "6 5" ]
check "entry 3 is not in the PCR" [ "$(jqr "$J" '.facts.entries_not_in_pcr | join(",")')" = 3 ]
check "the first divergent entry is /work/file3" \
    [ "$(jqr "$J" .facts.explanation.first_divergent_file)" = /work/file3 ]
for bank in sha1 sha256; do
    check "$bank: replay differs from the TPM" \
        [ "$(jqr "$J" ".facts.banks.$bank.replay")" != "$(jqr "$J" ".facts.banks.$bank.tpm_pcr10")" ]
    check "$bank: the quote shows the TPM's value" \
        [ "$(jqr "$J" ".facts.banks.$bank.quote_pcr10")" = "$(jqr "$J" ".facts.banks.$bank.tpm_pcr10")" ]
done
check "the seed is recorded" [ "$(jqr "$J" .seed)" = 7 ]
finish
