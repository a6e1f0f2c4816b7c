#!/bin/sh
# The baseline scenario end to end in QEMU, then its evidence checked with
# the reference tools: evmctl replays the same list to the TPM's PCR 10, and
# tpm2_checkquote accepts the quote with the host's nonce.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need evmctl; need tpm2_checkquote; need jq

run_scenario "$ROOT/scenarios/baseline.scn" 0 || finish
R="$T/reports/baseline"
J="$R/report.json"
check "report verdict is pass" [ "$(jqr "$J" .verdict)" = pass ]
check "every expectation passed" [ "$(jqr "$J" '[.expectations[] | select(.result != "pass")] | length')" = 0 ]
check "kernel version recorded" [ -n "$(jqr "$J" '.kernel // empty')" ]
check "4 extends seen and applied" [ "$(jqr "$J" '.facts.extends_seen, .facts.extends_applied' | tr '\n' ' ')" = "4 4 " ]
for f in junit.xml report.tap serial.log dmesg.txt trace.jsonl \
         binary_runtime_measurements quote.msg quote.sig quote.pcrs ak.pem nonce; do
    check "report has $f" [ -s "$R/$f" ]
done

# Phases: all 14 measured; end to end they cover the run (wall_s ends
# before verification and report writing, which the phases include).
check "14 phases, each a number" \
    [ "$(jqr "$J" '[.phases[] | numbers] | length')" = 14 ]
check "the phases add up to the run's wall time (within 0.2 s)" \
    quiet jq -e '(.phases | add) - .wall_s | fabs < 0.2' "$J"
# The AK is the template's (scripts/tpm-template.sh): the guest creates no
# key, it reads the persistent AK and quotes with it.
check "the guest creates no key (no Create, CreatePrimary or Load on the wire)" \
    [ "$(jq -r 'select(.dir == "cmd") | .name' "$R/trace.jsonl" |
         grep -cxE 'Create|CreatePrimary|CreateLoaded|Load')" = 0 ]
check "the agent reads the persistent AK's public part (ReadPublic)" \
    grep -q '"name":"ReadPublic"' "$R/trace.jsonl"
tail -n 1 "$T/run.err" > "$T/last"
check "the console's last line names the three largest phases" \
    grep -Eq 'largest phases: [a-z_]+ [0-9.]+ s, [a-z_]+ [0-9.]+ s, [a-z_]+ [0-9.]+ s$' "$T/last"

# evmctl: PCR files in its TPM 1.2 sysfs format, PCR-00..PCR-10.
pcrfile() {  # pcrfile HEX > file
    for i in 00 01 02 03 04 05 06 07 08 09; do
        printf 'PCR-%s: %0*d\n' "$i" "${#1}" 0
    done
    printf 'PCR-10: %s\n' "$1"
}
for bank in sha1 sha256; do
    tpm=$(jqr "$J" ".facts.banks.$bank.tpm_pcr10")
    replay=$(jqr "$J" ".facts.banks.$bank.replay")
    check "$bank: our replay equals the TPM's PCR 10" [ "$tpm" = "$replay" ]
    pcrfile "$tpm" > "$T/$bank.pcrs"
done
check "evmctl ima_measurement matches the list to the TPM's PCRs" \
    quiet evmctl -v ima_measurement --pcrs "sha1,$T/sha1.pcrs" --pcrs "sha256,$T/sha256.pcrs" \
    "$R/binary_runtime_measurements"
for bank in sha1 sha256; do
    check "evmctl matched the $bank bank at the last entry" \
        grep -q "^$bank PCR-10: succeed at entry 4" "$T/quiet.out"
done
# The same check must be able to fail: a PCR value the list does not give.
pcrfile "$(printf '%040d' 1)" > "$T/bad.pcrs"
refute "evmctl rejects a PCR 10 the list does not replay to" \
    quiet evmctl ima_measurement --pcrs "sha1,$T/bad.pcrs" \
    "$R/binary_runtime_measurements"

nonce=$(cat "$R/nonce")
check "tpm2_checkquote accepts the quote with the nonce" \
    quiet tpm2_checkquote -u "$R/ak.pem" -m "$R/quote.msg" -s "$R/quote.sig" \
    -f "$R/quote.pcrs" -g sha256 -q "$nonce"
cp "$T/quiet.out" "$T/checkquote.out"
for bank in sha1 sha256; do
    want=$(jqr "$J" ".facts.banks.$bank.quote_pcr10")
    check "$bank: tpm2_checkquote shows our quote_pcr10" \
        grep -qi "10: 0x$want" "$T/checkquote.out"
done
refute "tpm2_checkquote rejects another nonce" \
    quiet tpm2_checkquote -u "$R/ak.pem" -m "$R/quote.msg" -s "$R/quote.sig" \
    -f "$R/quote.pcrs" -g sha256 -q 00112233445566778899aabbccddeeff
finish
