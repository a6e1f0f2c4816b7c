#!/bin/sh
# A process of the run dies mid-run: swtpm, the shim or QEMU, killed with
# SIGKILL once the guest has booted.  Each run must end broken within 5 s,
# its reason naming what died (report.json and stderr), with nothing left:
# no swtpm, shim or QEMU of the run, no runtime directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/robust-lib.sh"

for victim in swtpm shim qemu; do
    case $victim in
        swtpm) want='^swtpm was killed by signal 9 \(SIGKILL\).* while the guest ran' ;;
        shim) want='^shim was killed by signal 9 \(SIGKILL\) while the guest ran' ;;
        qemu) want='^QEMU was killed by signal 9 \(SIGKILL\) mid-run' ;;
    esac
    start_run
    if ! wait_text "guest booted" "$T/run.err" 60; then
        fail "kill $victim: the guest did not boot within 60 s"
        end_run 10
        continue
    fi
    pid=$(pid_of $victim)
    check "kill $victim: found its pid" [ -n "$pid" ]
    [ -n "$pid" ] && kill -KILL "$pid"
    end_run 30
    check "kill $victim: the run ended within 5 s of the kill ($RUN_S s)" below "$RUN_S" 5
    check_broken "kill $victim" "$want"
    check "kill $victim: broken by the harness (report.json broken_by)" \
        [ "$(jqr "$REPORT" .broken_by)" = harness ]
    check_clean "kill $victim"
done
finish
