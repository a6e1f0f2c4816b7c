# Shared by the robustness tests (sourced after lib.sh).  A run gets its own
# TMPDIR, $RT under $T: its runtime directory is made there, and the command
# lines of its processes (swtpm, the shim, QEMU) hold that path, so they are
# told apart from every other run on the machine, and only they are ever
# signalled.
need qemu-system-x86_64; need swtpm; need jq; need setsid; need ps
RT="$T/rt"
mkdir "$RT" || exit 99
SCN="$ROOT/scenarios/baseline.scn"
REPORT="$T/reports/baseline/report.json"
RUN_PID=
trap 'stop_leftovers; rm -rf "$T"' EXIT

now() { date +%s.%N; }
# since T0: seconds since T0, one decimal
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# below A B: the decimal A is less than B
below() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a < b) }'; }

# run_procs: "PID COMMAND" of each process whose command line holds $RT/.
# The variable goes to awk through its environment: awk's own command line
# must not hold the path.
run_procs() {
    ps -eo pid=,args= | RTP="$RT/" awk 'index($0, ENVIRON["RTP"]) > 0'
}

# pid_of swtpm|shim|qemu: that process of this test's run (empty if none)
pid_of() {
    case $1 in
        swtpm) pat="swtpm socket" ;;
        shim) pat="tpmfault-shim --listen" ;;
        qemu) pat="qemu-system-x86_64 " ;;
        *) return 1 ;;
    esac
    run_procs | PAT="$pat" awk 'index($0, ENVIRON["PAT"]) > 0 { print $1; exit }'
}

# On a failed check or an interrupted test: nothing of ours may outlive it.
stop_leftovers() {
    [ -n "$RUN_PID" ] && kill -TERM "$RUN_PID" 2>/dev/null && sleep 2
    run_procs | while read -r pid _; do kill -KILL "$pid" 2>/dev/null; done
}

# fresh_run: no report and no stderr of an earlier run (wait_text must not
# find the last run's "guest booted" before the new run truncates the file)
fresh_run() {
    rm -rf "$T/reports"
    : >"$T/run.err"
}

# start_run [RUN ARGS...]: bin/tpmfault run SCN in the background, its
# stderr in $T/run.err; the environment (TPMFAULT_TEST_HOOK, ...) passes.
start_run() {
    fresh_run
    TMPDIR="$RT" "$ROOT/bin/tpmfault" run --reports "$T/reports" "$@" "$SCN" \
        2>"$T/run.err" &
    RUN_PID=$!
}

# wait_text TEXT FILE SECS: until FILE holds TEXT; false after SECS
wait_text() {
    t0=$(now)
    until grep -qF "$1" "$2" 2>/dev/null; do
        below "$(since "$t0")" "$3" || return 1
        sleep 0.1
    done
}

# end_run SECS: wait up to SECS for the run; its exit code in RUN_RC and
# how long it took in RUN_S.  A run still going then is killed: a failure.
end_run() {
    t0=$(now)
    while kill -0 "$RUN_PID" 2>/dev/null && below "$(since "$t0")" "$1"; do
        sleep 0.1
    done
    if kill -0 "$RUN_PID" 2>/dev/null; then
        fail "the run did not end within $1 s"
        kill -KILL "$RUN_PID"
    fi
    wait "$RUN_PID"
    RUN_RC=$?
    RUN_S=$(since "$t0")
    RUN_PID=
}

# check_broken CASE REGEX: exit 99, report.json broken with a reason that
# matches REGEX, and the same reason on stderr.
check_broken() {
    check "$1: exit 99 (broken)" [ "$RUN_RC" -eq 99 ]
    [ -f "$REPORT" ] || { fail "$1: no report.json"; sed 's/^/    | /' "$T/run.err"; return; }
    check "$1: report.json verdict broken" [ "$(jqr "$REPORT" .verdict)" = broken ]
    reason=$(jqr "$REPORT" .reason)
    say "$1: reason: $reason"
    check "$1: the reason names the cause /$2/" \
        sh -c 'printf "%s\n" "$1" | grep -Eq "$2"' - "$reason" "$2"
    check "$1: stderr gives the reason" grep -qF "baseline: broken — $reason" "$T/run.err"
}

# check_clean CASE: no process of the run left, runtime directory removed.
check_clean() {
    left=$(run_procs)
    check "$1: no swtpm, shim or QEMU of the run left" [ -z "$left" ]
    [ -n "$left" ] && printf '%s\n' "$left" | sed 's/^/    | /'
    check "$1: the runtime directory is removed" [ -z "$(ls -A "$RT")" ]
    stop_leftovers
    rm -rf "${RT:?}"/* 2>/dev/null
}
