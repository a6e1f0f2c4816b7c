#!/bin/sh
# Every catalogue scenario passes (or is skipped) on the real guest: one
# `tpmfault suite` over every scenarios/*.scn must exit 0.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm
{ "$ROOT/bin/tpmfault" suite --reports "$T/reports"; echo $? >"$T/rc"; } 2>&1 |
    sed 's/^/    /'
check "tpmfault suite exits 0" [ "$(cat "$T/rc")" = 0 ]
finish
