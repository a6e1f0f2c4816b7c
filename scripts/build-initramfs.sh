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
cp /lib64/ld-linux-x86-64.so.2 "$stage/lib64/"
ln -s usr/lib "$stage/lib"

install -m 0755 "$agent" "$stage/init"
mkdir -p "$(dirname "$out")"
(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$out.tmp"
mv "$out.tmp" "$out"
echo "initramfs: $out ($(du -h "$out" | cut -f1))"
