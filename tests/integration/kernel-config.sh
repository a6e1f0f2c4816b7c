#!/bin/sh
# make check-kernel-config: passes on Debian's 6.1 and 6.12 guest kernel
# configs, and fails, naming the options, on copies with IMA or the TPM TIS
# driver turned off or built as a module.  Then the checker's own rules on
# small configs written here: [min], [recommended], "is not set", and a
# fragment option without a reason.
. "$(dirname "$0")/lib.sh"
CHECK="$ROOT/kernel-config/check-config.sh"

# expect_check CONFIG EXIT [FRAGMENT]: run the checker, keep its output in $T/out
expect_check() {
    "$CHECK" "$@" >"$T/out" 2>&1
    echo $? >"$T/rc"
}
rc_is() { [ "$(cat "$T/rc")" = "$1" ]; }
names() { grep -q "^  $1: $2" "$T/out"; }

for series in 6.1 6.12; do
    "$ROOT/scripts/fetch-kernel.sh" "$series" >/dev/null 2>&1 ||
        skip "cannot fetch the $series kernel package"
    cfg="$ROOT/cache/kernel/$series/config"
    ( cd "$ROOT" && make -s check-kernel-config CONFIG="$cfg" ) >"$T/out" 2>&1
    check "$series: make check-kernel-config passes" [ $? = 0 ]
    check "$series: it says ok" grep -q ": ok (" "$T/out"

    sed 's/^CONFIG_IMA=y$/# CONFIG_IMA is not set/' "$cfg" >"$T/no-ima"
    expect_check "$T/no-ima"
    check "$series without IMA: exit 1" rc_is 1
    check "$series without IMA: names CONFIG_IMA" names CONFIG_IMA "is not set, wanted y"
    check "$series without IMA: names nothing else" [ "$(grep -c '^  CONFIG_' "$T/out")" = 1 ]

    sed 's/^CONFIG_TCG_TIS=y$/CONFIG_TCG_TIS=m/' "$cfg" >"$T/tis-module"
    expect_check "$T/tis-module"
    check "$series with TPM TIS a module: exit 1" rc_is 1
    check "$series with TPM TIS a module: names CONFIG_TCG_TIS" \
        names CONFIG_TCG_TIS "is m (a module), wanted y"

    grep -v '^CONFIG_TCG_TIS=' "$cfg" >"$T/no-tis"
    expect_check "$T/no-tis"
    check "$series without TPM TIS: names CONFIG_TCG_TIS as absent" \
        names CONFIG_TCG_TIS "absent, wanted y"
done
# Debian's 6.1 builds sha512 (the sha384 and sha512 banks) as a module: a
# warning, not an error.
expect_check "$ROOT/cache/kernel/6.1/config"
check "6.1: CONFIG_CRYPTO_SHA512=m is a warning" names "warning: CONFIG_CRYPTO_SHA512" "is m"

# The checker's rules, on a fragment and configs written here.
cat >"$T/frag" <<'FRAG'
## heading
# a built-in option
CONFIG_A=y
# [min] at least two
CONFIG_N=2
# [recommended] nice to have
CONFIG_R=y
# must stay off
# CONFIG_OFF is not set
FRAG
printf 'CONFIG_A=y\nCONFIG_N=3\nCONFIG_R=y\n# CONFIG_OFF is not set\n' >"$T/good"
expect_check "$T/good" "$T/frag"
check "all held: exit 0" rc_is 0
printf 'CONFIG_A=y\nCONFIG_N=1\n# CONFIG_R is not set\nCONFIG_OFF=y\n' >"$T/bad"
expect_check "$T/bad" "$T/frag"
check "[min]: 1 < 2 is an error" names CONFIG_N "is 1, wanted at least 2 — at least two"
check "is not set: =y is an error" names CONFIG_OFF "is y, wanted not set — must stay off"
check "[recommended]: a warning only" names "warning: CONFIG_R" "is not set, recommended y"
check "two errors: exit 1" rc_is 1
check "the summary counts them" grep -q "FAIL (4 options checked, 2 missing or wrong, 1 warnings)" "$T/out"
printf 'CONFIG_A=y\nCONFIG_N=2\n' >"$T/partial"
expect_check "$T/partial" "$T/frag"
check "an absent [recommended] option warns, an absent 'not set' one holds" rc_is 0

printf '# why\nCONFIG_A=y\nCONFIG_B=y\n' >"$T/frag2"
expect_check "$T/good" "$T/frag2"
check "a fragment option without a reason: exit 2" rc_is 2
check "... naming file:line" grep -q "frag2:3: CONFIG_B has no comment line saying why" "$T/out"
expect_check "$T/missing-file"
check "an unreadable config: exit 2" rc_is 2
finish
