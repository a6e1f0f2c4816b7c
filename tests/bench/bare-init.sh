#!/bin/sh
# /init of the bench's bare reference (tests/bench/baseline-overhead.sh):
# the guest work of a baseline run without the harness — the same IMA
# rule, N files owned by 1234 read, the template's persistent AK read, PCR
# 10 quoted with it in sha1 and sha256 with the host's nonce (the agent's
# steps, scripts/guest/agent.sh) — and one line on the
# second serial port: "ok", or "failed STEP".  No evidence, no markers.
export PATH=/bin
export TPM2TOOLS_TCTI=device:/dev/tpmrm0
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t securityfs securityfs /sys/kernel/security

param() {
    for word in $(cat /proc/cmdline); do
        case "$word" in "tpmfault.$1="*) echo "${word#*=}"; return ;; esac
    done
}
result() { echo "$1" > /dev/ttyS1; sync; poweroff -f; }

echo "measure func=FILE_CHECK mask=MAY_READ fowner=1234" \
    > /sys/kernel/security/ima/policy || result "failed policy"
mkdir -p /work && cd /tmp || result "failed tmp"
i=1
while [ "$i" -le "$(param files)" ]; do
    echo "bare workload file $i" > /work/file$i
    chown 1234 /work/file$i
    cat /work/file$i > /dev/null
    i=$((i + 1))
done
AK=0x81010002    # the template's AK (scripts/tpm-template.sh)
tpm2_readpublic -c $AK -f pem -o ak.pem > /dev/null 2>&1 || result "failed ak"
tpm2_quote -c $AK -l sha1:10+sha256:10 -q "$(param nonce)" -m quote.msg \
    -s quote.sig -o quote.pcrs -g sha256 > /dev/null 2>&1 || result "failed quote"
result ok
