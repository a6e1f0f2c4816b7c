#!/bin/sh
# What a run exposes, looked at while swtpm, the shim and QEMU are up (the
# guest held after its workload by the agent's hang hook):
# - the runtime directory is private (0700, ours) and nothing in it is
#   writable by others;
# - every socket of the run's processes is a unix socket, and each named
#   one lives in the runtime directory: no TCP or UDP socket at all, no
#   abstract unix socket;
# - QEMU's command line: -nodefaults, no network device, monitor, VNC,
#   SPICE or gdb stub; swtpm's control channel is a unix socket in the
#   runtime directory and it has no server socket (the data channel is
#   QEMU's socketpair);
# - the guest has no network interface but lo (the agent's "net" line);
# - the harness makes temporary files and directories only with
#   mkstemp/mkdtemp (or tmpfile()), never mktemp(), tmpnam(), tempnam();
# and afterwards nothing of it is left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/robust-lib.sh"

TPMFAULT_TEST_HOOK=hang start_run --deadline 90
if ! wait_text "workload done" "$T/run.err" 60; then
    fail "the guest did not finish its workload within 60 s"
    sed 's/^/    | /' "$T/run.err"
    end_run 10; finish
fi
RUNDIR=$(ls -d "$RT"/tpmfault-run.*)
check "one runtime directory, made by mkdtemp ($RUNDIR)" \
    sh -c 'case "$1" in */tpmfault-run.??????) exit 0 ;; esac; exit 1' - "$RUNDIR"
check "the runtime directory is 0700 and ours" \
    [ "$(stat -c '%a %u' "$RUNDIR")" = "700 $(id -u)" ]
writable=$(find "$RUNDIR" -perm /022 ! -type l -printf '%M %P, ')
check "nothing in it is writable by group or others${writable:+ (not: $writable)}" \
    [ -z "$writable" ]
check "nothing in it belongs to anyone else" [ -z "$(find "$RUNDIR" ! -user "$(id -u)")" ]

# The socket inodes of the run's processes.
run_procs > "$T/procs"
check "swtpm, the shim and QEMU are up" [ "$(wc -l < "$T/procs")" -ge 3 ]
: > "$T/inodes"
while read -r pid _; do
    for fd in /proc/"$pid"/fd/*; do
        readlink "$fd" 2>/dev/null
    done | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p' >> "$T/inodes"
done < "$T/procs"
sort -u -o "$T/inodes" "$T/inodes"
say "$(wc -l < "$T/inodes") sockets held by the run's processes"
check "the run's processes hold sockets (the check sees them)" [ -s "$T/inodes" ]
# inet: the inode is column 10 of /proc/net/{tcp,udp,raw}{,6}
inet=$(cat /proc/net/tcp /proc/net/tcp6 /proc/net/udp /proc/net/udp6 \
           /proc/net/raw /proc/net/raw6 2>/dev/null |
       awk 'NR == FNR { ours[$1] = 1; next } ($10 in ours) { print $2 }' "$T/inodes" -)
check "no TCP, UDP or raw socket${inet:+ (local $inet)}" [ -z "$inet" ]
# unix: inode column 7, path column 8 (none: unnamed, e.g. a socketpair)
awk 'NR == FNR { ours[$1] = 1; next } ($7 in ours) { print $7, $8 }' \
    "$T/inodes" /proc/net/unix > "$T/unix"
check "every socket of the run is a unix socket" \
    [ "$(wc -l < "$T/unix")" -eq "$(wc -l < "$T/inodes")" ]
outside=$(awk -v d="$RUNDIR/" 'NF == 2 && index($2, d) != 1 { print $2 }' "$T/unix")
check "every named unix socket is in the runtime directory${outside:+ (not: $outside)}" \
    [ -z "$outside" ]
say "named: $(awk 'NF == 2 { sub(".*/", "", $2); print $2 }' "$T/unix" | sort -u | tr '\n' ' ')"

qemu=$(grep -F "qemu-system-x86_64 " "$T/procs")
swtpm=$(grep -F "swtpm socket" "$T/procs")
has() { case " $1 " in *" $2 "*) return 0 ;; esac; return 1; }
check "QEMU runs with -nodefaults" has "$qemu" -nodefaults
check "QEMU runs with -display none" has "$qemu" "-display none"
for opt in -netdev -net -nic -monitor -qmp -vnc -spice -gdb -s; do
    refute "QEMU has no $opt" has "$qemu" "$opt"
done
refute "no QEMU chardev or serial port on the network (tcp:, udp:, host=, port=)" \
    sh -c 'printf "%s\n" "$1" | grep -Eq "(tcp|udp|telnet|websocket):|host=|port="' - "$qemu"
check "QEMU's TPM chardev is the shim's socket in the runtime directory" \
    has "$qemu" "socket,id=chrtpm,path=$RUNDIR/shim.sock"
check "swtpm's control channel is a 0600 unix socket in the runtime directory" \
    has "$swtpm" "type=unixio,path=$RUNDIR/swtpm.sock,mode=0600"
refute "swtpm has no --server socket" has "$swtpm" --server
refute "swtpm listens on no port" sh -c 'case "$1" in *port=*) exit 0 ;; esac; exit 1' - "$swtpm"

kill -TERM "$RUN_PID"
end_run 10
check_broken "security" '^interrupted by SIGTERM$'
net=$(sed -n 's/^TPMFAULT net //p' "$T/reports/baseline/evidence.txt" | tr -d '\r' | xargs)
check "the guest reported its network interfaces" [ -n "$net" ]
check "the guest has no network interface but lo ($net)" [ "$net" = lo ]
check_clean "security"

unsafe=$(grep -rnE '\b(mktemp|tmpnam|tempnam)[[:space:]]*\(' \
         "$ROOT/harness" "$ROOT/faults" "$ROOT/tests/unit" || true)
check "temporary files only by mkstemp/mkdtemp${unsafe:+ (not: $unsafe)}" [ -z "$unsafe" ]
finish
