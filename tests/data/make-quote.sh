#!/bin/sh
# Make the golden quote files in tests/data/quote/ with a real swtpm and
# tpm2-tools, exactly as the guest agent does:
#   swtpm_setup --tpm2 --createek --pcr-banks sha1,sha256   (EK persistent at 0x81010001)
#   tpm2_createak -C 0x81010001 ... -u ak.pem -f pem -n ak.name
#   tpm2_quote -c ak.ctx -l sha1:10+sha256:10 -q NONCE -m quote.msg -s quote.sig -o quote.pcrs -g sha256
# then checks them with tpm2_checkquote.  PCR 10 is extended a few times
# first so that it is not all zeros.  Everything runs in a mktemp -d
# directory removed on exit; swtpm listens on 127.0.0.1 only.
#
# Usage: [SCHEME=rsassa|rsapss|ecdsa] tests/data/make-quote.sh [OUTDIR]
#   the AK's signing scheme (default rsassa, as the guest agent); OUTDIR
#   defaults to tests/data/quote for rsassa, tests/data/quote-SCHEME else.
set -eu

SCHEME=${SCHEME:-rsassa}
case $SCHEME in
    rsassa) KEYALG=rsa; DEF=quote ;;
    rsapss) KEYALG=rsa; DEF=quote-rsapss ;;
    ecdsa)  KEYALG=ecc; DEF=quote-ecdsa ;;
    *) echo "make-quote: SCHEME must be rsassa, rsapss or ecdsa" >&2; exit 2 ;;
esac
OUT=${1:-$(dirname "$0")/$DEF}
mkdir -p "$OUT" && OUT=$(cd "$OUT" && pwd)   # absolute: we cd below
NONCE=${NONCE:-0123456789abcdeffedcba9876543210}
TMP=$(mktemp -d); [ -n "${KEEP:-}" ] && echo "make-quote: tmp $TMP"
PID=

cleanup() {
    if [ -n "$PID" ]; then
        kill "$PID" 2>/dev/null || true
        # bounded wait for swtpm to go away
        i=0
        while kill -0 "$PID" 2>/dev/null && [ $i -lt 50 ]; do
            sleep 0.1; i=$((i + 1))
        done
        kill -9 "$PID" 2>/dev/null || true
    fi
    [ -n "${KEEP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

for t in swtpm swtpm_setup tpm2_createak tpm2_quote tpm2_checkquote tpm2_pcrextend; do
    command -v "$t" >/dev/null || { echo "make-quote: $t not found" >&2; exit 77; }
done

mkdir -p "$TMP/state" "$TMP/cfg"
# A private config dir: swtpm_setup must not read or write the user's.
XDG_CONFIG_HOME="$TMP/cfg" timeout 60 swtpm_setup --tpm2 --tpmstate "$TMP/state" \
    --createek --pcr-banks sha1,sha256 --overwrite >"$TMP/setup.log" 2>&1 ||
    { cat "$TMP/setup.log" >&2; exit 1; }

# Pick a port pair; retry a few times if swtpm cannot bind.
started=0
for try in 1 2 3 4 5; do
    PORT=$(( 20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000 ))
    swtpm socket --tpm2 --tpmstate dir="$TMP/state" \
        --server type=tcp,port=$PORT,bindaddr=127.0.0.1 \
        --ctrl type=tcp,port=$((PORT + 1)),bindaddr=127.0.0.1 \
        --flags not-need-init,startup-clear >"$TMP/swtpm.log" 2>&1 &
    PID=$!
    export TPM2TOOLS_TCTI="swtpm:host=127.0.0.1,port=$PORT"
    i=0
    while [ $i -lt 50 ]; do          # at most ~10 s per attempt
        if ! kill -0 "$PID" 2>/dev/null; then break; fi
        if timeout 2 tpm2_pcrread sha1:0 >/dev/null 2>&1; then started=1; break; fi
        sleep 0.2; i=$((i + 1))
    done
    [ $started = 1 ] && break
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
done
[ $started = 1 ] || { echo "make-quote: swtpm did not start" >&2; cat "$TMP/swtpm.log" >&2; exit 1; }

T() { timeout 30 "$@"; }
cd "$TMP"
T tpm2_getcap handles-persistent | grep -qi 0x81010001 ||
    { echo "make-quote: no EK at 0x81010001" >&2; exit 1; }

# Three extends of PCR 10, each with both banks (as IMA does).
for n in 1 2 3; do
    s1=$(printf 'tpmfault-extend-%d' $n | sha1sum | cut -d' ' -f1)
    s2=$(printf 'tpmfault-extend-%d' $n | sha256sum | cut -d' ' -f1)
    T tpm2_pcrextend "10:sha1=$s1,sha256=$s2"
done

T tpm2_createak -C 0x81010001 -c ak.ctx -G "$KEYALG" -g sha256 -s "$SCHEME" \
    -u ak.pem -f pem -n ak.name >createak.log
T tpm2_quote -c ak.ctx -l sha1:10+sha256:10 -q "$NONCE" --scheme "$SCHEME" \
    -m quote.msg -s quote.sig -o quote.pcrs -g sha256 >quote.log
if [ "$SCHEME" = rsapss ]; then
    # libtpms signs RSA-PSS with a salt as long as the digest; tpm2_checkquote
    # 5.4 insists on the longest salt and rejects it.  OpenSSL, told to read
    # the salt length from the signature, is the independent check here.
    tail -c +7 quote.sig >sig.raw          # TPMT_SIGNATURE: sigAlg, hash, size
    openssl dgst -sha256 -sigopt rsa_padding_mode:pss -sigopt rsa_pss_saltlen:auto \
        -verify ak.pem -signature sig.raw quote.msg >checkquote.log 2>&1 ||
        { echo "make-quote: openssl rejected the RSA-PSS quote" >&2; cat checkquote.log >&2; exit 1; }
else
    T tpm2_checkquote -u ak.pem -m quote.msg -s quote.sig -f quote.pcrs \
        -g sha256 -q "$NONCE" >checkquote.log ||
        { echo "make-quote: tpm2_checkquote rejected the quote" >&2; cat checkquote.log >&2; exit 1; }
fi
T tpm2_pcrread sha1:10+sha256:10 >pcr10.txt

mkdir -p "$OUT"
cp ak.pem ak.name quote.msg quote.sig quote.pcrs pcr10.txt "$OUT/"
printf '%s\n' "$NONCE" >"$OUT/nonce.hex"
echo "make-quote: wrote $OUT ($SCHEME; signature checked: OK)"
