#!/bin/sh
# tpmfault guest agent: /init of the guest's initramfs.
# Kernel command line parameters (set by the host runner):
#   tpmfault.nonce=HEX     quote nonce (qualifying data)
#   tpmfault.files=N       how many distinct files the workload measures
#   tpmfault.pause_ms=MS   pause after each measured read
#   tpmfault.banks=LIST    the TPM's allocated PCR banks, e.g. sha1,sha256,sha384:
#                          PCR 10 is quoted in each of them
#   tpmfault.hook=NAME     for the harness's own tests only (the runner's
#                          TPMFAULT_TEST_HOOK): after the workload,
#                          panic         crash the kernel (sysrq c)
#                          hang          never finish
#                          cut-evidence  send half a file, then power off
#   tpmfault.snapshot=1    stop before the workload for a snapshot (the host's
#                          harness/runner/snapshot.c): say "TPMFAULT
#                          snapshot-ready", then wait for one line on ttyS1,
#                          "TPMFAULT go nonce=HEX files=N pause_ms=MS [hook=NAME]",
#                          the run's own values of the parameters above (the
#                          guest restored from the snapshot reads it)
# Evidence goes to the host over the second serial port (ttyS1) as
#   TPMFAULT file NAME SIZE / base64 lines / TPMFAULT end NAME
# with TPMFAULT phase|status|done lines around them; then the guest powers off.
# TPMFAULT mark NAME SECONDS lines give the guest's uptime at the points the
# host's phases are cut at (harness/verdict/phases.h).
export PATH=/bin
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
OWNER=1234            # the measured files' owner: the policy's fowner=
AK=0x81010002         # the AK the TPM template holds (scripts/tpm-template.sh)
SEC=/sys/kernel/security
IMA=$SEC/ima

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t securityfs securityfs $SEC
OUT=/dev/ttyS1
stty -F $OUT raw -echo 2>/dev/null

say() { echo "TPMFAULT $*" > $OUT; }
mark() { read -r up _ < /proc/uptime; say "mark $1 $up"; }
mark agent

param() {
    for word in $(cat /proc/cmdline); do
        case "$word" in "tpmfault.$1="*) echo "${word#*=}"; return ;; esac
    done
    echo "$2"
}

send_file() {   # send_file NAME PATH
    [ -f "$2" ] || { say "missing $1"; return; }
    say "file $1 $(wc -c < "$2")"
    base64 "$2" > $OUT
    say "end $1"
}

NONCE=$(param nonce "")
FILES=$(param files 3)
PAUSE_MS=$(param pause_ms 0)
BANKS=$(param banks sha1,sha256)
# tpm2_quote's PCR selection: sha1:10+sha256:10+...
QUOTE_SEL=$(echo "$BANKS" | sed 's/,/:10+/g; s/$/:10/')
HOOK=$(param hook "")
say "phase booted $(uname -r)"
say "uname $(uname -r -v)"
# Network interfaces the guest has: the harness gives it none but lo.
say "net $(ls /sys/class/net | tr '\n' ' ')"

# The only measure rule: files owned by $OWNER read with MAY_READ.  Without
# ima_policy= on the command line only boot_aggregate was measured so far,
# so extend #1 is boot_aggregate and #k+1 is the k-th workload file.
if echo "measure func=FILE_CHECK mask=MAY_READ fowner=$OWNER" > $IMA/policy; then
    say "status policy 0"
else
    say "status policy 1"
fi

# A snapshot is taken here: boot_aggregate measured, the policy written,
# nothing of the workload done.  What differs from run to run comes after.
if [ "$(param snapshot 0)" = 1 ]; then
    say "snapshot-ready"
    read -r GO < $OUT
    for word in $GO; do
        case "$word" in
            nonce=*) NONCE=${word#*=} ;;
            files=*) FILES=${word#*=} ;;
            pause_ms=*) PAUSE_MS=${word#*=} ;;
            hook=*) HOOK=${word#*=} ;;
        esac
    done
    say "phase restored"
fi

mkdir -p /work
i=1
while [ "$i" -le "$FILES" ]; do
    echo "tpmfault workload file $i" > /work/file$i
    chown $OWNER /work/file$i
    i=$((i + 1))
done
i=1
while [ "$i" -le "$FILES" ]; do
    # A marker in the kernel log, so the host can tell which file an
    # "ima: Error Communicating to TPM chip" line that follows belongs to
    # (the audit lines naming the file are rate-limited and can be lost).
    echo "tpmfault: measure /work/file$i" > /dev/kmsg
    cat /work/file$i > /dev/null
    say "read /work/file$i $?"
    [ "$PAUSE_MS" -gt 0 ] && usleep $((PAUSE_MS * 1000))
    i=$((i + 1))
done
echo "tpmfault: workload done" > /dev/kmsg
say "phase workload-done"
mark workload

case "$HOOK" in
    panic)
        echo "tpmfault: test hook: panic" > /dev/kmsg
        echo c > /proc/sysrq-trigger ;;
    hang)
        echo "tpmfault: test hook: hang" > /dev/kmsg
        while :; do sleep 3600; done ;;
esac

mkdir -p /tmp/ev && cd /tmp/ev || exit 1
cat $IMA/binary_runtime_measurements > binary_runtime_measurements
cat $IMA/ascii_runtime_measurements > ascii_runtime_measurements
# Kernels from 6.10 on keep one list per PCR bank.
for f in $IMA/*_runtime_measurements_*; do
    [ -f "$f" ] && cat "$f" > "$(basename "$f")"
done
dmesg | grep -iE 'tpm|ima|audit|integrity' > dmesg.txt
mark lists

# A TPM 1.2 (no /dev/tpmrm0): trousers' tcsd on the guest's loopback and
# tpm-quote-tools.  The guest takes ownership first (well-known owner and
# SRK secrets), so trousers knows the SRK; tpm_getquote sends TPM_Quote2.
# Files: aik.der (the AIK's public key, a TSS blob), quote12.sig (the
# signature over TPM_QUOTE_INFO2), quote12.pcrs (PCR 10 as quoted).
tpm12_quote() {
    ifconfig lo 127.0.0.1 up
    mkdir -p /var/lib/tpm
    chown tss:tss /var/lib/tpm /dev/tpm0
    chown root:tss /etc/tcsd.conf
    chmod 0640 /etc/tcsd.conf
    syslogd -O /tmp/ev/tcsd.log   # tcsd reports through syslog
    tcsd -f > /dev/null 2>&1 < /dev/null &
    i=0   # tcsd listens on 127.0.0.1:30003 once it has read the TPM
    while ! netstat -ltn 2>/dev/null | grep -q ':30003 ' && [ $i -lt 100 ]; do
        usleep 100000
        i=$((i + 1))
    done
    say "status tcsd $([ $i -lt 100 ] && echo 0 || echo 1)"
    # tpm_getquote takes a 20-byte nonce: sha1 of the host's
    printf "$(printf "$(echo "$NONCE" | sed 's/../\\x&/g')" | sha1sum |
              cut -c1-40 | sed 's/../\\x&/g')" > nonce12
    timeout 60 tpm_takeownership -y -z > quote12.log 2>&1
    say "status takeownership $?"
    tpm_mkuuid aik.uuid >> quote12.log 2>&1
    timeout 60 tpm_mkaik -z aik.blob aik.der >> quote12.log 2>&1
    say "status createak $?"
    mark ak
    timeout 60 tpm_loadkey aik.blob aik.uuid >> quote12.log 2>&1
    timeout 60 tpm_getquote -p quote12.pcrs aik.uuid nonce12 quote12.sig 10 \
        >> quote12.log 2>&1
    say "status quote $?"
    mark quote
}

if [ ! -c /dev/tpmrm0 ] && [ -c /dev/tpm0 ]; then
    tpm12_quote
elif [ -c /dev/tpmrm0 ]; then
    # The AK was made under the EK once, in the template: read its public
    # part for the host's check of the quote.
    timeout 60 tpm2_readpublic -c $AK -f pem -o ak.pem > ak.log 2>&1
    say "status ak $?"
    mark ak
    timeout 60 tpm2_quote -c $AK -l "$QUOTE_SEL" -q "$NONCE" -m quote.msg \
        -s quote.sig -o quote.pcrs -g sha256 > quote.log 2>&1
    say "status quote $?"
    mark quote
else
    say "status tpm-device 1"
fi

if [ "$HOOK" = cut-evidence ]; then
    f=binary_runtime_measurements
    say "file $f $(wc -c < $f)"
    base64 $f | head -n 2 > $OUT
    sync
    poweroff -f
fi
for f in *; do
    case "$f" in aik.blob|aik.uuid) continue ;; esac   # the AIK stays in the guest
    send_file "$f" "/tmp/ev/$f"
done
mark sent
say "done"
sync
poweroff -f
