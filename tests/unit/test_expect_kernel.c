/* Expectations under kernel conditions (verdict/expect.c): the guest's
 * kernel series picks its overrides, which are reported as key[SERIES];
 * and the padded-banks and bank-lists expectations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "faults/scenario.h"
#include "verdict/verdict.h"
#include "verify/boot_aggregate.h"

static const char *const script =
    "[expect]\n"
    "kernel-errors = 1\n"
    "kernel-errors[6.12] = 2\n"
    "padded-banks = none\n"
    "padded-banks[6.1] = sha384,sha512\n"
    "bank-lists = agree\n"
    "bank-lists[6.1] = absent\n";

static const struct exp_check *find(const struct checks *cs, const char *name)
{
    for (int i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].name, name) == 0)
            return &cs->c[i];
    fail_msg("no check named %s", name);
    return NULL;
}

/* Facts of a guest whose uname -r is release, with two IMA TPM errors, the
 * sha384 and sha512 banks padded and the per-bank lists in state lists. */
static struct facts *facts_of(const char *release, int lists)
{
    struct facts *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    snprintf(f->kernel_release, sizeof(f->kernel_release), "%s", release);
    f->kernel_series = scn_kernel_series_of(release);
    f->banks = 0xf;
    f->have_list = true;
    f->dmesg.tpm_errors = 2;
    f->padded_banks = (1u << BANK_SHA384) | (1u << BANK_SHA512);
    f->bank_lists = lists;
    return f;
}

static void evaluate(const char *release, int lists, struct checks *cs)
{
    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_parse(script, "t.scn", &s, &err), 0);
    struct facts *f = facts_of(release, lists);
    expectations_check(&s, f, cs);
    free(f);
}

static void test_612_override(void **state)
{
    (void)state;
    struct checks cs;
    evaluate("6.12.117+deb12-cloud-amd64", SCN_LISTS_AGREE, &cs);
    assert_int_equal(cs.n, 3);
    const struct exp_check *c = find(&cs, "kernel-errors[6.12]");
    assert_string_equal(c->expected, "2");
    assert_int_equal(c->result, EXP_PASS);
    c = find(&cs, "padded-banks");           /* no 6.12 override: plain */
    assert_string_equal(c->seen, "sha384,sha512");
    assert_int_equal(c->result, EXP_FAIL);
    assert_int_equal(find(&cs, "bank-lists")->result, EXP_PASS);
}

static void test_61_override(void **state)
{
    (void)state;
    struct checks cs;
    evaluate("6.1.0-56-cloud-amd64", SCN_LISTS_ABSENT, &cs);
    const struct exp_check *c = find(&cs, "kernel-errors");
    assert_string_equal(c->expected, "1");
    assert_int_equal(c->result, EXP_FAIL);   /* two errors seen */
    c = find(&cs, "padded-banks[6.1]");
    assert_int_equal(c->result, EXP_PASS);
    c = find(&cs, "bank-lists[6.1]");
    assert_string_equal(c->expected, "absent");
    assert_string_equal(c->seen, "absent");
    assert_int_equal(c->result, EXP_PASS);
}

/* A kernel of no known series gets the plain expectations. */
static void test_other_kernel(void **state)
{
    (void)state;
    struct checks cs;
    evaluate("6.15.0-rc1", SCN_LISTS_DISAGREE, &cs);
    assert_int_equal(find(&cs, "kernel-errors")->result, EXP_FAIL);
    const struct exp_check *c = find(&cs, "bank-lists");
    assert_string_equal(c->seen, "disagree");
    assert_int_equal(c->result, EXP_FAIL);
}

/* No sha1 list: bank-lists cannot be evaluated. */
static void test_bank_lists_unknown(void **state)
{
    (void)state;
    struct checks cs;
    evaluate("6.12.1", 0, &cs);
    assert_int_equal(find(&cs, "bank-lists")->result, EXP_UNKNOWN);
}

/* boot-aggregate and applied-twice as expectations: judged from the
 * boot_aggregate fact and the explanation; an unparsable value is refused
 * naming the line. */
static const struct exp_check *check_one(const char *text, const struct facts *f,
                                         const char *name, struct checks *cs)
{
    struct scenario s;
    char *err = NULL;
    if (scenario_parse(text, "t.scn", &s, &err) != 0)
        fail_msg("%s", err);
    expectations_check(&s, f, cs);
    return find(cs, name);
}

static void test_boot_aggregate_and_applied_twice(void **state)
{
    (void)state;
    struct checks cs;
    struct facts *f = facts_of("6.1.0-57-cloud-amd64", SCN_LISTS_ABSENT);
    snprintf(f->boot_aggregate, sizeof(f->boot_aggregate), "sha256:7b64");
    f->boot_aggregate_kind = BA_ZERO_PCRS;
    const struct exp_check *c = check_one("[expect]\nboot-aggregate = zero-pcrs\n",
                                          f, "boot-aggregate", &cs);
    assert_int_equal(c->result, EXP_PASS);
    c = check_one("[expect]\nboot-aggregate = firmware\n", f, "boot-aggregate", &cs);
    assert_int_equal(c->result, EXP_FAIL);
    assert_string_equal(c->seen, "zero-pcrs");
    f->boot_aggregate_kind = BA_OTHER;
    c = check_one("[expect]\nboot-aggregate = zero\n", f, "boot-aggregate", &cs);
    assert_int_equal(c->result, EXP_FAIL);
    assert_string_equal(c->seen, "other");

    f->have_explanation = f->expl.found = true;
    f->expl.applied_twice[0] = 3;
    f->expl.n_applied_twice = 1;
    c = check_one("[expect]\napplied-twice = 3\n", f, "applied-twice", &cs);
    assert_int_equal(c->result, EXP_PASS);
    c = check_one("[expect]\napplied-twice = none\n", f, "applied-twice", &cs);
    assert_int_equal(c->result, EXP_FAIL);
    assert_string_equal(c->seen, "3");
    f->expl.found = false;                      /* nothing explained: unknown */
    c = check_one("[expect]\napplied-twice = 3\n", f, "applied-twice", &cs);
    assert_int_equal(c->result, EXP_UNKNOWN);
    free(f);

    struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_parse("[expect]\n\nboot-aggregate = pcrs\n",
                                    "b.scn", &s, &err), -1);
    assert_non_null(strstr(err, "b.scn:3:"));
    free(err);
    err = NULL;
    assert_int_equal(scenario_parse("[expect]\napplied-twice = 3;4\n", "b.scn",
                                    &s, &err), -1);
    assert_non_null(strstr(err, "b.scn:2:"));
    free(err);
}

/* A dmesg line whose number could not be read: its count is not to be
 * trusted, so kernel-errors is unknown, naming the line, not judged. */
static void test_kernel_errors_unknown_on_problem(void **state)
{
    (void)state;
    struct checks cs;
    struct facts *f = facts_of("6.1.0-28-amd64", SCN_LISTS_ABSENT);
    f->dmesg.tpm_errors = 1;                  /* would pass on 6.1 */
    snprintf(f->dmesg.problem, sizeof(f->dmesg.problem),
             "dmesg.txt: a number that is none or does not fit in 'x'");
    const struct exp_check *c = check_one(script, f, "kernel-errors", &cs);
    assert_int_equal(c->result, EXP_UNKNOWN);
    assert_string_equal(c->seen, "unknown");
    assert_string_equal(c->detail, f->dmesg.problem);
    free(f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_612_override),
        cmocka_unit_test(test_61_override),
        cmocka_unit_test(test_other_kernel),
        cmocka_unit_test(test_bank_lists_unknown),
        cmocka_unit_test(test_boot_aggregate_and_applied_twice),
        cmocka_unit_test(test_kernel_errors_unknown_on_problem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
