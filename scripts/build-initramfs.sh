#!/bin/sh
# Build the guest's initramfs: busybox, the tpm2-tools we use with their
# libraries (and the dlopen'ed device TCTI), and the agent as /init.
#   build-initramfs.sh OUT.cpio.gz [INIT]
# INIT (default: the agent) is another /init with the same contents: the
# bench's bare reference.  Rebuilt only when INIT or this script is newer
# than OUT.
set -eu

out=${1:?usage: build-initramfs.sh OUT.cpio.gz [INIT]}
here=$(cd "$(dirname "$0")" && pwd)
agent=${2:-"$here/guest/agent.sh"}
tools="tpm2_createak tpm2_readpublic tpm2_quote tpm2_pcrread tpm2_getcap"

if [ -f "$out" ] && [ "$out" -nt "$agent" ] && [ "$out" -nt "$0" ]; then
    exit 0
fi
for need in /bin/busybox /usr/bin/tpm2 cpio; do
    command -v "$need" >/dev/null 2>&1 || { echo "initramfs: $need missing (make deps)" >&2; exit 2; }
done

stage=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT INT TERM
# mktemp made it 0700: as the guest's / it would shut out every user but
# root (tcsd runs as tss and reads /etc/hosts)
chmod 0755 "$stage"
mkdir -p "$stage/bin" "$stage/proc" "$stage/sys" "$stage/dev" "$stage/tmp" \
         "$stage/work" "$stage/lib64" "$stage/usr/lib/x86_64-linux-gnu"

cp /bin/busybox "$stage/bin/busybox"
for applet in $(/bin/busybox --list); do
    [ -e "$stage/bin/$applet" ] || ln -s busybox "$stage/bin/$applet"
done

# tpm2-tools is one multi-call binary; the tools are symlinks to it.
cp /usr/bin/tpm2 "$stage/bin/tpm2"
for t in $tools; do ln -sf tpm2 "$stage/bin/$t"; done

# Libraries: everything ldd resolves for tpm2 and the device TCTI (which the
# TCTI loader opens by name at run time, so ldd of tpm2 does not list it).
tcti=$(ls /usr/lib/x86_64-linux-gnu/libtss2-tcti-device.so.0 2>/dev/null || true)
[ -n "$tcti" ] || { echo "initramfs: libtss2-tcti-device.so.0 missing" >&2; exit 2; }
copy_lib() {
    real=$(readlink -f "$1")
    cp -n "$real" "$stage/usr/lib/x86_64-linux-gnu/$(basename "$1")"
}
copy_lib "$tcti"
for lib in $( (ldd /usr/bin/tpm2; ldd "$tcti") | awk '/=> \//{print $3}' | sort -u); do
    copy_lib "$lib"
done
# TPM 1.2 quote: trousers' tcsd and tpm-quote-tools (scripts/guest/agent.sh,
# tpm12_quote), with the tss user tcsd runs as and its config.
tpm12_tools="/usr/sbin/tcsd /usr/sbin/tpm_takeownership /usr/bin/tpm_mkuuid
/usr/bin/tpm_mkaik /usr/bin/tpm_loadkey /usr/bin/tpm_getquote"
for t in $tpm12_tools; do
    [ -x "$t" ] || { echo "initramfs: $t missing (make deps)" >&2; exit 2; }
    cp "$t" "$stage/bin/"
    for lib in $(ldd "$t" | awk '/=> \//{print $3}'); do copy_lib "$lib"; done
done
# glibc's pthread_exit dlopens libgcc_s to unwind: without it tcsd aborts
# when a client's thread ends
copy_lib /lib/x86_64-linux-gnu/libgcc_s.so.1
copy_lib /lib/x86_64-linux-gnu/libnss_files.so.2
mkdir -p "$stage/etc"
# no event logs: tcsd has no use for them here
printf 'system_ps_file = /var/lib/tpm/system.data\nfirmware_log_file = /nonexistent\nkernel_log_file = /nonexistent\n' \
    > "$stage/etc/tcsd.conf"
echo "root:x:0:0:root:/:/bin/sh" > "$stage/etc/passwd"
echo "tss:x:102:109:TPM software stack:/var/lib/tpm:/bin/false" >> "$stage/etc/passwd"
printf 'root:x:0:\ntss:x:109:\n' > "$stage/etc/group"
# the tools reach tcsd at "localhost"
printf '127.0.0.1 localhost\n::1 localhost\n' > "$stage/etc/hosts"
echo "hosts: files" > "$stage/etc/nsswitch.conf"

cp /lib64/ld-linux-x86-64.so.2 "$stage/lib64/"
ln -s usr/lib "$stage/lib"

install -m 0755 "$agent" "$stage/init"
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1))"
