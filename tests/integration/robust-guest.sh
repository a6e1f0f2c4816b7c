#!/bin/sh
# The guest misbehaves after its workload (the agent's test hooks, set
# through the runner's TPMFAULT_TEST_HOOK): its kernel panics, it hangs
# until the run's deadline, or it powers off halfway through sending a
# file.  Each run must end broken with the reason named (report.json and
# stderr) and broken_by guest (tpmfault explore judges such a run), in
# time, with no process of the run and no runtime directory left.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/robust-lib.sh"
DEADLINE=25

# guest_case HOOK REGEX SECS [RUN ARGS...]: the run must end within SECS
guest_case() {
    hook=$1 want=$2 secs=$3; shift 3
    TPMFAULT_TEST_HOOK=$hook start_run "$@"
    end_run "$secs"
    check "$hook: the run ended within $secs s ($RUN_S s)" below "$RUN_S" "$secs"
    check_broken "$hook" "$want"
    check "$hook: broken by the guest (report.json broken_by)" \
        [ "$(jqr "$REPORT" .broken_by)" = guest ]
    check_clean "$hook"
}

# panic=-1 and -no-reboot: QEMU exits at the panic, the run ends at once.
guest_case panic '^the guest kernel panicked \(sysrq triggered crash\)' 60
check "panic: the console shows the panic" \
    grep -q "Kernel panic - not syncing" "$T/reports/baseline/serial.log"
# A hang ends at the deadline, and within 5 s of it.
guest_case hang "^deadline of $DEADLINE s passed \(guest finished its workload\)" \
    $((DEADLINE + 5)) --deadline "$DEADLINE"
guest_case cut-evidence \
    '^the evidence channel was cut short.*file cut short: binary_runtime_measurements' 60
refute "an unknown hook is refused" \
    env TPMFAULT_TEST_HOOK="hang tpmfault.files=9" TMPDIR="$RT" \
    "$ROOT/bin/tpmfault" run --reports "$T/reports" "$SCN" 2>"$T/run.err"
check "an unknown hook: the report names TPMFAULT_TEST_HOOK" \
    grep -q "TPMFAULT_TEST_HOOK=hang tpmfault.files=9: not a hook" "$REPORT"
check_clean "an unknown hook"
finish
