#!/bin/sh
# Manufacture a TPM 2.0 state once (EK created and made persistent, PCR banks
# allocated, an AK created under the EK and made persistent) so that every
# run starts from a copy of the same TPM and its agent only quotes.
#   tpm-template.sh DIR [BANKS]     BANKS defaults to sha1,sha256
# DIR/<banks>/ receives the state; a run copies it into its own directory.
#   tpm-template.sh DIR 1.2         a TPM 1.2 instead: enabled, activated, EK
#                                   created, not owned and no AK (the guest
#                                   takes ownership through trousers, which
#                                   must know the SRK), into DIR/tpm12-unowned/
set -eu

EK=0x81010001      # swtpm_setup --createek: the RSA EK
AK=0x81010002      # the agent's AK (scripts/guest/agent.sh)

dir=${1:?usage: tpm-template.sh DIR [BANKS|1.2]}
banks=${2:-sha1,sha256}
case "$dir" in /*) ;; *) dir="$(pwd)/$dir" ;; esac   # swtpm wants absolute paths
if [ "$banks" = 1.2 ]; then
    dest="$dir/tpm12-unowned"
    statefile=tpm-00.permall
    what="TPM 1.2 state"
    set -- --createek
else
    dest="$dir/$banks"
    statefile=tpm2-00.permall
    what="TPM 2.0 state with banks $banks"
    set -- --tpm2 --createek --pcr-banks "$banks"
fi

if [ -f "$dest/$statefile" ]; then
    exit 0
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/tpmfault-tpmstate.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# swtpm_setup writes its own config files under XDG_CONFIG_HOME when none
# exist; give it a private one so nothing outside the project is touched.
export XDG_CONFIG_HOME="$work/config"
mkdir -p "$XDG_CONFIG_HOME" "$work/state"
swtpm_setup --create-config-files skip-if-exist >/dev/null 2>&1 || true
if ! timeout 120 swtpm_setup "$@" --tpmstate "$work/state" --overwrite \
        >"$work/log" 2>&1; then
    echo "tpm-template: swtpm_setup failed:" >&2
    cat "$work/log" >&2
    exit 1
fi

# The AK (TPM 2.0 only), as tpm2_createak makes it under the EK (a restricted RSA signing
# key whose creation needs the endorsement hierarchy's policy), made
# persistent.  A quote with it still comes from this TPM, under a key the
# EK vouches for, over the host's fresh nonce: what changes is that every
# run of a template uses the same AK, as an enrolled machine does.  swtpm
# on unix sockets only, killed with the script.
make_ak() {
    sock="$work/tpm"
    swtpm socket --tpm2 --tpmstate dir="$work/state" \
        --server type=unixio,path="$sock" --ctrl type=unixio,path="$sock.ctrl" \
        --flags not-need-init,startup-clear --pid file="$work/swtpm.pid" \
        --log file="$work/swtpm.log" -d
    trap 'kill "$(cat "$work/swtpm.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
    export TPM2TOOLS_TCTI="swtpm:path=$sock"
    ak() {
        (cd "$work" &&
         timeout 60 tpm2_createak -C "$EK" -c ak.ctx -G rsa -g sha256 -s rsassa \
             -u ak.pem -f pem -n ak.name &&
         timeout 30 tpm2_evictcontrol -C o -c ak.ctx "$AK" &&
         timeout 30 tpm2_shutdown) >>"$work/log" 2>&1
    }
    if ! ak; then
        echo "tpm-template: making the AK failed:" >&2
        cat "$work/log" >&2
        exit 1
    fi
    pid=$(cat "$work/swtpm.pid")
    kill "$pid"
    i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
}
[ "$banks" = 1.2 ] || make_ak
# Two runs (a suite's parallel jobs) may make the same template at once:
# each copies into a private directory next to $dest and renames it into
# place, which is atomic on one file system and fails when $dest already
# exists.  So $dest is never seen half-copied, and the first one wins.
mkdir -p "$dir"
staging=$(mktemp -d "$dir/.staging.XXXXXX")
trap 'rm -rf "$work" "$staging"' EXIT INT TERM
cp -r "$work/state" "$staging/state"
if ! mv -T "$staging/state" "$dest" 2>/dev/null; then
    if [ -f "$dest/$statefile" ]; then
        echo "tpm-template: $dest was made meanwhile by another run"
        exit 0
    fi
    # No state file: left by an interrupted copy of an older version of
    # this script (renames never leave one); replace it.
    rm -rf "$dest"
    mv -T "$staging/state" "$dest" || [ -f "$dest/$statefile" ] || exit 1
fi
echo "tpm-template: $what in $dest"
