#!/bin/bash
# tpmfault-shim with fault rules (--scenario, --seed) against a real swtpm,
# shim_client playing QEMU: four PCR_Extends of PCR 10, where rule
# "refused" answers #2 with TPM_RC_FAILURE without forwarding it and rule
# "applied" forwards #3 but answers TPM_RC_RETRY.  Checks the guest's
# response codes, the trace contract (forwarded, fate, fault, rc, tpm_rc),
# and that pcr_truth equals the OpenSSL-computed chain of exactly the
# forwarded extends (#1, #3, #4).
# Exit 0 pass, 1 fail, 77 skip (swtpm, openssl or python3 missing).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SHIM=${SHIM:-$ROOT/bin/tpmfault-shim}
CLIENT=${CLIENT:-$ROOT/build/itests/shim_client}
SWTPM=$(command -v swtpm) || { echo "SKIP: swtpm not installed"; exit 77; }
SWTPM_SETUP=$(command -v swtpm_setup || true)
OPENSSL=$(command -v openssl) || { echo "SKIP: openssl missing"; exit 77; }
PY=$(command -v python3) || { echo "SKIP: python3 missing"; exit 77; }
for f in "$SHIM" "$CLIENT"; do
    [ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

T=$(mktemp -d /tmp/tpmfault-shimfaults-XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*"; echo "--- trace"; cat "$T/trace.jsonl" 2>/dev/null
         echo "--- client"; cat "$T/client.out" 2>/dev/null
         echo "--- shim stderr"; cat "$T/shim.err" 2>/dev/null
         echo "--- swtpm log"; tail -20 "$T/swtpm.log" 2>/dev/null; exit 1; }

wait_pid() {
    local pid=$1 secs=$2 i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt $((secs * 10)) ] && return 1
        sleep 0.1
    done
    wait "$pid"; WAITED=$?
}

cat >"$T/faults.scn" <<'SCN'
[scenario]
description = shim-faults integration: one refused and one applied-then-error extend

[fault]
name = refused
command = PCR_Extend
pcr = 10
nth = 2
action = error
rc = TPM_RC_FAILURE

[fault]
name = applied
command = PCR_Extend
pcr = 10
nth = 3
action = applied-then-error
rc = TPM_RC_RETRY

[expect]
list-complete = yes
SCN

mkdir -p "$T/state"
if [ -n "$SWTPM_SETUP" ]; then
    timeout 60 "$SWTPM_SETUP" --tpm2 --tpmstate "$T/state" \
        --pcr-banks sha1,sha256 --overwrite >"$T/setup.log" 2>&1 \
        || { cat "$T/setup.log"; fail "swtpm_setup"; }
fi

"$SWTPM" socket --tpm2 --tpmstate dir="$T/state" \
    --ctrl type=unixio,path="$T/swtpm.ctrl" \
    --log file="$T/swtpm.log",level=1 &
PIDS+=($!); SWTPM_PID=$!

"$SHIM" --listen "$T/shim.sock" --swtpm-ctrl "$T/swtpm.ctrl" \
    --trace "$T/trace.jsonl" --deadline 10 \
    --scenario "$T/faults.scn" --seed 42 2>"$T/shim.err" &
PIDS+=($!); SHIM_PID=$!

ARGS=()
for n in boot_aggregate /work/file1 /work/file2 /work/file3; do
    s1=$(printf %s "$n" | "$OPENSSL" dgst -sha1 -r | cut -d' ' -f1)
    s2=$(printf %s "$n" | "$OPENSSL" dgst -sha256 -r | cut -d' ' -f1)
    ARGS+=("$s1:$s2")
done

timeout 30 "$CLIENT" "$T/shim.sock" --rcs "${ARGS[@]}" >"$T/client.out" \
    || fail "shim_client"
wait_pid "$SHIM_PID" 10 || fail "shim did not exit after CMD_SHUTDOWN"
[ "$WAITED" -eq 0 ] || fail "shim exit $WAITED"
wait_pid "$SWTPM_PID" 10 || fail "swtpm did not exit after CMD_SHUTDOWN"

# The guest saw: success, TPM_RC_FAILURE, TPM_RC_RETRY, success.
printf 'extend %d rc 0x%08x\n' 1 0 2 0x101 3 0x922 4 0 >"$T/want.out"
grep '^extend ' "$T/client.out" | diff -u "$T/want.out" - \
    || fail "guest response codes"

# PCR 10 from zeros over exactly the forwarded extends: #1, #3, #4.
hex2bin() { printf "$(printf %s "$1" | sed 's/../\\x&/g')"; }
chain() {   # chain ALG ZEROHEX DIGEST...
    local alg=$1 v=$2; shift 2
    for d in "$@"; do
        v=$({ hex2bin "$v"; hex2bin "$d"; } | "$OPENSSL" dgst -"$alg" -r \
            | cut -d' ' -f1)
    done
    echo "$v"
}
S1=(); S2=()
for i in 0 2 3; do S1+=("${ARGS[$i]%%:*}"); S2+=("${ARGS[$i]##*:}"); done
WANT1=$(chain sha1 "$(printf '0%.0s' $(seq 40))" "${S1[@]}")
WANT2=$(chain sha256 "$(printf '0%.0s' $(seq 64))" "${S2[@]}")
# and the chain of all four must differ (the refused one is missing)
ALL2=$(chain sha256 "$(printf '0%.0s' $(seq 64))" "${ARGS[@]##*:}")
[ "$ALL2" != "$WANT2" ] || fail "test is vacuous"

"$PY" - "$T/trace.jsonl" "$WANT1" "$WANT2" <<'PYEOF' || fail "trace check"
import json, sys
path, want1, want2 = sys.argv[1:4]
lines = [json.loads(l) for l in open(path)]
faults = [l for l in lines if l.get("event") == "faults"]
assert len(faults) == 1 and faults[0]["seed"] == "42", faults
assert faults[0]["rules"] == [{"name": "refused", "action": "error"},
                              {"name": "applied", "action": "applied-then-error"}], faults
cmds = [l for l in lines if l.get("dir") == "cmd"]
for c in cmds:
    assert isinstance(c.get("forwarded"), bool) and c.get("fate"), c
ext = [l for l in cmds if l["name"] == "PCR_Extend" and l.get("pcr") == 10]
assert len(ext) == 4, ext
def rsp(c):
    r = [l for l in lines if l.get("dir") == "rsp" and l["ord"] == c["ord"]]
    assert len(r) == 1, r
    return r[0]
want = [  # forwarded, cmd fate, fault, rsp fate, guest rc, swtpm rc
    (True, "relayed", None, "relayed", "0x00000000", "0x00000000"),
    (False, "answered", ("refused", "error"), "synthesised", "0x00000101", None),
    (True, "relayed", ("applied", "applied-then-error"), "replaced", "0x00000922", "0x00000000"),
    (True, "relayed", None, "relayed", "0x00000000", "0x00000000"),
]
for c, (fwd, fate, fault, rfate, rc, trc) in zip(ext, want):
    assert c["forwarded"] is fwd and c["fate"] == fate, c
    if fault:
        assert (c["fault"]["rule"], c["fault"]["action"]) == fault, c
    else:
        assert "fault" not in c, c
    r = rsp(c)
    assert r["fate"] == rfate and r.get("rc") == rc and r.get("tpm_rc") == trc, r
# tpm_rc is present exactly on the responses of forwarded commands
for c in cmds:
    r = [l for l in lines if l.get("dir") == "rsp" and l["ord"] == c["ord"]]
    for x in r:
        assert ("tpm_rc" in x) == c["forwarded"], (c, x)
truth = [l for l in lines if l.get("event") == "pcr_truth"]
assert len(truth) == 1, truth
assert truth[0]["banks"].get("sha1") == want1, (truth, want1)
assert truth[0]["banks"].get("sha256") == want2, (truth, want2)
# shim_client's unknown control command is the only error line
errs = [l["what"] for l in lines if l.get("event") == "error"]
assert all(e.startswith("unknown control command") for e in errs), errs
print("trace ok: PCR10 sha256 over the forwarded extends", want2)
PYEOF
echo "PASS: shim-faults"
exit 0
