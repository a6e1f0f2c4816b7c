#!/bin/sh
# Run libFuzzer targets for a bounded time (or number of runs) each.
#   tests/fuzz/run.sh BUILD_DIR SECONDS RUNS TARGET...
# RUNS empty: each target runs SECONDS; RUNS=n: each runs n inputs (with
# SECONDS as an upper bound, 0 = none).  Seeds come from
# tests/fuzz/corpus/TARGET (read only); what the fuzzer finds new goes to
# BUILD_DIR/corpus/TARGET, crashes, leaks and timeouts to
# BUILD_DIR/artifacts/TARGET/, each run's log to BUILD_DIR/logs/TARGET.log.
# Exit 1 when any target found something; one line per target and a
# closing "fuzz: N passed, N failed" line.
set -u

build=$1 secs=$2 runs=$3
shift 3
here=$(dirname "$0")
passed=0 failed=0
for t in "$@"; do
    bin=$build/fuzz_$t
    [ -x "$bin" ] || { echo "fuzz: no target $bin" >&2; failed=$((failed + 1)); continue; }
    mkdir -p "$build/corpus/$t" "$build/artifacts/$t" "$build/logs"
    log=$build/logs/$t.log
    set -- -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$build/artifacts/$t/"
    if [ -n "$runs" ]; then
        set -- "$@" -runs="$runs" -max_total_time="$secs"
    else
        set -- "$@" -max_total_time="$secs"
    fi
    [ -f "$here/$t.dict" ] && set -- "$@" -dict="$here/$t.dict"
    start=$(date +%s)
    "$bin" "$@" "$build/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
    rc=$?
    wall=$(( $(date +%s) - start ))
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    if [ "$rc" -eq 0 ]; then
        echo "fuzz: $t: ok, ${execs:-?} executions in ${wall} s (${rate:-?}/s)"
        passed=$((passed + 1))
    else
        echo "fuzz: $t: FOUND SOMETHING (exit $rc) after ${execs:-?} executions; log $log" >&2
        grep -E '^(==[0-9]+==ERROR|SUMMARY|.*contract broken|.*runtime error|artifact_prefix|Test unit written)' "$log" | head -n 20 >&2
        failed=$((failed + 1))
    fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
