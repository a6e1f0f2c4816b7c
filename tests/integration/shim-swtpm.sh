#!/bin/bash
# tpmfault-shim against a real swtpm, with shim_client playing QEMU.
# Checks the trace: the PCR_Extends with their digests, and the pcr_truth
# line against PCR 10 computed independently with openssl.
# Exit 0 pass, 1 fail, 77 skip (swtpm, openssl or python3 missing).
# SHIM and CLIENT may point at other builds (default: this tree's).
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

T=$(mktemp -d /tmp/tpmfault-shim-XXXXXX)
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() { echo "FAIL: $*"; echo "--- trace"; cat "$T/trace.jsonl" 2>/dev/null
         echo "--- swtpm log"; tail -20 "$T/swtpm.log" 2>/dev/null; exit 1; }

# Wait for pid to exit within secs; its status in $WAITED.
wait_pid() {
    local pid=$1 secs=$2 i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt $((secs * 10)) ] && return 1
        sleep 0.1
    done
    wait "$pid"; WAITED=$?
}

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
    --trace "$T/trace.jsonl" --deadline 10 2>"$T/shim.err" &
PIDS+=($!); SHIM_PID=$!

# Three extends of PCR 10 with known digests (sha1/sha256 of file names).
ARGS=()
for n in boot_aggregate /etc/passwd /usr/bin/true; do
    s1=$(printf %s "$n" | "$OPENSSL" dgst -sha1 -r | cut -d' ' -f1)
    s2=$(printf %s "$n" | "$OPENSSL" dgst -sha256 -r | cut -d' ' -f1)
    ARGS+=("$s1:$s2")
done

timeout 30 "$CLIENT" "$T/shim.sock" "${ARGS[@]}" || fail "shim_client"
wait_pid "$SHIM_PID" 10 || fail "shim did not exit after CMD_SHUTDOWN"
[ "$WAITED" -eq 0 ] || { cat "$T/shim.err"; fail "shim exit $WAITED"; }
wait_pid "$SWTPM_PID" 10 || fail "swtpm did not exit after CMD_SHUTDOWN"
[ ! -e "$T/shim.sock" ] || fail "listening socket not removed"

# PCR 10 from zeros: new = H(old || digest), per bank, with openssl.
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
for a in "${ARGS[@]}"; do S1+=("${a%%:*}"); S2+=("${a##*:}"); done
WANT1=$(chain sha1 "$(printf '0%.0s' $(seq 40))" "${S1[@]}")
WANT2=$(chain sha256 "$(printf '0%.0s' $(seq 64))" "${S2[@]}")

"$PY" - "$T/trace.jsonl" "$WANT1" "$WANT2" "${ARGS[@]}" <<'PYEOF' || fail "trace check"
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
