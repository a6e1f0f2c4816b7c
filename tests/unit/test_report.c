/* Unit tests of a run's report files (harness/verdict/report.c, issue 10
 * point 9): every text a script, the guest or the kernel gave reaches
 * junit.xml, report.tap and report.json through the escaper of that
 * format, as valid UTF-8, and the files are written whole through the
 * atomic writer, or not at all with an error naming the place. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "runner/fsutil.h"
#include "util/escape.h"
#include "util/jsonread.h"
#include "util/textfile.h"
#include "verdict/report.h"

/* A reason, a detail and an expectation value no writer may pass as
 * they are: markup, quotes, a line break, a '#', a control character and
 * bytes that are no UTF-8 (a lone continuation, a cut sequence). */
#define NASTY "a\"b<c>&d'e\nf # g\x01h\xff\xc3 \xe2\x82"

static struct scenario scn;
static struct run_outcome out;
static struct facts facts;
static struct checks checks;

struct tmp { char dir[PATH_MAX]; };

static int setup(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t || private_dir_create("test_report", t->dir, sizeof(t->dir), NULL) < 0) {
        free(t);
        return -1;
    }
    memset(&scn, 0, sizeof(scn));
    strcpy(scn.name, "name.with-dots_1");
    strcpy(scn.description, NASTY);
    memset(&out, 0, sizeof(out));
    out.seed = 42;
    strcpy(out.nonce_hex, "00112233");
    strcpy(out.reproduce, "bin/tpmfault run --seed 42 'a<b>.scn'");
    strcpy(out.ev.kernel, NASTY);
    memset(&facts, 0, sizeof(facts));
    facts.kernel_series = -1;
    memset(&checks, 0, sizeof(checks));
    checks.n = 2;
    strcpy(checks.c[0].name, "quote");
    strcpy(checks.c[0].expected, "valid");
    strcpy(checks.c[0].seen, "valid");
    strcpy(checks.c[1].name, "not-in-pcr");
    strcpy(checks.c[1].expected, "2\"<3>");
    strcpy(checks.c[1].seen, NASTY);
    strcpy(checks.c[1].detail, NASTY);
    checks.c[1].result = EXP_FAIL;
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

static char *read_back(const struct tmp *t, const char *name)
{
    char p[PATH_MAX + 32], *err = NULL;
    snprintf(p, sizeof(p), "%s/%s", t->dir, name);
    char *text = text_file_read(p, &err);
    if (!text)
        fail_msg("%s: %s", p, err);
    return text;
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, hay);
}

/* Every byte of text is part of a valid UTF-8 sequence. */
static void assert_utf8(const char *text, const char *name)
{
    for (const unsigned char *p = (const unsigned char *)text; *p;) {
        size_t len = utf8_len(p);
        if (!len)
            fail_msg("%s: byte 0x%02x at %td is no UTF-8", name, *p,
                     (const char *)p - text);
        p += len;
    }
}

static void assert_no_byte(const char *text, unsigned char b, const char *name)
{
    if (strchr(text, b))
        fail_msg("%s holds the raw byte 0x%02x", name, b);
}

static void write_ok(struct tmp *t, enum verdict v, const char *reason)
{
    char *err = NULL;
    if (report_write(t->dir, &scn, &out, &facts, &checks, v, reason, &err) < 0)
        fail_msg("report_write: %s", err);
}

/* junit.xml: attributes with entities, nothing raw that ends one early or
 * that XML 1.0 cannot carry. */
static void test_junit_escaped(void **state)
{
    struct tmp *t = *state;
    write_ok(t, VERDICT_FAIL, "1 of 2 expectations did not hold");
    char *x = read_back(t, "junit.xml");
    assert_utf8(x, "junit.xml");
    assert_no_byte(x, 0x01, "junit.xml");
    assert_contains(x, "<failure message=\"expected 2&quot;&lt;3&gt;, saw "
                       "a&quot;b&lt;c&gt;&amp;d&apos;e&#10;f # g\\x01h\\xff\\xc3 \\xe2\\x82\">");
    assert_contains(x, "Reproduce with: bin/tpmfault run --seed 42 &apos;a&lt;b&gt;.scn&apos;");
    assert_contains(x, "<testsuite name=\"tpmfault.name.with-dots_1\"");
    free(x);
    write_ok(t, VERDICT_BROKEN, NASTY);
    x = read_back(t, "junit.xml");
    assert_utf8(x, "junit.xml");
    assert_contains(x, "<error message=\"a&quot;b&lt;c&gt;&amp;d&apos;e&#10;f");
    free(x);
}

/* report.tap: each test point one line, a '#' in text no directive. */
static void test_tap_lines(void **state)
{
    struct tmp *t = *state;
    write_ok(t, VERDICT_FAIL, "1 of 2 expectations did not hold");
    char *x = read_back(t, "report.tap");
    assert_utf8(x, "report.tap");
    assert_string_equal(x,
        "TAP version 13\n1..2\nok 1 - quote: expected valid, saw valid\n"
        "not ok 2 - not-in-pcr: expected 2\"<3>, saw a\"b<c>&d'e f \\# "
        "g\\x01h\\xff\\xc3 \\xe2\\x82\n"
        "# a\"b<c>&d'e f \\# g\\x01h\\xff\\xc3 \\xe2\\x82\n");
    free(x);
    write_ok(t, VERDICT_BROKEN, "deadline\n# of 5 s passed");
    x = read_back(t, "report.tap");
    assert_string_equal(x, "TAP version 13\n1..1\nnot ok 1 - name.with-dots_1 "
                           "run # broken: deadline \\# of 5 s passed\n");
    free(x);
    write_ok(t, VERDICT_SKIP, "no kernel\nhere");
    x = read_back(t, "report.tap");
    assert_string_equal(x, "TAP version 13\n1..0 # SKIP no kernel here\n");
    free(x);
}

/* report.json: valid UTF-8 that the project's reader gives back. */
static void test_json_utf8(void **state)
{
    struct tmp *t = *state;
    write_ok(t, VERDICT_FAIL, NASTY);
    char *x = read_back(t, "report.json"), *err = NULL;
    assert_utf8(x, "report.json");
    struct jv *v = jv_parse(x, &err);
    if (!v)
        fail_msg("report.json does not parse: %s", err);
    assert_string_equal(jv_get_str(v, "reason"),
                        "a\"b<c>&d'e\nf # g\x01h\\xff\\xc3 \\xe2\\x82");
    assert_string_equal(jv_get_str(v, "kernel"), jv_get_str(v, "reason"));
    jv_free(v);
    free(x);
}

/* Written whole: nothing but the four files is left in the directory. */
static void test_no_temporaries(void **state)
{
    struct tmp *t = *state;
    write_ok(t, VERDICT_PASS, "all 2 expectations held");
    DIR *d = opendir(t->dir);
    assert_non_null(d);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.' && (!e->d_name[1] || !strcmp(e->d_name, "..")))
            continue;
        if (strcmp(e->d_name, "report.json") && strcmp(e->d_name, "junit.xml") &&
            strcmp(e->d_name, "report.tap") && strcmp(e->d_name, "nonce"))
            fail_msg("left behind: %s", e->d_name);
        n++;
    }
    closedir(d);
    assert_int_equal(n, 4);
}

/* A directory that cannot take the files: an error naming it, not a
 * silent half report. */
static void test_write_error(void **state)
{
    struct tmp *t = *state;
    char missing[PATH_MAX + 16], *err = NULL;
    snprintf(missing, sizeof(missing), "%s/gone", t->dir);
    assert_int_equal(report_write(missing, &scn, &out, &facts, &checks,
                                  VERDICT_PASS, "ok", &err), -1);
    if (!err || !strstr(err, missing))
        fail_msg("error does not name %s: %s", missing, err ? err : "(none)");
    free(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_junit_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_lines, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json_utf8, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_temporaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
