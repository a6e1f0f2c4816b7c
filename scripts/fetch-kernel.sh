#!/bin/sh
# Fetch and cache a Debian guest kernel.
#   fetch-kernel.sh SERIES    SERIES is 6.1 (linux-image-cloud-amd64, the
#                             default) or 6.12 (linux-image-6.12-cloud-amd64)
#   fetch-kernel.sh PATH      a user's bzImage: only checked, nothing fetched
# The meta package is resolved to the image package it depends on, downloaded
# with `apt-get download`, unpacked into cache/kernel/SERIES/ (git ignores
# cache/), and its package name and version recorded beside vmlinuz.
set -eu

series=${1:-6.1}
root=$(cd "$(dirname "$0")/.." && pwd)

case "$series" in
    6.1)  meta=linux-image-cloud-amd64 ;;
    6.12) meta=linux-image-6.12-cloud-amd64 ;;
    */*|*.bzImage|bzImage)
        if [ -f "$series" ] && [ -r "$series" ]; then
            echo "kernel: using $series"
            exit 0
        fi
        echo "kernel: $series: no such readable file" >&2
        exit 2 ;;
    *)
        echo "kernel: unknown series '$series' (known: 6.1, 6.12, or a path to a bzImage)" >&2
        exit 2 ;;
esac

dest="$root/cache/kernel/$series"
if [ -f "$dest/vmlinuz" ] && [ -f "$dest/package" ]; then
    echo "kernel: $series cached ($(cat "$dest/package"))"
    exit 0
fi

# The image package the meta package depends on, e.g. linux-image-6.1.0-56-cloud-amd64.
image_package() {
    apt-cache depends "$meta" 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[^ ]*\)$/\1/p' | head -n1
}
pkg=$(image_package)
if [ -z "$pkg" ] && [ "$(id -u)" -eq 0 ]; then
    apt-get update -q >/dev/null    # package lists not fetched yet
    pkg=$(image_package)
fi
if [ -z "$pkg" ]; then
    echo "kernel: cannot resolve $meta (run: apt-get update)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
(cd "$work" && apt-get download -q -o APT::Sandbox::User=root "$pkg" >/dev/null)
deb=$(ls "$work"/*.deb)
version=$(dpkg-deb -f "$deb" Version)
dpkg-deb -x "$deb" "$work/x"
image=$(ls "$work"/x/boot/vmlinuz-* | head -n1)
config=$(ls "$work"/x/boot/config-* | head -n1)

mkdir -p "$dest.tmp"
cp "$image" "$dest.tmp/vmlinuz"
cp "$config" "$dest.tmp/config"
echo "$pkg $version" > "$dest.tmp/package"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "kernel: $series fetched ($pkg $version)"
