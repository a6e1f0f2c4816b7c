# Shared by the shim integration tests (sourced; sources lib.sh for ROOT, T
# and skip): a real swtpm in $T, tpmfault-shim in front of it, shim_client
# playing QEMU, and PCR chains computed independently with openssl.
# Skips (77) when swtpm, openssl or python3 is missing.
# SHIM and CLIENT may point at other builds (default: this tree's).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SHIM=${SHIM:-$ROOT/bin/tpmfault-shim}
CLIENT=${CLIENT:-$ROOT/build/itests/shim_client}
SWTPM=$(command -v swtpm) || skip "swtpm not installed"
SWTPM_SETUP=$(command -v swtpm_setup || true)
OPENSSL=$(command -v openssl) || skip "openssl missing"
PY=$(command -v python3) || skip "python3 missing"
for f in "$SHIM" "$CLIENT"; do
    [ -x "$f" ] || { echo "FAIL: $f not built"; exit 1; }
done

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# die WHAT: fail at once, showing what the run left in $T.
die() {
    echo "FAIL: $*"
    for f in trace.jsonl client.out shim.err; do
        [ -e "$T/$f" ] && { echo "--- $f"; cat "$T/$f"; }
    done
    [ -e "$T/swtpm.log" ] && { echo "--- swtpm.log"; tail -20 "$T/swtpm.log"; }
    exit 1
}

# wait_pid PID SECS: wait for pid to exit within secs; its status in $WAITED.
wait_pid() {
    local pid=$1 secs=$2 i=0
    while kill -0 "$pid" 2>/dev/null; do
        i=$((i + 1)); [ $i -gt $((secs * 10)) ] && return 1
        sleep 0.1
    done
    wait "$pid"; WAITED=$?
}

# start_swtpm: a fresh TPM 2.0 (sha1 and sha256 banks) on $T/swtpm.ctrl.
start_swtpm() {
    mkdir -p "$T/state"
    if [ -n "$SWTPM_SETUP" ]; then
        timeout 60 "$SWTPM_SETUP" --tpm2 --tpmstate "$T/state" \
            --pcr-banks sha1,sha256 --overwrite >"$T/setup.log" 2>&1 \
            || { cat "$T/setup.log"; die "swtpm_setup"; }
    fi
    "$SWTPM" socket --tpm2 --tpmstate dir="$T/state" \
        --ctrl type=unixio,path="$T/swtpm.ctrl" \
        --log file="$T/swtpm.log",level=1 &
    PIDS+=($!); SWTPM_PID=$!
}

# start_shim [ARGS...]: the shim on $T/shim.sock in front of swtpm.
start_shim() {
    "$SHIM" --listen "$T/shim.sock" --swtpm-ctrl "$T/swtpm.ctrl" \
        --trace "$T/trace.jsonl" --deadline 10 "$@" 2>"$T/shim.err" &
    PIDS+=($!); SHIM_PID=$!
}

# wait_exits: after shim_client's CMD_SHUTDOWN the shim exits 0, then swtpm.
wait_exits() {
    wait_pid "$SHIM_PID" 10 || die "shim did not exit after CMD_SHUTDOWN"
    [ "$WAITED" -eq 0 ] || die "shim exit $WAITED"
    wait_pid "$SWTPM_PID" 10 || die "swtpm did not exit after CMD_SHUTDOWN"
}

# digest_args NAME...: ARGS gets "SHA1HEX:SHA256HEX" of each name, the
# digests shim_client extends PCR 10 with.
digest_args() {
    local n s1 s2
    ARGS=()
    for n in "$@"; do
        s1=$(printf %s "$n" | "$OPENSSL" dgst -sha1 -r | cut -d' ' -f1)
        s2=$(printf %s "$n" | "$OPENSSL" dgst -sha256 -r | cut -d' ' -f1)
        ARGS+=("$s1:$s2")
    done
}

hex2bin() { printf "$(printf %s "$1" | sed 's/../\\x&/g')"; }

# chain ALG DIGEST...: a PCR from zeros after these extends,
# new = H(old || digest).
chain() {
    local alg=$1 v d; shift
    v=$(printf '' | "$OPENSSL" dgst -"$alg" -r | cut -d' ' -f1 | tr 0-9a-f 0)
    for d in "$@"; do
        v=$({ hex2bin "$v"; hex2bin "$d"; } | "$OPENSSL" dgst -"$alg" -r \
            | cut -d' ' -f1)
    done
    echo "$v"
}
