#!/bin/bash
# tpmfault-shim against a real swtpm, with shim_client playing QEMU.
# Checks the trace: the PCR_Extends with their digests, and the pcr_truth
# line against PCR 10 computed independently with openssl.
# Exit 0 pass, 1 fail, 77 skip (swtpm, openssl or python3 missing).
. "$(dirname "$0")/shim-lib.sh"

start_swtpm
start_shim

# Three extends of PCR 10 with known digests (sha1/sha256 of file names).
digest_args boot_aggregate /etc/passwd /usr/bin/true

timeout 30 "$CLIENT" "$T/shim.sock" "${ARGS[@]}" || die "shim_client"
wait_exits
[ ! -e "$T/shim.sock" ] || die "listening socket not removed"

# PCR 10 from zeros: new = H(old || digest), per bank, with openssl.
S1=(); S2=()
for a in "${ARGS[@]}"; do S1+=("${a%%:*}"); S2+=("${a##*:}"); done
WANT1=$(chain sha1 "${S1[@]}")
WANT2=$(chain sha256 "${S2[@]}")

"$PY" - "$T/trace.jsonl" "$WANT1" "$WANT2" "${ARGS[@]}" <<'PYEOF' || die "trace check"
import json, sys
path, want1, want2, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
lines = [json.loads(l) for l in open(path)]
ext = [l for l in lines if l.get("name") == "PCR_Extend" and l.get("dir") == "cmd"]
assert len(ext) == len(args), f"{len(ext)} extends traced, {len(args)} sent"
for l, a in zip(ext, args):
    s1, s2 = a.split(":")
    assert l["pcr"] == 10 and l["fate"] == "relayed", l
    assert l["digests"] == {"sha1": s1, "sha256": s2}, l
    rsp = [r for r in lines if r.get("ord") == l["ord"] and r.get("dir") == "rsp"]
    assert len(rsp) == 1 and rsp[0]["rc"] == "0x00000000", rsp
    assert rsp[0]["rc_name"] == "TPM_RC_SUCCESS", rsp
truth = [l for l in lines if l.get("event") == "pcr_truth"]
assert len(truth) == 1, truth
assert truth[0]["pcr"] == 10
assert truth[0]["banks"].get("sha1") == want1, (truth, want1)
assert truth[0]["banks"].get("sha256") == want2, (truth, want2)
ctrl = [l["cmd"] for l in lines if l.get("event") == "ctrl"]
for c in ("CMD_SET_DATAFD", "CMD_INIT", "CMD_SHUTDOWN", "unknown"):
    assert c in ctrl, (c, ctrl)
assert ctrl[-1] == "CMD_SHUTDOWN"
# ordinals are 1-based and consecutive over commands
ords = [l["ord"] for l in lines if l.get("dir") == "cmd"]
assert ords == list(range(1, len(ords) + 1)), ords
# the truth is taken before the shutdown is forwarded
ti = lines.index(truth[0])
si = [i for i, l in enumerate(lines) if l.get("cmd") == "CMD_SHUTDOWN"][0]
assert ti < si
print("trace ok:", len(lines), "lines; PCR10 sha256", want2)
PYEOF
echo "PASS: shim-swtpm"
exit 0
