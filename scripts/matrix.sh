#!/bin/sh
# The catalogue against every named Debian kernel (6.1, 6.12) and, when
# given, the user's own: one `tpmfault suite` per kernel into
# reports/matrix/LABEL/ (LABEL: the series, or "own" for a bzImage), then
# one table, reports/matrix.md and reports/matrix.json (`tpmfault matrix`).
#   matrix.sh [KERNEL]      environment: JOBS, SEED (passed to each suite),
#                           MATRIX_REPORTS (instead of reports/)
# Exit: 0 every scenario passed (or was skipped) on every kernel; 1 not;
# 2 a kernel could not be fetched or the table not written; 128+N: a
# suite was interrupted by signal N.
set -u
cd "$(dirname "$0")/.." || exit 2
own=${1:-}
kernels="6.1 6.12"
case "$own" in ""|6.1|6.12) ;; *) kernels="$kernels $own" ;; esac

out=${MATRIX_REPORTS:-reports}
rc=0
dirs=""
start=$(date +%s)
for k in $kernels; do
    case "$k" in 6.1|6.12) label=$k ;; *) label=own ;; esac
    scripts/fetch-kernel.sh "$k" || exit 2
    dir=$out/matrix/$label
    rm -rf "$dir"
    echo "== matrix: kernel $k -> $dir"
    bin/tpmfault suite --kernel "$k" --reports "$dir" ${JOBS:+--jobs "$JOBS"} \
        ${SEED:+--seed "$SEED"}
    s=$?
    [ "$s" -ge 128 ] && exit "$s"
    [ "$s" -ne 0 ] && rc=1
    dirs="$dirs $dir"
done
# shellcheck disable=SC2086
bin/tpmfault matrix --out "$out" $dirs
s=$?
[ "$s" -eq 2 ] && exit 2
[ "$s" -ne 0 ] && rc=1
echo "matrix: $(echo $kernels | wc -w) kernels in $(( $(date +%s) - start )) s"
exit "$rc"
