#!/bin/sh
# The shim under valgrind relays a whole baseline run (the runner's
# TPMFAULT_SHIM_WRAPPER): the run must still pass (the guest's TPM timeouts
# are 750 ms and more; valgrind slows the shim, not that much), and
# valgrind must report no error and no leak of any kind, still-reachable
# included, and no descriptor left open at exit but stdin, stdout and
# stderr; --error-exitcode makes the shim's exit say so too (the runner
# reports a shim that exits non-zero as broken).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/robust-lib.sh"
need valgrind

export TPMFAULT_SHIM_WRAPPER="valgrind --leak-check=full --show-leak-kinds=all
    --errors-for-leak-kinds=all --track-origins=yes --track-fds=yes --error-exitcode=42"
start_run
end_run 180
unset TPMFAULT_SHIM_WRAPPER
LOG="$T/reports/baseline/shim.log"
check "the run passes with the shim under valgrind (exit $RUN_RC, $RUN_S s)" \
    [ "$RUN_RC" -eq 0 ]
[ "$RUN_RC" -eq 0 ] || sed 's/^/    | /' "$T/run.err"
check "valgrind ran the shim" grep -q "Memcheck, a memory error detector" "$LOG"
check "valgrind saw the shim exit" grep -q "HEAP SUMMARY" "$LOG"
check "valgrind: no error" grep -q "ERROR SUMMARY: 0 errors from 0 contexts" "$LOG"
check "valgrind: every heap block freed, no leak" \
    grep -q "All heap blocks were freed -- no leaks are possible" "$LOG"
check "valgrind: the shim closed every descriptor, inherited none" \
    grep -q "FILE DESCRIPTORS: 3 open (3 std) at exit" "$LOG"
check "the trace holds the TPM's truth" grep -q '"pcr_truth"' "$T/reports/baseline/trace.jsonl"
say "valgrind:"
grep -E "FILE DESCRIPTORS|HEAP SUMMARY|in use at exit|total heap usage|All heap blocks|ERROR SUMMARY" "$LOG" |
    sed 's/^==[0-9]*== */    | /'
check_clean "valgrind"
finish
