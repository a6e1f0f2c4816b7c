#!/bin/sh
# Malformed scripts (tests/data/bad-scenarios) are rejected by `check` and
# by `run` with exit 2 and a message naming file and line; `run` starts
# nothing and writes no report.  Each row: file, the line it must name
# (- for a whole-file error), a fragment of the message.
. "$(dirname "$0")/lib.sh"
BAD="$ROOT/tests/data/bad-scenarios"
TPMFAULT="$ROOT/bin/tpmfault"

rejected() {   # rejected NAME LINE FRAGMENT
    f="$BAD/$1.scn"
    where="$f:$2:"
    [ "$2" = - ] && where="$f:"
    "$TPMFAULT" check "$f" >"$T/out" 2>"$T/err"
    rc=$?
    if [ "$rc" -ne 2 ] || ! grep -qF "$where" "$T/err" || ! grep -qF "$3" "$T/err"; then
        fail "check $1: exit $rc, wanted 2 and '$where ... $3'"
        sed 's/^/    | /' "$T/err"
        return
    fi
    "$TPMFAULT" run --reports "$T/reports" "$f" >/dev/null 2>"$T/err"
    rc=$?
    if [ "$rc" -ne 2 ] || ! grep -qF "$where" "$T/err" || [ -e "$T/reports" ]; then
        fail "run $1: exit $rc, wanted 2, the same message and no report"
        return
    fi
    say "ok: $1 rejected: $(head -1 "$T/err")"
}

while IFS='|' read -r name line fragment; do
    [ -n "$name" ] && rejected "$name" "$line" "$fragment"
done <<'TABLE'
unknown-key|2|unknown key 'filez' in [run] (known: files,
unknown-section|1|unknown section [runn]
bad-number|2|files: 'many' is not a number
out-of-range|3|deadline: 2 is out of range 5..3600
key-twice|3|'files' given twice in [run] (first on line 2)
no-equals|2|expected 'key = value'
no-expectations|-|no expectations
bad-bank|2|unknown bank 'md5'
bad-index-list|2|not-in-pcr: '3,,4'
unknown-command|2|unknown TPM command 'PCR_Extendd'
unknown-rc|5|unknown response code 'TPM_RC_BOGUS'
ppm-too-big|3|ppm: '2000000'
bad-direction|3|direction: 'sideways'
rc-on-cancel|5|rc applies only to error, applied-then-error and timeout
error-without-rc|4|this action needs rc =
nth-outside-window|5|nth is before the from..to window
pcr-on-quote|3|pcr matches PCR_Extend (TPM_ORD_Extend) only
applied-no-on-response|5|applied = no, but with direction = response
same-rule-name|5|fault name 'a' already used on line 1
many-errors|2|unknown key 'filez' in [run]
TABLE

count=$(ls "$BAD"/*.scn | wc -l)
check "every bad script is in the table ($count)" [ "$count" -eq 20 ]

# Every error at once, in line order, each with its line, with the
# nearest known name; nothing said twice about a key given wrong.
"$TPMFAULT" check "$BAD/many-errors.scn" 2>"$T/err"
check "many-errors: exit 2" [ $? -eq 2 ]
check "many-errors: lines 2 6 12 14 16 20, in order" \
    [ "$(cut -d: -f2 "$T/err" | tr '\n' ' ')" = "2 6 12 14 16 20 " ]
check "many-errors: did you mean files" grep -qF "did you mean files?" "$T/err"
check "many-errors: did you mean action" grep -qF "did you mean action?" "$T/err"
check "many-errors: did you mean [expect]" grep -qF "did you mean [expect]?" "$T/err"
check "many-errors: did you mean valid" grep -qF "did you mean valid?" "$T/err"
refute "many-errors: no 'no action' after the misspelt key" grep -q "no action" "$T/err"
"$TPMFAULT" suite --dry-run "$BAD/many-errors.scn" >"$T/out" 2>"$T/err2"
check "suite --dry-run: exit 2 on a bad script" [ $? -eq 2 ]
check "suite --dry-run: the same errors" cmp -s "$T/err" "$T/err2"

# Warnings: a script that loads but whose rule can never fire.
W="$ROOT/tests/data/check/never-fires.scn"
"$TPMFAULT" check "$W" >"$T/out" 2>"$T/err"
check "never-fires: loads (exit 0), with warnings" [ $? -eq 0 ]
check "never-fires: ok with 2 warnings" grep -qF "ok (1 expectations, 2 warnings)" "$T/out"
check "never-fires: the rule never fires" \
    grep -qF "$W:5: warning: fault ninth never fires" "$T/err"
check "never-fires: entry 9 beyond the list" \
    grep -qF "not-in-pcr = 9: entry 9 is beyond the list (entries 0..3 with files = 3)" "$T/err"

# --explain: the extends each rule hits, as the real runs showed.
"$TPMFAULT" check --explain "$ROOT/scenarios/retry-recovered.scn" >"$T/out"
check "explain: retry-recovered hits file 3's first three frames" \
    grep -qF "fault retry-third (error TPM_RC_RETRY): k = 4 (entry 3, /work/file3) frames 1,2,3" "$T/out"
"$TPMFAULT" check --explain "$ROOT/scenarios/random-extend-faults.scn" >"$T/out"
check "explain: random-extend-faults (seed 5) hits entries 0, 2, 6" \
    grep -qF "k = 1 (entry 0, boot_aggregate); k = 3 (entry 2, /work/file2); k = 7 (entry 6, /work/file6)" "$T/out"
"$TPMFAULT" check --explain --seed 6 "$ROOT/scenarios/random-extend-faults.scn" >"$T/out"
check "explain: --seed says whose draws" grep -qF "; seed 6" "$T/out"
# A good script next to bad ones: check reports each, exits 2.
"$TPMFAULT" check "$ROOT/scenarios/baseline.scn" "$BAD/unknown-key.scn" >"$T/out" 2>"$T/err"
check "check of a good and a bad script exits 2" [ $? -eq 2 ]
check "the good one is reported ok" grep -q 'baseline.scn: ok' "$T/out"
# A script named x/..scn (name '.') or x/.scn (no name) would make its
# report directory the reports tree itself: refused by check, run and
# suite, and the reports tree is left as it is.
mkdir -p "$T/names/x" "$T/keep/old" || exit 99
echo precious >"$T/keep/old/file"
# refused_name CMD...: exit 2 and the message naming the file
refused_name() {
    "$@" >/dev/null 2>"$T/err"
    rc=$?
    check "$2 refuses x/$n: exit $rc" [ "$rc" -eq 2 ]
    check "$2 names the file and the rule" grep -qF "$T/names/x/$n: the scenario name" "$T/err"
}
for n in ..scn .scn 'a b.scn'; do
    cp "$ROOT/scenarios/baseline.scn" "$T/names/x/$n"
    refused_name "$TPMFAULT" check "$T/names/x/$n"
    refused_name "$TPMFAULT" run --reports "$T/keep" "$T/names/x/$n"
    refused_name "$TPMFAULT" suite --dry-run --reports "$T/keep" "$T/names/x/$n"
    check "the reports tree is still there after x/$n" [ -f "$T/keep/old/file" ]
    rm -f "$T/names/x/$n"
done
# A folder in a scenario's report place that no run made is not removed.
mkdir -p "$T/keep/baseline" && echo mine >"$T/keep/baseline/notes"
"$TPMFAULT" run --reports "$T/keep" "$ROOT/scenarios/baseline.scn" >/dev/null 2>"$T/err"
rc=$?
check "run refuses a report folder no run made (exit $rc)" [ "$rc" -ne 0 ]
check "it says why" grep -qF "$T/keep/baseline exists and no tpmfault run made it" "$T/err"
check "the folder is kept" [ -f "$T/keep/baseline/notes" ]
# The shim's --deadline is a finite, positive number of seconds.
for v in nan inf -inf -1 0 1e999 3601 ' 5'; do
    timeout 5 "$ROOT/bin/tpmfault-shim" --listen "$T/shim.sock" --swtpm-ctrl \
        "$T/none.sock" --trace "$T/shim.trace" --deadline "$v" >/dev/null 2>"$T/err"
    rc=$?
    check "tpmfault-shim --deadline '$v' exits 2 (exit $rc)" [ "$rc" -eq 2 ]
    check "and says why" grep -qF "'$v' is not a number of seconds in (0, 3600]" "$T/err"
done
# Every subcommand answers --help: its synopsis and every option of its
# getopt table described, exit 0.
for cmd in run:run_cmd.c suite:suite_cmd.c replay:replay_args.c \
           matrix:matrix_cmd.c check:check_cmd.c list: show: help:; do
    name=${cmd%%:*} src=${cmd#*:}
    "$TPMFAULT" "$name" --help >"$T/help" 2>"$T/err"
    rc=$?
    check "$name --help exits 0 (exit $rc)" [ "$rc" -eq 0 ]
    check "$name --help gives its synopsis" grep -q "^usage: tpmfault $name" "$T/help"
    [ -n "$src" ] || continue
    for o in $(sed -n 's/^ *{ "\([a-z-]*\)", \(required\|no\)_argument.*/\1/p' \
               "$ROOT/harness/cli/$src"); do
        check "$name --help describes --$o" grep -qE -- "--$o[ ,]" "$T/help"
    done
done
"$TPMFAULT" --version >"$T/out"
check "tpmfault --version exits 0 ($?)" grep -q '^tpmfault [0-9]' "$T/out"
make -s -C "$ROOT" help >"$T/out"
check "make help exits 0 ($?) and lists make scenario" grep -q 'make scenario NAME=' "$T/out"
# replay names a file it cannot replay: the ASCII list, an empty file.
printf '10 %040d ima-ng sha256:%064d boot_aggregate\n' 0 0 >"$T/ascii_runtime_measurements"
"$TPMFAULT" replay "$T/ascii_runtime_measurements" >"$T/out" 2>"$T/err"
rc=$?
check "replay of the ASCII list exits 2 (exit $rc)" [ "$rc" -eq 2 ]
check "and says it is the ASCII list" grep -q 'is the ASCII list' "$T/err"
: >"$T/empty"
"$TPMFAULT" replay "$T/empty" >"$T/out" 2>"$T/err"
rc=$?
check "replay of an empty file exits 2 (exit $rc)" [ "$rc" -eq 2 ]
check "and says it is empty" grep -q 'empty' "$T/err"
refute "nor says 'replayed'" grep -q replayed "$T/out"
"$TPMFAULT" check "$T/no-such.scn" 2>"$T/err"
check "a missing file exits 2" [ $? -eq 2 ]
check "a missing file is named" grep -qF "$T/no-such.scn" "$T/err"
finish
