#!/bin/sh
# Every catalogue scenario that has no test of its own must pass on the
# real guest (baseline and intermittent-extend have dedicated tests).
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need jq
for scn in "$ROOT"/scenarios/*.scn; do
    case "$(basename "$scn")" in baseline.scn|intermittent-extend.scn) continue ;; esac
    run_scenario "$scn" 0
done
finish
