#!/bin/sh
# Nothing a script says reaches a shell.  The runner starts swtpm, the shim,
# QEMU and scripts/tpm-template.sh with fork + execvp on argv arrays (no
# system(), no popen(), no sh -c); what a script gives as text (kernel,
# description) reaches no command line but QEMU's -kernel path, as one
# argument.  The one place a script's text meets a shell is the
# "Reproduce with:" line the user pastes: it must quote it.  A script whose
# kernel is shell syntax is run (a skip: no such kernel), and its reproduce
# line, read back by sh, gives back the very text and runs nothing.  (A
# scenario's name is letters, digits and -_. only, so the blank is in the
# folder.)
. "$(dirname "$0")/lib.sh"
need jq
mkdir "$T/work" && cd "$T/work" || exit 99
mkdir "evil dir" || exit 99
cat >"evil dir/evil.scn" <<'SCN'
[scenario]
description = $(touch desc-ran) `touch desc-ran2`
[run]
kernel = 6.1; touch kernel-ran 'q' $(touch subst-ran)
[expect]
quote = valid
SCN
"$ROOT/bin/tpmfault" run --reports "$T/reports" "evil dir/evil.scn" >"$T/out" 2>&1
rc=$?
check "the run is a skip (exit $rc)" [ "$rc" -eq 77 ]
rep="$T/reports/evil/report.json"
check "a report was written" [ -f "$rep" ]
line=$(jqr "$rep" .reproduce)
say "reproduce: $line"
eval "set -- $line"
check "the reproduce line is 7 words" [ "$#" -eq 7 ]
check "its kernel word is the script's text" \
    [ "${4:-}" = "6.1; touch kernel-ran 'q' \$(touch subst-ran)" ]
check "its last word is the path" [ "${7:-}" = "evil dir/evil.scn" ]
check "the reason suggests no make command for it" \
    sh -c '! jq -r .reason "$1" | grep -q "make kernel"' sh "$rep"
ran=$(ls | grep -v '^evil dir$'; ls "evil dir" | grep -v '^evil.scn$')
check "nothing ran (files: ${ran:-none})" [ -z "$ran" ]
finish
