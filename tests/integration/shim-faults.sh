#!/bin/bash
# tpmfault-shim with fault rules (--scenario, --seed) against a real swtpm,
# shim_client playing QEMU: four PCR_Extends of PCR 10, where rule
# "refused" answers #2 with TPM_RC_FAILURE without forwarding it and rule
# "applied" forwards #3 but answers TPM_RC_RETRY.  Checks the guest's
# response codes, the trace contract (forwarded, fate, fault, rc, tpm_rc),
# and that pcr_truth equals the OpenSSL-computed chain of exactly the
# forwarded extends (#1, #3, #4).
# Exit 0 pass, 1 fail, 77 skip (swtpm, openssl or python3 missing).
. "$(dirname "$0")/shim-lib.sh"

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

start_swtpm
start_shim --scenario "$T/faults.scn" --seed 42
digest_args boot_aggregate /work/file1 /work/file2 /work/file3

timeout 30 "$CLIENT" "$T/shim.sock" --rcs "${ARGS[@]}" >"$T/client.out" \
    || die "shim_client"
wait_exits

# The guest saw: success, TPM_RC_FAILURE, TPM_RC_RETRY, success.
printf 'extend %d rc 0x%08x\n' 1 0 2 0x101 3 0x922 4 0 >"$T/want.out"
grep '^extend ' "$T/client.out" | diff -u "$T/want.out" - \
    || die "guest response codes"

# PCR 10 from zeros over exactly the forwarded extends: #1, #3, #4.
S1=(); S2=()
for i in 0 2 3; do S1+=("${ARGS[$i]%%:*}"); S2+=("${ARGS[$i]##*:}"); done
WANT1=$(chain sha1 "${S1[@]}")
WANT2=$(chain sha256 "${S2[@]}")
# and the chain of all four must differ (the refused one is missing)
ALL2=$(chain sha256 "${ARGS[@]##*:}")
[ "$ALL2" != "$WANT2" ] || die "test is vacuous"

"$PY" - "$T/trace.jsonl" "$WANT1" "$WANT2" <<'PYEOF' || die "trace check"
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
