#!/bin/sh
# The prefix rule, without a VM: tests/bench/gen_list writes deterministic
# ima-ng lists, so the first 1000 entries of its 1200-entry list are its
# 1000-entry list, and that list's PCR 10 values are those of a TPM that
# missed the last 200 extends.  evmctl accepts the longer list (a prefix
# matches); tpmfault replay rejects it, naming the prefix and the first
# entry that never reached the TPM.  Also: the exact list matches in both,
# and a cut list is bad input named by its byte offset.
. "$(dirname "$0")/lib.sh"
need evmctl
GEN="$ROOT/build/bench/gen_list"
[ -x "$GEN" ] || skip "build/bench/gen_list not built (make itests)"
TPMFAULT="$ROOT/bin/tpmfault"
mkdir -p "$T/a" "$T/b" "$T/c"
set -- $("$GEN" 1000 "$T/a")
"$GEN" 1200 "$T/b" >/dev/null
"$GEN" 1000 "$T/c" >/dev/null
check "gen_list is deterministic" cmp -s "$T/a/binary_runtime_measurements" "$T/c/binary_runtime_measurements"
check "the 1000-entry list is a prefix of the 1200-entry list" \
    cmp -s -n "$(stat -c %s "$T/a/binary_runtime_measurements")" \
    "$T/a/binary_runtime_measurements" "$T/b/binary_runtime_measurements"
evm() { evmctl -v ima_measurement --pcrs sha1,"$T/a/pcrs.sha1" --pcrs sha256,"$T/a/pcrs.sha256" "$1" >"$T/evm.out" 2>&1; }

"$TPMFAULT" replay "$T/a/binary_runtime_measurements" --pcr "$1" --pcr "$2" >"$T/exact.out"
check "replay: the exact list matches (exit 0)" [ $? = 0 ]
check "evmctl: the exact list matches" evm "$T/a/binary_runtime_measurements"

"$TPMFAULT" replay "$T/b/binary_runtime_measurements" --pcr "$1" --pcr "$2" >"$T/longer.out"
check "replay: the longer list is a mismatch (exit 1)" [ $? = 1 ]
for bank in sha1 sha256; do
    check "replay ($bank): entries 0..999 match; the last 200 never reached the TPM" \
        grep -q "^$bank vs --pcr *mismatch: entries 0\.\.999 match; the last 200 entries never reached the TPM (the first of them: entry 1000, /" "$T/longer.out"
done
check "evmctl: the longer list is accepted (its lenient prefix rule)" evm "$T/b/binary_runtime_measurements"
check "evmctl says where it stopped" grep -q "succeed at entry 1000" "$T/evm.out"
sed -n 's/^sha256 vs --pcr */    replay: /p' "$T/longer.out"

head -c 5000 "$T/a/binary_runtime_measurements" >"$T/cut"
"$TPMFAULT" replay "$T/cut" --pcr "$1" >/dev/null 2>"$T/cut.err"
check "a cut list is bad input (exit 2)" [ $? = 2 ]
check "named by byte offset and entry" grep -q 'offset [0-9]* (entry [0-9]*)' "$T/cut.err"
finish
