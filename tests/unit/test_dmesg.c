/* The guest's kernel log: IMA TPM errors given to the entry being measured
 * (verify/dmesg), and the kernel-errors-for expectation built on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "faults/scenario.h"
#include "tpm/alg.h"
#include "verdict/verdict.h"
#include "verify/dmesg.h"

static void scan_text(const char *text, struct dmesg_facts *d)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(in);
    memset(d, 0, sizeof(*d));
    dmesg_scan(in, d);
    fclose(in);
}

/* A 6.1 log of intermittent-extend, trimmed: the error follows file 3's
 * marker, the audit line naming the file comes after it. */
static const char *const intermittent =
    "[    2.789840] tpm_tis MSFT0101:00: 2.0 TPM (device-id 0x1, rev-id 1)\n"
    "[    4.073600] ima: policy update completed\n"
    "[    4.100000] tpmfault: measure /work/file1\n"
    "[    4.120000] tpmfault: measure /work/file2\n"
    "[    4.140000] tpmfault: measure /work/file3\n"
    "[    4.166534] tpm tpm0: A TPM error (257) occurred attempting extend a PCR value\n"
    "[    4.167031] ima: Error Communicating to TPM chip, result: 257\n"
    "[    4.167450] audit: type=1804 cause=TPM_error(257) comm=\"cat\" name=\"/work/file3\"\n"
    "[    4.180000] tpmfault: measure /work/file4\n"
    "[    4.190000] tpmfault: workload done\n";

static void test_error_given_to_marked_file(void **state)
{
    (void)state;
    struct dmesg_facts d;
    scan_text(intermittent, &d);
    assert_false(d.bypass);
    assert_int_equal(d.tpm_errors, 1);
    assert_int_equal(d.n_err, 1);
    assert_int_equal(d.err[0].entry, 3);
    assert_true(d.err[0].has_result);
    assert_int_equal(d.err[0].result, 257);
}

/* A 6.1 log where every PCR_Read fails (pcr-read-fails, trimmed to three
 * of its ten lines): IMA logs the error bare while it computes
 * boot_aggregate, before the workload; the extends themselves worked. */
static const char *const bare_reads =
    "[    1.529034] ima: Allocated hash algorithm: sha256\n"
    "[    1.530399] tpm tpm0: A TPM error (257) occurred attempting to read a pcr value\n"
    "[    1.531179] ima: Error Communicating to TPM chip\n"
    "[    1.542443] tpm tpm0: A TPM error (257) occurred attempting to read a pcr value\n"
    "[    1.542572] ima: Error Communicating to TPM chip\n"
    "[    1.542826] tpm tpm0: A TPM error (257) occurred attempting to read a pcr value\n"
    "[    1.542933] ima: Error Communicating to TPM chip\n"
    "[    2.054011] tpmfault: measure /work/file1\n"
    "[    2.060000] tpmfault: workload done\n";

static void test_bare_lines_have_no_result(void **state)
{
    (void)state;
    struct dmesg_facts d;
    scan_text(bare_reads, &d);
    assert_int_equal(d.tpm_errors, 3);
    assert_int_equal(d.n_err, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(d.err[i].entry, 0);      /* before the workload */
        assert_false(d.err[i].has_result);
    }
    scan_text("ima: Error Communicating to TPM chip, result: 0\n"
              "ima: Error Communicating to TPM chip, result: x\n", &d);
    assert_true(d.err[0].has_result);             /* 0 is a result */
    assert_int_equal(d.err[0].result, 0);
    assert_int_equal(d.n_err, 1);                 /* a result that is none */
    assert_non_null(strstr(d.problem, "result: x"));  /* is a problem */
}

static void test_errors_before_and_after_workload(void **state)
{
    (void)state;
    struct dmesg_facts d;
    scan_text("[ 1.0] ima: Error Communicating to TPM chip, result: -62\n"
              "[ 2.0] tpmfault: measure /work/file12\n"
              "[ 2.1] ima: Error Communicating to TPM chip, result: 9\n"
              "[ 2.2] ima: Error Communicating to TPM chip, result: 9\n"
              "[ 3.0] tpmfault: workload done\n"
              "[ 3.1] ima: Error Communicating to TPM chip, result: 2338\n"
              "[ 3.2] ima: No TPM chip found, activating TPM-bypass!\n", &d);
    assert_true(d.bypass);
    assert_int_equal(d.n_err, 4);
    int want_entry[] = { 0, 12, 12, -1 };
    long want_rc[] = { -62, 9, 9, 2338 };
    for (int i = 0; i < 4; i++) {
        assert_int_equal(d.err[i].entry, want_entry[i]);
        assert_true(d.err[i].has_result);
        assert_int_equal(d.err[i].result, want_rc[i]);
    }
}

/* Debian's 6.1 builds sha512 as a module: IMA logs the banks it cannot
 * hash at boot.  A later "Can not allocate" (a policy rule's hash= during
 * the workload) says nothing about the banks; an unknown name is ignored. */
static void test_banks_without_hash(void **state)
{
    (void)state;
    struct dmesg_facts d;
    scan_text("[    2.120397] ima: Allocated hash algorithm: sha256\n"
              "[    2.125188] ima: Can not allocate sha384 (reason: -2)\n"
              "[    2.128725] ima: Can not allocate sha512 (reason: -2)\n"
              "[    2.128800] ima: Can not allocate sm3 (reason: -2)\n"
              "[    2.152105] ima: No architecture policies found\n", &d);
    assert_int_equal(d.hash_unavailable, (1u << BANK_SHA384) | (1u << BANK_SHA512));
    scan_text(intermittent, &d);
    assert_int_equal(d.hash_unavailable, 0);
    scan_text("tpmfault: measure /work/file1\n"
              "ima: Can not allocate sha384 (reason: -2)\n", &d);
    assert_int_equal(d.hash_unavailable, 0);
}

/* More lines than are kept: every one is counted, the first are kept. */
static void test_many_errors_counted(void **state)
{
    (void)state;
    size_t n = DMESG_MAX_ERRORS + 10, len = 0;
    char *text = malloc(n * 64);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        len += (size_t)sprintf(text + len, "ima: Error Communicating to TPM "
                               "chip, result: %zu\n", i);
    struct dmesg_facts d;
    scan_text(text, &d);
    free(text);
    assert_int_equal(d.tpm_errors, n);
    assert_int_equal(d.n_err, DMESG_MAX_ERRORS);
    assert_int_equal(d.err[DMESG_MAX_ERRORS - 1].result, DMESG_MAX_ERRORS - 1);
}

static const struct exp_check *find_check(const struct checks *cs,
                                          const char *name)
{
    for (int i = 0; i < cs->n; i++)
        if (strcmp(cs->c[i].name, name) == 0)
            return &cs->c[i];
    fail_msg("no %s check", name);
    return NULL;
}

/* The script's list is normalised (sorted, once each); the seen list
 * leaves out errors after the workload. */
static void check_for(const char *script_value, const char *log,
                      enum exp_result want, const char *want_seen)
{
    char text[256];
    struct scenario s;
    char *err = NULL;
    snprintf(text, sizeof(text), "[expect]\nkernel-errors-for = %s\n",
             script_value);
    assert_int_equal(scenario_parse(text, "t.scn", &s, &err), 0);
    struct facts *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    scan_text(log, &f->dmesg);
    struct checks cs;
    expectations_check(&s, f, &cs);
    const struct exp_check *c = find_check(&cs, "kernel-errors-for");
    assert_int_equal(c->result, want);
    assert_string_equal(c->seen, want_seen);
    free(f);
}

static void test_expectation(void **state)
{
    (void)state;
    check_for("3", intermittent, EXP_PASS, "3");
    check_for(" 3 ", intermittent, EXP_PASS, "3");
    check_for("4", intermittent, EXP_FAIL, "3");
    check_for("none", intermittent, EXP_FAIL, "3");
    check_for("none", "ima: policy update completed\n", EXP_PASS, "none");
    const char *three = "tpmfault: measure /work/file3\n"
                        "ima: Error Communicating to TPM chip, result: 9\n"
                        "tpmfault: measure /work/file5\n"
                        "ima: Error Communicating to TPM chip, result: 9\n"
                        "tpmfault: measure /work/file4\n"
                        "ima: Error Communicating to TPM chip, result: 9\n"
                        "tpmfault: workload done\n"
                        "ima: Error Communicating to TPM chip, result: 9\n";
    check_for("5,4, 3,3", three, EXP_PASS, "3,4,5");
    check_for("3,4", three, EXP_FAIL, "3,4,5");
    /* bare lines are no extend's error: counted by kernel-errors only */
    check_for("none", bare_reads, EXP_PASS, "none");
    check_for("0", bare_reads, EXP_FAIL, "none");
}

static void test_bad_values(void **state)
{
    (void)state;
    const char *bad[] = { "", "x", "3,", "3;4", "-1", "3,,4", NULL };
    for (int i = 0; bad[i]; i++) {
        char text[128];
        struct scenario s;
        char *err = NULL;
        snprintf(text, sizeof(text), "[expect]\nkernel-errors-for = %s\n", bad[i]);
        assert_int_equal(scenario_parse(text, "bad.scn", &s, &err), -1);
        assert_non_null(err);
        assert_non_null(strstr(err, "bad.scn:2:"));
        free(err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_given_to_marked_file),
        cmocka_unit_test(test_errors_before_and_after_workload),
        cmocka_unit_test(test_bare_lines_have_no_result),
        cmocka_unit_test(test_banks_without_hash),
        cmocka_unit_test(test_many_errors_counted),
        cmocka_unit_test(test_expectation),
        cmocka_unit_test(test_bad_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
