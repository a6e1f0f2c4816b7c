/* Unit tests of the suite's summary (harness/verdict/summary.c): shards
 * partition the catalogue, XML escaping leaves nothing a parser rejects,
 * and junit.xml, summary.tap, summary.json and the printed summary say
 * pass, fail, broken and skip each their own way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "util/escape.h"
#include "util/jsonread.h"
#include "verdict/summary.h"

/* --- helpers -------------------------------------------------------------- */

typedef void writer_fn(FILE *out, const struct suite_result *r, size_t n,
                       const struct suite_info *info);

/* What w writes for these results, as a malloc'd string. */
static char *capture(writer_fn *w, const struct suite_result *r, size_t n,
                     const struct suite_info *info)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    w(m, r, n, info);
    assert_int_equal(fclose(m), 0);
    return text;
}

static char *escaped(const char *s, bool attr)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    xml_escape(m, s, attr);
    assert_int_equal(fclose(m), 0);
    return text;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static struct failed_exp failed_one(const char *name, const char *exp,
                                    const char *seen, const char *detail)
{
    struct failed_exp f = { strdup(name), strdup(exp), strdup(seen), strdup(detail) };
    return f;
}

/* Four results, one of each verdict, as a suite would hold them. */
struct fixture {
    struct suite_result r[4];
    struct suite_info info;
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    if (!fx)
        return -1;
    struct suite_result *r = fx->r;
    strcpy(r[0].name, "baseline");
    r[0].path = "scenarios/baseline.scn";
    r[0].verdict = VERDICT_PASS;
    r[0].reason = strdup("all 7 expectations held");
    r[0].wall_s = 9.75;
    strcpy(r[0].seed, "1");
    r[0].reproduce = strdup("bin/tpmfault run --kernel 6.1 --seed 1 scenarios/baseline.scn");

    strcpy(r[1].name, "wrong");
    r[1].path = "t/wrong.scn";
    r[1].verdict = VERDICT_FAIL;
    r[1].reason = strdup("1 of 7 expectations did not hold");
    r[1].wall_s = 10.5;
    strcpy(r[1].seed, "18446744073709551615");
    r[1].reproduce = strdup("bin/tpmfault run --kernel 6.1 --seed 18446744073709551615 t/wrong.scn");
    r[1].failed = calloc(1, sizeof(*r[1].failed));
    r[1].failed[0] = failed_one("replay-vs-quote", "differ", "equal",
                                "sha1 <equal> & \"sha256\" equal");
    r[1].n_failed = 1;

    strcpy(r[2].name, "crashes");
    r[2].path = "t/crashes.scn";
    r[2].verdict = VERDICT_BROKEN;
    r[2].reason = strdup("tpmfault run killed by signal 11 without a report.json");
    r[2].wall_s = 0.25;
    r[2].reproduce = strdup("bin/tpmfault run t/crashes.scn");
    r[2].log_tail = strdup("line one\n\x1b[31mred\x1b[0m & <tag>");

    strcpy(r[3].name, "needs-6.12");
    r[3].path = "t/needs-6.12.scn";
    r[3].verdict = VERDICT_SKIP;
    r[3].reason = strdup("kernel 6.12 is not fetched (run: make kernel KERNEL=6.12)");
    r[3].wall_s = 0.125;

    fx->info.shard = "2/3";
    fx->info.jobs = 2;
    fx->info.wall_s = 20.5;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    for (int i = 0; i < 4; i++)
        suite_result_free(&fx->r[i]);
    free(fx);
    return 0;
}

/* --- shards --------------------------------------------------------------- */

/* For every catalogue size and n = 1..5, the shards 1..n together hold
 * every index exactly once, each ascending, each i with i % n == k - 1. */
static void test_shards_partition(void **state)
{
    (void)state;
    for (size_t count_ = 0; count_ <= 14; count_++) {
        for (unsigned n = 1; n <= 5; n++) {
            int seen[14] = { 0 };
            size_t idx[14], total = 0;
            for (unsigned k = 1; k <= n; k++) {
                size_t m = shard_select(count_, k, n, idx);
                for (size_t j = 0; j < m; j++) {
                    assert_true(idx[j] < count_);
                    assert_int_equal(idx[j] % n, k - 1);
                    if (j)
                        assert_true(idx[j] > idx[j - 1]);
                    seen[idx[j]]++;
                }
                total += m;
            }
            assert_int_equal(total, count_);
            for (size_t i = 0; i < count_; i++)
                assert_int_equal(seen[i], 1);
        }
    }
}

static void test_shard_thirteen_by_three(void **state)
{
    (void)state;
    size_t idx[13];
    assert_int_equal(shard_select(13, 1, 3, idx), 5);
    assert_int_equal(idx[0], 0);
    assert_int_equal(idx[4], 12);
    assert_int_equal(shard_select(13, 3, 3, idx), 4);
    assert_int_equal(idx[0], 2);
    assert_int_equal(idx[3], 11);
    assert_int_equal(shard_select(2, 3, 3, idx), 0);   /* an empty shard */
}

static void test_shard_parse(void **state)
{
    (void)state;
    unsigned k = 0, n = 0;
    char *err = NULL;
    assert_int_equal(shard_parse("1/1", &k, &n, &err), 0);
    assert_int_equal(k, 1);
    assert_int_equal(n, 1);
    assert_int_equal(shard_parse("3/3", &k, &n, &err), 0);
    assert_int_equal(k, 3);
    assert_int_equal(shard_parse("2/0x10", &k, &n, &err), 0);
    assert_int_equal(n, 16);
    assert_null(err);
    static const char *const bad[] = { "3/2", "0/2", "1/0", "0/0", "/2", "1/",
                                       "1", "", "a/b", "1/2/3", "-1/2", " 1/2",
                                       "1/2 ", "99999999999/1" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k = n = 77;
        assert_int_equal(shard_parse(bad[i], &k, &n, &err), -1);
        assert_non_null(err);
        assert_non_null(strstr(err, "--shard"));   /* names the option */
        assert_int_equal(k, 77);                   /* nothing stored */
        free(err);
        err = NULL;
    }
}

/* --- XML escaping --------------------------------------------------------- */

static void test_xml_escape_markup(void **state)
{
    (void)state;
    char *s = escaped("a&b<c>d\"e'f", false);
    assert_string_equal(s, "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    free(s);
    s = escaped("&amp;", true);              /* escaped again, not kept */
    assert_string_equal(s, "&amp;amp;");
    free(s);
    s = escaped(NULL, false);
    assert_string_equal(s, "");
    free(s);
}

static void test_xml_escape_whitespace(void **state)
{
    (void)state;
    char *s = escaped("a\tb\nc\rd", false);
    assert_string_equal(s, "a\tb\nc&#13;d");
    free(s);
    s = escaped("a\tb\nc\rd", true);         /* attributes keep them too */
    assert_string_equal(s, "a&#9;b&#10;c&#13;d");
    free(s);
}

/* Control characters and bytes that are not UTF-8 cannot appear in XML 1.0,
 * not even as character references: they become visible text. */
static void test_xml_escape_controls(void **state)
{
    (void)state;
    char *s = escaped("\x01\x1b[0m\x7f\x08", false);
    assert_string_equal(s, "\\x01\\x1b[0m\x7f\\x08");
    free(s);
    s = escaped("bad \xff\xfe \xc3( \xed\xa0\x80 \xc0\xaf end", true);
    assert_string_equal(s, "bad \\xff\\xfe \\xc3( \\xed\\xa0\\x80 \\xc0\\xaf end");
    free(s);
    s = escaped("\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x91", false);  /* é — 🔑 */
    assert_string_equal(s, "\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x91");
    free(s);
    s = escaped("\xef\xbf\xbf cut \xe2\x80", false);   /* U+FFFF; a cut sequence */
    assert_string_equal(s, "\\xef\\xbf\\xbf cut \\xe2\\x80");
    free(s);
    /* Every byte 1..31 but tab, LF and CR, in text: nothing below 0x20 left. */
    char all[32];
    for (int c = 1; c < 32; c++)
        all[c - 1] = (char)c;
    all[31] = '\0';
    s = escaped(all, false);
    for (const char *p = s; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\t' || *p == '\n');
    free(s);
}

/* --- junit.xml ------------------------------------------------------------ */

static void test_junit(void **state)
{
    struct fixture *fx = *state;
    char *x = capture(summary_write_junit, fx->r, 4, &fx->info);
    assert_non_null(strstr(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
    assert_non_null(strstr(x, "<testsuite name=\"tpmfault\" tests=\"4\" "
                              "failures=\"1\" errors=\"1\" skipped=\"1\" "
                              "time=\"20.500\">"));
    assert_int_equal(count(x, "<testsuite "), 1);
    assert_int_equal(count(x, "</testsuite>"), 1);
    assert_int_equal(count(x, "<testcase classname=\"tpmfault.scenarios\""), 4);
    assert_non_null(strstr(x, "<property name=\"shard\" value=\"2/3\"/>"));
    /* pass: an empty testcase */
    assert_non_null(strstr(x, "name=\"baseline\" time=\"9.750\"/>"));
    /* fail: the expectation in the message, detail and reproduce inside */
    assert_int_equal(count(x, "<failure "), 1);
    assert_non_null(strstr(x, "<failure message=\"replay-vs-quote: expected "
                              "differ, saw equal\">replay-vs-quote: expected "
                              "differ, saw equal — sha1 &lt;equal&gt; &amp; "
                              "&quot;sha256&quot; equal\nseed "
                              "18446744073709551615\nReproduce with: bin/tpmfault"));
    /* broken: an error with the reason, the log's control bytes made visible */
    assert_int_equal(count(x, "<error "), 1);
    assert_non_null(strstr(x, "<error message=\"tpmfault run killed by signal 11 "
                              "without a report.json\">"));
    assert_non_null(strstr(x, "\\x1b[31mred\\x1b[0m &amp; &lt;tag&gt;\n</error>"));
    /* skip */
    assert_non_null(strstr(x, "<skipped message=\"kernel 6.12 is not fetched "
                              "(run: make kernel KERNEL=6.12)\"/>"));
    for (const char *p = x; *p; p++)
        assert_true((unsigned char)*p >= 0x20 || *p == '\n');
    free(x);
}

static void test_junit_names_escaped(void **state)
{
    struct fixture *fx = *state;
    strcpy(fx->r[0].name, "a<b>&\"c'");
    char *x = capture(summary_write_junit, fx->r, 1, &fx->info);
    assert_non_null(strstr(x, "name=\"a&lt;b&gt;&amp;&quot;c&apos;\""));
    assert_non_null(strstr(x, "tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\""));
    free(x);
}

/* The failure body carries where the list and PCR 10 part ways. */
static void test_junit_divergence(void **state)
{
    struct fixture *fx = *state;
    fx->r[1].divergence = strdup("first divergent entry 3 (/work/<file>3): its "
                                 "extend, frame 39, was not applied");
    char *x = capture(summary_write_junit, fx->r, 4, &fx->info);
    assert_non_null(strstr(x, "&quot;sha256&quot; equal\nfirst divergent entry 3 "
                              "(/work/&lt;file&gt;3): its extend, frame 39, was "
                              "not applied\nseed 18446744073709551615"));
    free(x);
    /* said once when an expectation's detail (not-in-pcr's) names it */
    free(fx->r[1].failed[0].detail);
    fx->r[1].failed[0].detail = strdup(fx->r[1].divergence);
    x = capture(summary_write_junit, fx->r, 4, &fx->info);
    assert_int_equal(count(x, "first divergent entry 3"), 1);
    free(x);
}

/* --- index.html ------------------------------------------------------------ */

static void test_index(void **state)
{
    struct fixture *fx = *state;
    strcpy(fx->r[2].name, "a<b> #c");
    free(fx->r[0].reason);
    fx->r[0].reason = strdup("<script>alert(1)</script>");
    char *x = capture(summary_write_index, fx->r, 4, &fx->info);
    assert_non_null(strstr(x, "<!DOCTYPE html>"));
    assert_int_equal(count(x, "<tr><td><a href="), 4);
    assert_non_null(strstr(x, "<a href=\"baseline/report.html\">baseline</a>"));
    assert_non_null(strstr(x, "<span class=\"verdict v-fail\">fail</span>"));
    /* a name is escaped in the text and percent-encoded in the link */
    assert_non_null(strstr(x, "<a href=\"a%3Cb%3E%20%23c/report.html\">a&lt;b&gt; #c</a>"));
    assert_non_null(strstr(x, "&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_null(strstr(x, "<script"));
    assert_non_null(strstr(x, "1 passed, 1 failed, 1 broken, 1 skipped"));
    free(x);
}

/* --- summary.tap ---------------------------------------------------------- */

static void test_tap(void **state)
{
    struct fixture *fx = *state;
    char *t = capture(summary_write_tap, fx->r, 4, &fx->info);
    assert_true(strncmp(t, "TAP version 13\n1..4\n", 20) == 0);
    assert_non_null(strstr(t, "\nok 1 - baseline\n"));
    assert_non_null(strstr(t, "\nnot ok 2 - wrong\n  ---\n  verdict: \"fail\"\n"));
    assert_non_null(strstr(t, "  seed: 18446744073709551615\n"));
    assert_non_null(strstr(t, "    - name: \"replay-vs-quote\"\n"
                              "      expected: \"differ\"\n"
                              "      seen: \"equal\"\n"));
    assert_non_null(strstr(t, "\nnot ok 3 - crashes\n  ---\n  verdict: \"broken\"\n"));
    assert_non_null(strstr(t, "  log_tail: \"line one\\n\\u001b[31mred"));
    assert_non_null(strstr(t, "\nok 4 - needs-6.12 # SKIP kernel 6.12 is not fetched"));
    assert_int_equal(count(t, "\n  ...\n"), 2);
    assert_int_equal(count(t, "ok "), 4);
    assert_null(strstr(t, "Bail out!"));
    free(t);
}

static void test_tap_interrupted_and_hash(void **state)
{
    struct fixture *fx = *state;
    fx->info.interrupted = true;
    fx->info.not_run = 3;
    strcpy(fx->r[0].name, "a#b");
    char *t = capture(summary_write_tap, fx->r, 1, &fx->info);
    assert_non_null(strstr(t, "1..1\nok 1 - a\\#b\n"));
    assert_non_null(strstr(t, "Bail out! interrupted, 3 scenarios not run\n"));
    free(t);
}

/* --- summary.json --------------------------------------------------------- */

static void test_json(void **state)
{
    struct fixture *fx = *state;
    char *text = capture(summary_write_json, fx->r, 4, &fx->info);
    char *err = NULL;
    struct jv *top = jv_parse(text, &err);
    assert_non_null(top);
    const struct jv *tot = jv_get(top, "totals");
    assert_int_equal((int)jv_get_num(tot, "scenarios", -1), 4);
    assert_int_equal((int)jv_get_num(tot, "passed", -1), 1);
    assert_int_equal((int)jv_get_num(tot, "failed", -1), 1);
    assert_int_equal((int)jv_get_num(tot, "broken", -1), 1);
    assert_int_equal((int)jv_get_num(tot, "skipped", -1), 1);
    assert_string_equal(jv_get_str(top, "shard"), "2/3");
    assert_int_equal((int)jv_get_num(top, "jobs", -1), 2);
    const struct jv *sc = jv_get(top, "scenarios")->child->next;   /* wrong */
    assert_string_equal(jv_get_str(sc, "name"), "wrong");
    assert_string_equal(jv_get_str(sc, "verdict"), "fail");
    assert_string_equal(jv_get_str(sc, "file"), "t/wrong.scn");
    assert_string_equal(jv_get_str(sc, "report"), "wrong/report.json");
    const struct jv *f = jv_get(sc, "failed_expectations")->child;
    assert_string_equal(jv_get_str(f, "name"), "replay-vs-quote");
    assert_string_equal(jv_get_str(f, "seen"), "equal");
    /* The 64-bit seed is written exactly (a double could not say it). */
    assert_non_null(strstr(text, "\"seed\": 18446744073709551615"));
    const struct jv *skip = sc->next->next;
    assert_int_equal(jv_get(skip, "seed")->type, JV_NULL);
    jv_free(top);
    free(text);
}

/* --- printed summary, exit code, files ------------------------------------ */

static void test_print(void **state)
{
    struct fixture *fx = *state;
    char *p = capture(summary_print, fx->r, 4, &fx->info);
    assert_non_null(strstr(p, "wrong: fail — 1 of 7 expectations did not hold\n"
                              "  replay-vs-quote: expected differ, saw equal — "));
    assert_non_null(strstr(p, "  seed 18446744073709551615\nReproduce with: "
                              "bin/tpmfault run --kernel 6.1 --seed "
                              "18446744073709551615 t/wrong.scn\n"));
    assert_non_null(strstr(p, "Reproduce with: bin/tpmfault run t/crashes.scn\n"));
    assert_non_null(strstr(p, "  | line one\n"));
    assert_null(strstr(p, "baseline:"));           /* passes are not repeated */
    assert_non_null(strstr(p, "\nscenarios: 1 passed, 1 failed, 1 broken, "
                              "1 skipped (wall 20.5 s)\n"));
    free(p);
}

static void test_exit_code(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(suite_exit_code(fx->r, 0), 0);
    assert_int_equal(suite_exit_code(fx->r, 1), 0);            /* pass */
    assert_int_equal(suite_exit_code(fx->r + 3, 1), 0);        /* skip */
    assert_int_equal(suite_exit_code(fx->r, 2), 1);            /* + fail */
    assert_int_equal(suite_exit_code(fx->r + 2, 1), 1);        /* broken */
}

static void test_write_files(void **state)
{
    struct fixture *fx = *state;
    char dir[128], path[192], *err = NULL;
    assert_int_equal(private_dir_create("test_summary", dir, sizeof(dir), NULL), 0);
    snprintf(path, sizeof(path), "%s/junit.xml", dir);
    FILE *old = fopen(path, "w");       /* an old file is replaced whole */
    assert_non_null(old);
    fputs("old old old old old old old old old old old old old old old\n", old);
    fclose(old);
    assert_int_equal(summary_write_files(dir, fx->r, 4, &fx->info, &err), 0);
    static const char *const names[] = { "summary.json", "junit.xml", "summary.tap",
                                         "index.html" };
    for (int i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        assert_true(file_exists(path));
    }
    snprintf(path, sizeof(path), "%s/junit.xml", dir);
    FILE *f = fopen(path, "r");
    char head[6] = { 0 };
    assert_int_equal(fread(head, 1, 5, f), 5);
    fclose(f);
    assert_string_equal(head, "<?xml");
    /* No temporary file is left behind. */
    DIR *d = opendir(dir);
    assert_non_null(d);
    int entries = 0;
    for (struct dirent *de; (de = readdir(d));)
        entries += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    assert_int_equal(entries, 4);
    assert_int_equal(summary_write_files("/nonexistent/dir", fx->r, 4, &fx->info, &err), -1);
    assert_non_null(err);
    free(err);
    tree_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shards_partition),
        cmocka_unit_test(test_shard_thirteen_by_three),
        cmocka_unit_test(test_shard_parse),
        cmocka_unit_test(test_xml_escape_markup),
        cmocka_unit_test(test_xml_escape_whitespace),
        cmocka_unit_test(test_xml_escape_controls),
        cmocka_unit_test_setup_teardown(test_junit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_junit_names_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(test_junit_divergence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_index, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tap_interrupted_and_hash, setup, teardown),
        cmocka_unit_test_setup_teardown(test_json, setup, teardown),
        cmocka_unit_test_setup_teardown(test_print, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit_code, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_files, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
