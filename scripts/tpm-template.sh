#!/bin/sh
# Manufacture a TPM 2.0 state once (EK created and made persistent, PCR banks
# allocated) so that every run starts from a copy of the same TPM.
#   tpm-template.sh DIR [BANKS]     BANKS defaults to sha1,sha256
# DIR/<banks>/ receives the state; a run copies it into its own directory.
set -eu

dir=${1:?usage: tpm-template.sh DIR [BANKS]}
banks=${2:-sha1,sha256}
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac   # swtpm wants absolute paths
dest="$dir/$banks"

if [ -f "$dest/tpm2-00.permall" ]; then
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-tpmstate.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# swtpm_setup writes its own config files under XDG_CONFIG_HOME when none
# exist; give it a private one so nothing outside the project is touched.
export XDG_CONFIG_HOME="$work/config"
mkdir -p "$XDG_CONFIG_HOME" "$work/state"
swtpm_setup --create-config-files skip-if-exist >/dev/null 2>&1 || true
if ! timeout 120 swtpm_setup --tpm2 --tpmstate "$work/state" --createek \
        --pcr-banks "$banks" --overwrite >"$work/log" 2>&1; then
    echo "tpm-template: swtpm_setup failed:" >&2
    cat "$work/log" >&2
    exit 1
fi
mkdir -p "$dir"
rm -rf "$dest.tmp"
cp -r "$work/state" "$dest.tmp"
rm -rf "$dest" && mv "$dest.tmp" "$dest"
echo "tpm-template: TPM 2.0 state with banks $banks in $dest"
