#!/bin/sh
# SIGINT and SIGTERM end a run within 5 s: to bin/tpmfault run once the
# guest has booted and while it is still starting, to `make scenario` as a
# terminal's Ctrl-C does (SIGINT to its whole process group) and as a CI
# job's stop does (SIGTERM to make alone).  Each run must report broken,
# interrupted by the signal named (report.json and stderr), with no process
# of the run and no runtime directory left.  A runner killed with SIGKILL
# takes swtpm, the shim and QEMU with it.  `make scenarios` stopped by
# SIGTERM stops its run and still writes its summary.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/robust-lib.sh"
need make

# interrupt CASE SIG TARGET: send SIG to TARGET, the run must end in 5 s
interrupt() {
    kill -s "$2" -- "$3"
    end_run 30
    check "$1: ended within 5 s of $2 ($RUN_S s)" below "$RUN_S" 5
}

for sig in INT TERM; do
    start_run
    if wait_text "guest booted" "$T/run.err" 60; then
        interrupt "run, SIG$sig after boot" "$sig" "$RUN_PID"
        check_broken "run, SIG$sig after boot" "^interrupted by SIG$sig\$"
    else
        fail "run, SIG$sig after boot: the guest did not boot"; end_run 10
    fi
    check_clean "run, SIG$sig after boot"
done

# While swtpm, the shim or QEMU are still starting.
start_run
sleep 0.3
interrupt "run, SIGINT while starting" INT "$RUN_PID"
check_broken "run, SIGINT while starting" '^interrupted by SIGINT$'
check_clean "run, SIGINT while starting"

# SIGKILL cannot be caught: the kernel ends swtpm, the shim and QEMU with
# the runner (PR_SET_PDEATHSIG).  Only the runtime directory stays behind
# (removed here).
start_run
if wait_text "guest booted" "$T/run.err" 60; then
    kill -KILL "$RUN_PID"
    end_run 10
    t0=$(now)
    while [ -n "$(run_procs)" ] && below "$(since "$t0")" 5; do sleep 0.1; done
    check "run, SIGKILL: swtpm, the shim and QEMU die with the runner ($(since "$t0") s)" \
        [ -z "$(run_procs)" ]
    say "run, SIGKILL: left behind: $(ls "$RT")"
else
    fail "run, SIGKILL: the guest did not boot"; end_run 10
fi
stop_leftovers
rm -rf "${RT:?}"/*

# make scenario in its own session: SIG to make's group (INT, as Ctrl-C
# in a terminal) or to make alone (TERM, as a CI runner stops a job).
for sig in INT TERM; do
    fresh_run
    TMPDIR="$RT" setsid make -s -C "$ROOT" scenario NAME=baseline \
        REPORTS="$T/reports" >"$T/run.err" 2>&1 &
    RUN_PID=$!
    case $sig in INT) target=-$RUN_PID ;; TERM) target=$RUN_PID ;; esac
    if wait_text "guest booted" "$T/run.err" 120; then
        interrupt "make scenario, SIG$sig" "$sig" "$target"
        check "make scenario, SIG$sig: make failed" [ "$RUN_RC" -ne 0 ]
        RUN_RC=99   # make's own status says it failed; the report says why
        check_broken "make scenario, SIG$sig" "^interrupted by SIG$sig\$"
    else
        fail "make scenario, SIG$sig: the guest did not boot"
        sed 's/^/    | /' "$T/run.err"; end_run 10
    fi
    check_clean "make scenario, SIG$sig"
done
# make scenarios: make's SIGTERM reaches the suite, which stops its run
# and still writes the summary.
fresh_run
TMPDIR="$RT" setsid make -s -C "$ROOT" scenarios JOBS=1 SHARD=1/99 \
    REPORTS="$T/reports" >"$T/run.err" 2>&1 &
RUN_PID=$!
# Stopped while its guest runs: a whole run takes about 3 s, so a fixed
# pause could outlast it; the run's log (REPORTS/.running/NAME.log while
# it runs) says when QEMU has started.
if wait_text "started" "$T/run.err" 120 &&
   name=$(sed -n 's/^\[1\/1\] \(.*\): started$/\1/p' "$T/run.err") &&
   wait_text "guest started" "$T/reports/.running/$name.log" 60; then
    interrupt "make scenarios, SIGTERM" TERM "$RUN_PID"
    S="$T/reports/summary.json"
    check "make scenarios, SIGTERM: the summary says interrupted" \
        [ "$(jqr "$S" .interrupted)" = true ]
    reason=$(jqr "$S" '.scenarios[0].reason')
    say "make scenarios, SIGTERM: $(jqr "$S" '.scenarios[0].name'): $reason"
    check "make scenarios, SIGTERM: the run is broken, interrupted" \
        [ "$(jqr "$S" '.scenarios[0].verdict')" = broken ]
    check "make scenarios, SIGTERM: the reason says SIGTERM" \
        sh -c 'printf "%s\n" "$1" | grep -q "SIGTERM\|signal 15"' - "$reason"
else
    fail "make scenarios, SIGTERM: the suite did not start a run"
    sed 's/^/    | /' "$T/run.err"; end_run 10
fi
check_clean "make scenarios, SIGTERM"
finish
