#!/bin/sh
# tpmfault replay and evmctl agree on every catalogue scenario's evidence,
# except where evmctl's prefix rule is lenient, which is shown explicitly.
#
# 1. The whole catalogue runs (tpmfault suite --jobs 2) and must pass.
#    AGREEMENT_REPORTS=DIR takes the reports of an earlier suite instead.
# 2. For every scenario with a TPM: evmctl ima_measurement with the TPM's
#    PCR 10 (report.json facts.banks.<bank>.tpm_pcr10, as --pcrs files; a
#    TPM 1.2 has sha1 only) and
#    tpmfault replay --pcr with the same values must give the same match or
#    mismatch; the only allowed difference is evmctl "match" where replay
#    says a strict prefix matches and names the entries that never reached
#    the TPM.  With the run's trace, replay --trace must agree with replay
#    --pcr, and judge the boot_aggregate as the run did (the hash of the
#    trace's PCRs 0-9, or of zero PCRs: then a mismatch of its own).  The
#    entry the run names first (applied twice, or never sent while the
#    device was busy) is the one replay --trace names, with the same why.
# 3. The lenient case made on purpose: a list with entries appended that
#    never reached the TPM.  evmctl says match, replay says mismatch and
#    names the prefix.
. "$(dirname "$0")/lib.sh"
need evmctl; need jq
TPMFAULT="$ROOT/bin/tpmfault"

# Under run-all.sh, matrix.sh has run the catalogue on 6.1 and checked that
# every scenario passed: its reports serve here.
if [ -z "${AGREEMENT_REPORTS:-}" ] && [ -n "${TPMFAULT_ITEST_SHARED:-}" ] &&
   [ -s "$TPMFAULT_ITEST_SHARED/matrix/6.1/summary.json" ]; then
    AGREEMENT_REPORTS=$TPMFAULT_ITEST_SHARED/matrix/6.1
fi
if [ -n "${AGREEMENT_REPORTS:-}" ]; then
    R=$AGREEMENT_REPORTS
    say "using the reports in $R"
else
    need qemu-system-x86_64; need swtpm
    R="$T/reports"
    { "$TPMFAULT" suite --jobs 2 --reports "$R"; echo $? >"$T/rc"; } 2>&1 |
        sed 's/^/    /'
    check "tpmfault suite --jobs 2 exits 0" [ "$(cat "$T/rc")" = 0 ]
fi

# pcr_file BANK HEX OUT: evmctl's --pcrs format, PCR 10 set, the rest zero
pcr_file() {
    zero=$(echo "$2" | tr '0-9a-f' '0')
    i=0
    while [ $i -lt 24 ]; do
        if [ $i = 10 ]; then v=$2; else v=$zero; fi
        printf 'PCR-%02d: %s\n' $i "$v"
        i=$((i + 1))
    done >"$3"
}

# verdicts LIST SHA1 [SHA256]: sets evm_rc, replay_rc and $T/replay.out;
# without SHA256 (a TPM 1.2: one bank) sha1 alone is compared.  Sets
# pcr_args, replay's --pcr options, for the --trace run too.
verdicts() {
    pcr_file sha1 "$2" "$T/pcrs.sha1"
    pcr_args="--pcr sha1:$2"
    evm_args="--pcrs sha1,$T/pcrs.sha1"
    if [ -n "${3:-}" ]; then
        pcr_file sha256 "$3" "$T/pcrs.sha256"
        pcr_args="$pcr_args --pcr sha256:$3"
        evm_args="$evm_args --pcrs sha256,$T/pcrs.sha256"
    fi
    # shellcheck disable=SC2086
    evmctl -v ima_measurement $evm_args "$1" >"$T/evmctl.out" 2>&1
    evm_rc=$?
    # shellcheck disable=SC2086
    "$TPMFAULT" replay "$1" $pcr_args >"$T/replay.out" 2>&1
    replay_rc=$?
}

PREFIX_LINE='entries 0\.\.[0-9]* match; the last [0-9]* entries never reached the TPM'
agree=0 lenient=0 compared=0 lenient_names=" "
for rep in "$R"/*/report.json; do
    d=$(dirname "$rep"); name=$(basename "$d")
    s1=$(jqr "$rep" '.facts.banks.sha1.tpm_pcr10 // empty')
    s2=$(jqr "$rep" '.facts.banks.sha256.tpm_pcr10 // empty')
    if [ -z "$s1" ] || [ ! -f "$d/binary_runtime_measurements" ]; then
        say "$name: no TPM PCR 10 or no list (no TPM in this scenario): not compared"
        continue
    fi
    compared=$((compared + 1))
    list="$d/binary_runtime_measurements"
    verdicts "$list" "$s1" "$s2"
    if [ "$evm_rc" = 0 ] && [ "$replay_rc" = 0 ]; then
        agree=$((agree + 1)); say "ok: $name: both match"
    elif [ "$evm_rc" != 0 ] && [ "$replay_rc" = 1 ]; then
        agree=$((agree + 1)); say "ok: $name: both mismatch"
    elif [ "$evm_rc" = 0 ] && [ "$replay_rc" = 1 ] && grep -q "$PREFIX_LINE" "$T/replay.out"; then
        lenient=$((lenient + 1)); lenient_names="$lenient_names$name "
        say "ok: $name: evmctl accepts a prefix ($(grep -o 'succeed at entry [0-9]*' "$T/evmctl.out" | head -1));"
        say "    replay: $(grep -o "$PREFIX_LINE.*" "$T/replay.out" | head -1)"
    else
        fail "$name: evmctl exit $evm_rc, replay exit $replay_rc"
        sed 's/^/    | /' "$T/evmctl.out" "$T/replay.out"
    fi
    [ -f "$d/trace.jsonl" ] || { fail "$name: no trace.jsonl"; continue; }
    # shellcheck disable=SC2086
    "$TPMFAULT" replay "$list" $pcr_args --trace "$d/trace.jsonl" >"$T/trace.out" 2>&1
    trace_rc=$?
    # a boot_aggregate that is not the hash of the trace's PCRs 0-9 is a
    # mismatch of its own (pcr-read-fails: the kernel read no PCR)
    ba_is=$(jqr "$rep" '.facts.boot_aggregate_is // empty')
    want_rc=$replay_rc
    [ "$ba_is" = zero-pcrs ] && want_rc=1
    check "$name: replay --trace gives exit $want_rc" [ "$trace_rc" = "$want_rc" ]
    [ "$trace_rc" = "$want_rc" ] || sed 's/^/    | /' "$T/trace.out"
    # replay judges boot_aggregate as the run did: the hash of the trace's
    # PCRs 0-9 (firmware), or names what it is instead
    case "$ba_is" in
        firmware) check "$name: boot_aggregate is the hash of the trace's PCRs 0-9" \
            grep -q '^boot_aggregate  *match: ' "$T/trace.out" ;;
        zero-pcrs) check "$name: boot_aggregate is the hash of zero PCRs, replay says so too" \
            grep -q '^boot_aggregate  *mismatch: .*(zero-pcrs: ' "$T/trace.out" ;;
    esac
done
say "$compared scenarios compared: $agree agree, $lenient where evmctl's prefix rule is lenient"
check "at least one scenario with a TPM was compared" [ "$compared" -gt 0 ]
# The catalogue's own prefix cases: the last extends failed, or swtpm died.
for name in persistent-failure swtpm-dies; do
    [ -f "$R/$name/report.json" ] || continue
    check "$name: evmctl accepts a prefix, replay names the missing entries" \
        sh -c "case '$lenient_names' in *' $name '*) exit 0;; esac; exit 1"
done

# The runner and replay --trace explain a run with one engine: an entry
# applied twice (retry-after-apply) and one whose extend never reached the
# shim (late-response-busy) are named the same way by both.
# trace_names NAME ENTRY TEXT: replay --trace on NAME's report exits 1 and
# its "trace vs list" line starts with TEXT; the run named ENTRY first, with
# the same why.
trace_names() {
    d="$R/$1"
    [ -f "$d/report.json" ] || { fail "no $1 report"; return; }
    "$TPMFAULT" replay "$d/binary_runtime_measurements" --trace "$d/trace.jsonl" \
        >"$T/named.out" 2>&1
    check "$1: replay --trace exits 1" [ $? = 1 ]
    check "$1: replay --trace says '$3'" grep -q "^trace vs list  *mismatch: $3" "$T/named.out"
    check "$1: the run names entry $2 first too" \
        [ "$(jqr "$d/report.json" .facts.explanation.first_divergent_entry)" = "$2" ]
    check "$1: with the same why" grep -qF \
        "$(jqr "$d/report.json" .facts.explanation.first_divergent_why)" "$T/named.out"
    sed -n 's/^trace vs list  */    replay: /p' "$T/named.out"
}
trace_names retry-after-apply 3 'entry 3 (/work/file3) applied 2 times'
trace_names late-response-busy 4 'entry 4 (/work/file4) never reached PCR 10: no extend of it reached the shim: the guest.s TPM device was still busy with frame'

# 3. The lenient case on purpose: baseline's list, then the same four
# entries again, which never reached the TPM.
b="$R/baseline"
if [ -f "$b/report.json" ]; then
    cat "$b/binary_runtime_measurements" "$b/binary_runtime_measurements" >"$T/longer"
    n=$("$TPMFAULT" replay "$b/binary_runtime_measurements" | sed -n 's/^entries *\([0-9]*\) .*/\1/p')
    verdicts "$T/longer" "$(jqr "$b/report.json" .facts.banks.sha1.tpm_pcr10)" \
        "$(jqr "$b/report.json" .facts.banks.sha256.tpm_pcr10)"
    check "evmctl accepts the longer list (a prefix matches)" [ "$evm_rc" = 0 ]
    check "replay rejects it (exit 1)" [ "$replay_rc" = 1 ]
    check "replay names the prefix: entries 0..$((n - 1)) match, the last $n never reached the TPM" \
        grep -q "entries 0\.\.$((n - 1)) match; the last $n entries never reached the TPM (the first of them: entry $n, boot_aggregate)" "$T/replay.out"
    sed -n 's/^sha1 vs --pcr  */    replay: /p' "$T/replay.out"
else
    fail "no baseline report"
fi
finish
