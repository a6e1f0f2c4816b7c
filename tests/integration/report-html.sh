#!/bin/sh
# report.html and index.html in a real browser.  A suite of two runs:
# intermittent-extend, and a copy whose kernel-errors expectation is wrong
# (fail).  Headless Chromium, with no network, loads each page from a
# file:// URL: the screenshot has the window's size and is not blank, the
# DOM holds one mark per command of the trace and names entry 3 and
# /work/file3, the description's markup is text.  tpmfault show prints the
# fault's row.  The failing run's JUnit failure (its own and the suite's)
# names the first divergent entry.
. "$(dirname "$0")/lib.sh"
need qemu-system-x86_64; need swtpm; need python3
command -v chromium >/dev/null 2>&1 ||
    skip "chromium is not installed (Debian package chromium; scripts/deps.sh installs it)"

# The wrong copy: the kernel logs one error, the script says two (an
# expectation whose detail does not name the divergent entry itself); its
# description carries markup that must show as text.
sed -e 's/^kernel-errors = 1$/kernel-errors = 2/' \
    -e 's/^description = .*/description = <script>document.title="owned"<\/script> wrong on purpose/' \
    "$ROOT/scenarios/intermittent-extend.scn" > "$T/intermittent-wrong.scn"
check "the copy was changed" grep -q '^kernel-errors = 2$' "$T/intermittent-wrong.scn"
"$ROOT/bin/tpmfault" suite --jobs 1 --seed 7 --reports "$T/reports" \
    "$ROOT/scenarios/intermittent-extend.scn" "$T/intermittent-wrong.scn" \
    >"$T/suite.out" 2>&1
rc=$?
if grep -q ': skip (' "$T/suite.out"; then
    sed 's/^/    | /' "$T/suite.out"
    skip "the runs were skipped (see above)"
fi
check "the suite exits 1 (one scenario failed)" [ "$rc" -eq 1 ]
R="$T/reports/intermittent-extend"
W="$T/reports/intermittent-wrong"
for f in "$R/report.html" "$W/report.html" "$T/reports/index.html"; do
    check "$(basename "$(dirname "$f")")/$(basename "$f") exists" [ -s "$f" ]
done

# The browser: no network (its own network namespace when it can have
# one, and no name resolution or proxy in any case), its own profile.
NET=""
unshare -n true 2>/dev/null && NET="unshare -n"
browse() {   # browse URL ARGS...: chromium headless on URL
    url=$1; shift
    # shellcheck disable=SC2086
    timeout -k 5 90 $NET chromium --headless --disable-gpu --no-sandbox \
        --no-first-run --hide-scrollbars --user-data-dir="$T/chromium" \
        --host-resolver-rules="MAP * ~NOTFOUND" --proxy-server="http://0.0.0.0:9" \
        "$@" "$url" 2>>"$T/chromium.log"
}
say "network: ${NET:-resolver and proxy blocked}"

browse "file://$R/report.html" --dump-dom >"$T/dom.html"
frames=$(grep -c '"dir":"cmd"' "$R/trace.jsonl")
marks=$(grep -o '<rect class="frame ' "$T/dom.html" | wc -l)
check "one mark per command ($frames in the trace, $marks drawn)" \
    [ "$frames" -ge 6 -a "$marks" -eq "$frames" ]
check "entry 3 is drawn, never in PCR 10" grep -q 'class="entry entry-never" data-entry="3"' "$T/dom.html"
check "the page names /work/file3" grep -q '>/work/file3</text>' "$T/dom.html"
check "the fault's frame is a red (errored) extend" grep -q '<circle class="ext errored"' "$T/dom.html"
check "the verdict is shown" grep -q 'class="verdict v-pass"' "$T/dom.html"

browse "file://$R/report.html" --window-size=1280,2000 --screenshot="$T/report.png" >/dev/null
check "the screenshot is 1280x2000 and not blank" python3 "$ROOT/tests/integration/png-check.py" "$T/report.png" 1280 2000

browse "file://$W/report.html" --dump-dom >"$T/wrong.html"
refute "the description's <script> did not run" grep -q '<title>owned' "$T/wrong.html"
check "the description's <script> shows as text" grep -q '&lt;script&gt;document.title' "$T/wrong.html"
check "the failing run's verdict is shown" grep -q 'class="verdict v-fail"' "$T/wrong.html"

browse "file://$T/reports/index.html" --dump-dom >"$T/index.html"
check "index.html links both reports" \
    [ "$(grep -o 'href="intermittent-[a-z]*/report.html"' "$T/index.html" | wc -l)" -eq 2 ]

# tpmfault show on the same report: the fault's row names entry 3, its
# file, the rule and what the guest saw; every entry has a row.
"$ROOT/bin/tpmfault" show "$R" >"$T/show.out" 2>&1
check "tpmfault show exits 0" [ $? -eq 0 ]
check "show: the fault's row names entry 3, /work/file3, the rule, TPM_RC_FAILURE" \
    grep -Eq '^[0-9]+ +[0-9.]+ +workload +PCR_Extend +10 +3 +/work/file3 +third-file \(error\) +not applied +TPM_RC_FAILURE' "$T/show.out"
for k in 0 1 2 4 5; do
    check "show: a row for entry $k" grep -Eq "PCR_Extend +10 +$k +(boot_aggregate|/work/file$k) .* applied +TPM_RC_SUCCESS" "$T/show.out"
done
"$ROOT/bin/tpmfault" show --help >"$T/help.out" 2>&1
check "show --help exits 0 and says what it does" grep -q '^usage: tpmfault show' "$T/help.out"
"$ROOT/bin/tpmfault" show "$T" >"$T/bad.out" 2>&1
check "show on a directory that is no report exits 2" [ $? -eq 2 ]
check "and says so" grep -q "not a run's report directory" "$T/bad.out"

check "the run's JUnit failure names the first divergent entry" \
    grep -q '^first divergent entry 3 (/work/file3): its extend, frame [0-9]*, was not applied' "$W/junit.xml"
check "the suite's JUnit failure names it too" \
    grep -q '^first divergent entry 3 (/work/file3)' "$T/reports/junit.xml"
[ "$FAILED" -eq 0 ] || sed 's/^/    | /' "$T/suite.out"
finish
