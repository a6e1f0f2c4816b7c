#!/bin/sh
# make matrix end to end (scripts/matrix.sh): the whole catalogue on
# Debian's 6.1 and 6.12 guests, one table.  Every scenario must pass on both
# kernels, and the table must call out the differences we know of: the
# per-bank lists (absent on 6.1, agreeing on 6.12) in every scenario, and in
# all-banks the sha384/sha512 banks 6.1 extends with padded sha1 digests.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq
# Under run-all.sh the reports are kept for agreement.sh.
M=${TPMFAULT_ITEST_SHARED:-$T}
MATRIX_REPORTS="$M" "$ROOT/scripts/matrix.sh" >"$T/out" 2>&1
rc=$?
grep -E '^(== matrix|scenarios:|matrix:)' "$T/out" | sed 's/^/    /'
check "make matrix exits 0" [ "$rc" = 0 ]
if [ "$rc" != 0 ]; then
    sed -n '/^## Not passed/,/^## Behaviour/p' "$M/matrix.md" | sed 's/^/    | /'
fi
J="$M/matrix.json"
check "matrix.json and matrix.md written" test -s "$J" -a -s "$M/matrix.md"
check "two kernels, 6.1 and 6.12" \
    [ "$(jqr "$J" '[.kernels[].label] | join(" ")')" = "6.1 6.12" ]
check "each kernel's release recorded" \
    [ "$(jqr "$J" '[.kernels[].release | split(".")[0:2] | join(".")] | join(" ")')" = "6.1 6.12" ]
n=$(ls "$ROOT"/scenarios/*.scn | wc -l)
check "one row per catalogue scenario ($n)" [ "$(jqr "$J" '.scenarios | length')" = "$n" ]
check "every scenario passed on both kernels" \
    [ "$(jqr "$J" '[.scenarios[].kernels[].verdict] | map(select(. != "pass")) | length')" = 0 ]
check "the per-bank lists differ in every scenario" \
    [ "$(jqr "$J" '.differences_everywhere | index("bank_lists") != null')" = true ]
check "all-banks: the padded banks differ" \
    [ "$(jqr "$J" '.scenarios[] | select(.name == "all-banks") | .differences | index("padded_banks") != null')" = true ]
# The TPM 1.2 scenarios are catalogue rows like any other: both columns
# run them, so "TPM 1.2 on 6.1" is the 6.1 column's *tpm12* rows.
for k in 6.1 6.12; do
    check "the four TPM 1.2 scenarios ran on $k with a TPM 1.2" \
        [ "$(cat "$M"/matrix/$k/*tpm12*/report.json | jq -rs 'map(.tpm) | "\(length) \(unique | join(","))"')" = "4 1.2" ]
done
check "matrix.md: all-banks on 6.1 decided by a kernel condition" \
    grep -qF '| all-banks | pass (bank-lists[6.1]) | pass |' "$M/matrix.md"
check "matrix.md: the padded banks called out" \
    grep -qF -- '- padded_banks: 6.1 = sha384,sha512; 6.12 = none' "$M/matrix.md"
finish
