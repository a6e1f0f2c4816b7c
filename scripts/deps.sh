#!/bin/sh
# Install the Debian packages tpmfault needs, when any is missing.
# As root: one `apt-get update`, then `apt-get install`.  Otherwise: print
# the exact command to run and fail.
set -eu

# trousers, tpm-tools, tpm-quote-tools: a TPM 1.2 guest's quote (tcsd,
# tpm_takeownership, tpm_mkaik, tpm_loadkey, tpm_getquote in the initramfs).
# clang + libclang-rt-14-dev (libFuzzer and the sanitizer runtimes of
# Debian 12's clang 14): `make fuzz`.  chromium: report.html in a real
# browser (tests/integration/report-html.sh).
PACKAGES="build-essential pkg-config libssl-dev libcmocka-dev swtpm swtpm-tools
swtpm-dev libtss2-dev qemu-system-x86 tpm2-tools libtss2-tcti-device0 libtss2-tcti-swtpm0
busybox-static cpio ima-evm-utils dpkg-dev jq bc python3 time valgrind procps
clang libclang-rt-14-dev trousers tpm-tools tpm-quote-tools chromium"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        "install ok installed") ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "deps: missing packages:$missing"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: run as root: apt-get update && apt-get install -y$missing" >&2
    exit 77
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
echo "deps: installed:$missing"
