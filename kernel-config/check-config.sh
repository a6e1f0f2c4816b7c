#!/bin/sh
# Check a kernel .config against the tpmfault Kconfig fragment.
#   check-config.sh CONFIG [FRAGMENT]   FRAGMENT defaults to tpmfault.config here
# Names every option that is missing or wrongly set, with the fragment's
# reason for it.  Exit 0: every required option holds (warnings allowed);
# 1: at least one does not; 2: bad usage, an unreadable file, or a
# malformed fragment.
set -u

config=${1:-}
fragment=${2:-$(dirname "$0")/tpmfault.config}
if [ -z "$config" ] || [ $# -gt 2 ]; then
    echo "usage: check-config.sh CONFIG [FRAGMENT]" >&2
    exit 2
fi
for f in "$config" "$fragment"; do
    [ -f "$f" ] && [ -r "$f" ] || { echo "check-config: $f: no such readable file" >&2; exit 2; }
done

# Pass 1 reads the .config: value[CONFIG_X] = y | m | n (is not set) | text.
# Pass 2 walks the fragment: each option line is checked against the comment
# line just above it (its reason, with an optional [min] / [recommended] tag).
awk -v config="$config" -v fragment="$fragment" '
function describe(name,    v) {
    if (!(name in value)) return "absent"
    v = value[name]
    if (v == "n") return "is not set"
    if (v == "m") return "is m (a module)"
    return "is " v
}
function report(sev, name, want, why) {
    if (sev == "error") errors++; else warnings++
    printf "  %s%s: %s, %s %s — %s\n", (sev == "error" ? "" : "warning: "),
           name, describe(name), (sev == "error" ? "wanted" : "recommended"), want, why
}
FNR == NR {
    if ($0 ~ /^CONFIG_[A-Za-z0-9_]+=/) {
        eq = index($0, "=")
        value[substr($0, 1, eq - 1)] = substr($0, eq + 1)
    } else if ($0 ~ /^# CONFIG_[A-Za-z0-9_]+ is not set$/) {
        value[$2] = "n"
    }
    next
}
function check(name, want, unset,    tag, why, sev, have, ok) {
    if (why_line != FNR - 1) {
        printf "check-config: %s:%d: %s has no comment line saying why\n", fragment, FNR, name > "/dev/stderr"
        bad_fragment = 1
        return
    }
    why = reason; tag = ""
    if (why ~ /^\[(min|recommended)\] /) {
        tag = substr(why, 2, index(why, "]") - 2)
        why = substr(why, index(why, "]") + 2)
    }
    sev = tag == "recommended" ? "warning" : "error"
    have = (name in value) ? value[name] : "n"
    checked++
    if (unset) ok = have == "n"
    else if (tag == "min") {
        if (want !~ /^[0-9]+$/) {
            printf "check-config: %s:%d: [min] needs a number, not %s\n", fragment, FNR, want > "/dev/stderr"
            bad_fragment = 1
            return
        }
        ok = have ~ /^[0-9]+$/ && have + 0 >= want + 0
        want = "at least " want
    } else ok = have == want
    if (!ok) report(sev, name, unset ? "not set" : want, why)
}
/^## / || /^#$/ || /^$/ { next }
/^# CONFIG_[A-Za-z0-9_]+ is not set$/ { check($2, "", 1); next }
/^# / { reason = substr($0, 3); why_line = FNR; next }
/^CONFIG_[A-Za-z0-9_]+=/ {
    eq = index($0, "=")
    check(substr($0, 1, eq - 1), substr($0, eq + 1), 0)
    next
}
{
    printf "check-config: %s:%d: not an option, a comment or a heading: %s\n", fragment, FNR, $0 > "/dev/stderr"
    bad_fragment = 1
}
END {
    if (bad_fragment) exit 2
    if (checked == 0) {
        printf "check-config: %s: no options\n", fragment > "/dev/stderr"
        exit 2
    }
    printf "kernel-config: %s: %s (%d options checked, %d missing or wrong, %d warnings)\n",
           config, errors ? "FAIL" : "ok", checked, errors, warnings
    exit errors ? 1 : 0
}
' "$config" "$fragment"
