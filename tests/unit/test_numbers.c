/* Numbers from scripts, the guest and the trace (issue 10, point 10):
 * one checked parser (util/num.c) reads them all, so a number that does
 * not fit is an error that says so, never a wrapped or cut value
 * (not-in-pcr = 99999999999999999999 was -1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faults/scenario.h"
#include "runner/fsutil.h"
#include "util/num.h"
#include "verdict/evidence.h"
#include "verify/dmesg.h"
#include "verify/trace.h"

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

static void test_num_signed(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(num_parse_signed("-62", INT32_MIN, INT32_MAX, &v), 0);
    assert_int_equal(v, -62);
    assert_int_equal(num_parse_signed("0x922", 0, INT32_MAX, &v), 0);
    assert_int_equal(v, 0x922);
    assert_int_equal(num_parse_signed("-9223372036854775808", INT64_MIN,
                                      INT64_MAX, &v), 0);
    assert_true(v == INT64_MIN);
    assert_int_equal(num_parse_signed("9223372036854775808", INT64_MIN,
                                      INT64_MAX, &v), -1);
    assert_int_equal(num_parse_signed("2147483648", INT32_MIN, INT32_MAX, &v), -1);
    assert_int_equal(num_parse_signed("-", INT32_MIN, INT32_MAX, &v), -1);
    assert_int_equal(num_parse_signed("--1", INT32_MIN, INT32_MAX, &v), -1);
    assert_int_equal(num_parse_signed("+1", INT32_MIN, INT32_MAX, &v), -1);
    assert_int_equal(num_parse_signed("-1", 0, 10, &v), -1);
}

static void test_num_take(void **state)
{
    (void)state;
    int64_t v;
    const char *p = "12, 13";
    assert_int_equal(num_take(&p, 0, 100, &v), 0);
    assert_int_equal(v, 12);
    assert_string_equal(p, ", 13");
    p = "12abc";
    assert_int_equal(num_take(&p, 0, 100, &v), -1);
    assert_string_equal(p, "12abc");
    p = "99999999999999999999 x";
    assert_int_equal(num_take(&p, 0, INT64_MAX, &v), -1);
    p = "";
    assert_int_equal(num_take(&p, 0, 100, &v), -1);
}

/* A script's index list: an index past any workload is refused. */
static void test_script_index_overflow(void **state)
{
    (void)state;
    static struct scenario s;
    static const char *const bad[] = {
        "[expect]\nnot-in-pcr = 99999999999999999999\n",
        "[expect]\nnot-in-pcr = 18446744073709551615\n",
        "[expect]\nnot-in-pcr = 2, 4294967299\n",
        "[expect]\nkernel-errors-for = 10001\n",
        "[expect]\nnot-in-pcr = -1\n",
        "[expect]\nnot-in-pcr = 3x\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char *err = NULL;
        if (scenario_parse(bad[i], "t.scn", &s, &err) == 0)
            fail_msg("accepted as '%s': %s", s.expect.not_in_pcr, bad[i]);
        assert_contains(err, "t.scn:2:");
        assert_contains(err, "0..10000");
        free(err);
    }
    char *err = NULL;
    assert_int_equal(scenario_parse("[expect]\nnot-in-pcr = 10000, 0x3\n",
                                    "t.scn", &s, &err), 0);
    assert_string_equal(s.expect.not_in_pcr, "3,10000");
}

static void scan_text(const char *text, struct dmesg_facts *d)
{
    FILE *in = fmemopen((void *)text, strlen(text), "r");
    assert_non_null(in);
    memset(d, 0, sizeof(*d));
    dmesg_scan(in, d);
    fclose(in);
}

/* The guest's dmesg: a result or a file number that does not fit makes a
 * problem named with its line, not a wrapped result or a wrong entry. */
static void test_dmesg_overflow(void **state)
{
    (void)state;
    struct dmesg_facts d;
    scan_text("[1.0] tpmfault: measure /work/file2\n"
              "[1.1] ima: Error Communicating to TPM chip, result: -62\n", &d);
    assert_string_equal(d.problem, "");
    assert_int_equal(d.n_err, 1);
    assert_int_equal(d.err[0].entry, 2);
    assert_int_equal(d.err[0].result, -62);
    scan_text("[1.0] tpmfault: measure /work/file2\n"
              "[1.1] ima: Error Communicating to TPM chip, result: "
              "99999999999999999999\n", &d);
    assert_contains(d.problem, "dmesg.txt: a number that is none or does not "
                               "fit in '[1.1] ima: Error Communicating to TPM "
                               "chip, result: 99999999999999999999'");
    assert_int_equal(d.n_err, 0);
    scan_text("[1.0] tpmfault: measure /work/file4294967298\n", &d);
    assert_contains(d.problem, "/work/file4294967298");
}

struct tmp { char dir[PATH_MAX]; };

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t || private_dir_create("test_numbers", t->dir, sizeof(t->dir), NULL) < 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct tmp *t = *state;
    int rc = tree_remove(t->dir);
    free(t);
    return rc;
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The evidence channel: a status code or a file size that does not fit
 * is a bad line, not a wrapped value. */
static void test_evidence_overflow(void **state)
{
    struct tmp *t = *state;
    char serial[PATH_MAX + 16], *err = NULL;
    struct evidence ev;
    snprintf(serial, sizeof(serial), "%s/serial", t->dir);
    write_text(serial, "TPMFAULT status quote 4294967296\n");
    assert_int_equal(evidence_decode(serial, t->dir, &ev, &err), 0);
    assert_contains(ev.problem, "bad status line: quote 4294967296");
    assert_int_equal(evidence_status(&ev, "quote"), -1);
    write_text(serial, "TPMFAULT status quote -2\nTPMFAULT file a.bin "
                       "99999999999999999999\n");
    assert_int_equal(evidence_decode(serial, t->dir, &ev, &err), 0);
    assert_int_equal(evidence_status(&ev, "quote"), -2);
    assert_contains(ev.problem, "bad file header: a.bin 99999999999999999999");
    write_text(serial, "TPMFAULT status quote 0 extra\n");
    assert_int_equal(evidence_decode(serial, t->dir, &ev, &err), 0);
    assert_contains(ev.problem, "bad status line");
}

/* The trace: a response code past 32 bits is an error naming the line,
 * not a code cut to its low bits (0x100000000 was 0: success). */
static void test_trace_rc_overflow(void **state)
{
    struct tmp *t = *state;
    char path[PATH_MAX + 16], *err = NULL;
    struct trace tr;
    snprintf(path, sizeof(path), "%s/trace.jsonl", t->dir);
    write_text(path,
        "{\"ord\":1,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
        "\"name\":\"PCR_Extend\",\"pcr\":10,"
        "\"forwarded\":true,\"digests\":{}}\n"
        "{\"ord\":1,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
        "\"name\":\"PCR_Extend\",\"rc\":\"0x100000000\","
        "\"fate\":\"relayed\"}\n");
    assert_int_equal(trace_load(path, &tr, &err), -1);
    assert_contains(err, ":2: rc: '0x100000000' is not a 32-bit response code");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_num_signed),
        cmocka_unit_test(test_num_take),
        cmocka_unit_test(test_script_index_overflow),
        cmocka_unit_test(test_dmesg_overflow),
        cmocka_unit_test_setup_teardown(test_evidence_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_trace_rc_overflow, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
