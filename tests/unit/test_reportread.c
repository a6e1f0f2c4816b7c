/* Unit tests of reading a scenario's report.json back for the suite
 * (harness/verdict/reportread.c): the verdict, the expectations that did not
 * hold, a 64-bit seed kept exact, and reports that cannot be trusted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runner/fsutil.h"
#include "verdict/reportread.h"

/* A report as verdict/report.c writes it (facts shortened). */
static const char fail_report[] =
    "{\n"
    "  \"scenario\": \"wrong\",\n"
    "  \"verdict\": \"fail\",\n"
    "  \"reason\": \"2 of 3 expectations did not hold\",\n"
    "  \"seed\": 18446744073709551615,\n"
    "  \"wall_s\": 9.812000,\n"
    "  \"reproduce\": \"bin/tpmfault run --kernel 6.1 --seed 18446744073709551615 t/wrong.scn\",\n"
    "  \"expectations\": [\n"
    "    { \"name\": \"list-complete\", \"result\": \"pass\", \"expected\": \"yes\",\n"
    "      \"seen\": \"yes\", \"detail\": \"\" },\n"
    "    { \"name\": \"replay-vs-quote\", \"result\": \"fail\", \"expected\": \"differ\",\n"
    "      \"seen\": \"equal\", \"detail\": \"sha1 equal; sha256 equal\" },\n"
    "    { \"name\": \"quote\", \"result\": \"unknown\", \"expected\": \"valid\",\n"
    "      \"seen\": \"none\" }\n"
    "  ],\n"
    "  \"facts\": { \"banks\": {} }\n"
    "}\n";

static void test_fail_report(void **state)
{
    (void)state;
    struct suite_result r;
    char *err = NULL;
    memset(&r, 0, sizeof(r));
    assert_int_equal(report_parse(fail_report, &r, &err), 0);
    assert_null(err);
    assert_int_equal(r.verdict, VERDICT_FAIL);
    assert_string_equal(r.reason, "2 of 3 expectations did not hold");
    assert_string_equal(r.seed, "18446744073709551615");
    assert_string_equal(r.reproduce, "bin/tpmfault run --kernel 6.1 --seed "
                                     "18446744073709551615 t/wrong.scn");
    assert_int_equal(r.n_failed, 2);                  /* the pass is left out */
    assert_string_equal(r.failed[0].name, "replay-vs-quote");
    assert_string_equal(r.failed[0].expected, "differ");
    assert_string_equal(r.failed[0].seen, "equal");
    assert_string_equal(r.failed[0].detail, "sha1 equal; sha256 equal");
    assert_string_equal(r.failed[1].name, "quote");
    assert_string_equal(r.failed[1].detail, "");     /* absent: empty, not NULL */
    suite_result_free(&r);
}

/* The explanation's first divergent entry comes back in the verdict's
 * words (the suite's JUnit failure and summary print it). */
static void test_divergence(void **state)
{
    (void)state;
    static const char report[] =
        "{ \"verdict\": \"fail\", \"facts\": { \"explanation\": {"
        " \"found\": true, \"first_divergent_entry\": 3,"
        " \"first_divergent_file\": \"/work/file3\","
        " \"first_divergent_why\": \"its extend, frame 39, was not applied\" } } }";
    struct suite_result r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(report_parse(report, &r, NULL), 0);
    assert_string_equal(r.divergence, "first divergent entry 3 (/work/file3): "
                                      "its extend, frame 39, was not applied");
    suite_result_free(&r);
    memset(&r, 0, sizeof(r));
    assert_int_equal(report_parse(fail_report, &r, NULL), 0);
    assert_null(r.divergence);                       /* none in that report */
    suite_result_free(&r);
    /* an explanation that was not found names no entry (older reports
     * wrote entry 0 with an empty file there) */
    static const char none[] =
        "{ \"verdict\": \"pass\", \"facts\": { \"explanation\": {"
        " \"found\": false, \"first_divergent_entry\": 0,"
        " \"first_divergent_file\": \"\", \"first_divergent_why\": \"\" } } }";
    memset(&r, 0, sizeof(r));
    assert_int_equal(report_parse(none, &r, NULL), 0);
    assert_null(r.divergence);
    suite_result_free(&r);
}

static void test_verdicts(void **state)
{
    (void)state;
    static const struct { const char *name; enum verdict v; } all[] = {
        { "pass", VERDICT_PASS }, { "fail", VERDICT_FAIL },
        { "skip", VERDICT_SKIP }, { "broken", VERDICT_BROKEN },
    };
    for (size_t i = 0; i < 4; i++) {
        char text[128];
        struct suite_result r;
        memset(&r, 0, sizeof(r));
        snprintf(text, sizeof(text), "{\"verdict\": \"%s\", \"seed\": 42}", all[i].name);
        assert_int_equal(report_parse(text, &r, NULL), 0);
        assert_int_equal(r.verdict, all[i].v);
        assert_string_equal(r.seed, "42");       /* no reproduce: the number */
        assert_null(r.reproduce);
        assert_null(r.reason);
        assert_int_equal(r.n_failed, 0);
        suite_result_free(&r);
    }
}

static void test_untrusted_reports(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "", "[]", "{}", "{\"verdict\": \"passed\"}", "{\"verdict\": 0}",
        "{\"verdict\": \"pass\"", "{\"verdict\": \"pass\"} x",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct suite_result r;
        char *err = NULL;
        memset(&r, 0, sizeof(r));
        assert_int_equal(report_parse(bad[i], &r, &err), -1);
        assert_non_null(err);
        assert_null(r.reason);
        assert_null(r.failed);
        free(err);
    }
}

static void test_read_file(void **state)
{
    (void)state;
    char dir[128], path[192], *err = NULL;
    struct suite_result r;
    memset(&r, 0, sizeof(r));
    assert_int_equal(private_dir_create("test_reportread", dir, sizeof(dir), NULL), 0);
    snprintf(path, sizeof(path), "%s/report.json", dir);
    assert_int_equal(report_read(path, &r, &err), -1);       /* missing */
    assert_non_null(strstr(err, path));
    free(err);
    err = NULL;
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(fail_report, f);
    fclose(f);
    assert_int_equal(report_read(path, &r, &err), 0);
    assert_int_equal(r.verdict, VERDICT_FAIL);
    suite_result_free(&r);
    f = fopen(path, "w");                                     /* cut short */
    fwrite(fail_report, 1, 100, f);
    fclose(f);
    assert_int_equal(report_read(path, &r, &err), -1);
    assert_non_null(strstr(err, "report.json"));
    free(err);
    tree_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fail_report),
        cmocka_unit_test(test_divergence),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_untrusted_reports),
        cmocka_unit_test(test_read_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
