/* Unit tests of what a run may remove (issue 10, point 8): a scenario's
 * name is checked in one place (faults/scenario.c: scenario_name_of), so
 * "x/..scn" or "x/.scn" can never name the reports tree itself, and a
 * report directory (runner/reportdir.c) is removed only when a run made
 * it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "faults/scenario.h"
#include "runner/fsutil.h"
#include "runner/reportdir.h"

static const char script[] = "[expect]\nquote = valid\n";

static void assert_contains(const char *hay, const char *needle)
{
    if (!hay || !strstr(hay, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, hay ? hay : "(null)");
}

/* path must be refused by the parser, naming the file. */
static void expect_bad_name(const char *path, const char *why)
{
    static struct scenario s;
    char *err = NULL, name[64];
    if (scenario_parse(script, path, &s, &err) == 0)
        fail_msg("%s accepted as scenario '%s'", path, s.name);
    assert_contains(err, path);
    assert_contains(err, why);
    free(err);
    err = NULL;
    assert_int_equal(scenario_name_of(path, name, sizeof(name), &err), -1);
    free(err);
}

static void test_names_refused(void **state)
{
    (void)state;
    expect_bad_name("x/..scn", "must not start with '.'");
    expect_bad_name("x/.scn", "1 to 63 characters");
    expect_bad_name("x/...scn", "must not start with '.'");
    expect_bad_name(".hidden.scn", "must not start with '.'");
    expect_bad_name("x/", "1 to 63 characters");
    expect_bad_name("evil name.scn", "not 0x20");
    expect_bad_name("a$b.scn", "not '$'");
    expect_bad_name("tab\there.scn", "not 0x09");
    expect_bad_name("\xc3\xa9t\xc3\xa9.scn", "not 0xc3");
    expect_bad_name("x/"
        "a123456789a123456789a123456789a123456789a123456789a123456789abcd.scn",
        "1 to 63 characters");
}

static void test_names_kept(void **state)
{
    (void)state;
    static struct scenario s;
    char *err = NULL;
    assert_int_equal(scenario_parse(script, "dir with blank/a-b_c.1.scn", &s,
                                    &err), 0);
    assert_string_equal(s.name, "a-b_c.1");
    assert_int_equal(scenario_parse(script, "Baseline2", &s, &err), 0);
    assert_string_equal(s.name, "Baseline2");
    assert_int_equal(scenario_parse(script, "x/v1..scn", &s, &err), 0);
    assert_string_equal(s.name, "v1.");
}

struct tmp { char dir[PATH_MAX]; };

static int setup_tmp(void **state)
{
    struct tmp *t = calloc(1, sizeof(*t));
    if (!t || private_dir_create("test_report_dir", t->dir, sizeof(t->dir),
                                 NULL) < 0) {
        free(t);
        return -1;
    }
    *state = t;
    return 0;
}

static int teardown_tmp(void **state)
{
    struct tmp *t = *state;
    int rc = tree_remove(t->dir);
    free(t);
    return rc;
}

static void touch(const char *dir, const char *name)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fclose(f), 0);
}

static bool there(const char *dir, const char *name)
{
    char p[PATH_MAX + 64];
    snprintf(p, sizeof(p), "%s/%s", dir, name);
    return file_exists(p);
}

/* A directory no run made is never removed: not the reports tree, not a
 * user's folder in a scenario's place. */
static void test_foreign_dir_kept(void **state)
{
    struct tmp *t = *state;
    char *err = NULL;
    touch(t->dir, "precious");
    assert_int_equal(report_dir_fresh(t->dir, &err), -1);
    assert_contains(err, "no tpmfault run made it");
    assert_contains(err, t->dir);
    free(err);
    err = NULL;
    assert_true(there(t->dir, "precious"));
    assert_int_equal(report_dir_clear(t->dir, &err), -1);
    free(err);
    assert_true(there(t->dir, "precious"));
}

/* A report directory from before the marker (its report.json names its
 * scenario, no subdirectory) is still a run's; one whose report.json names
 * another scenario, or that holds a folder, is not. */
static void test_legacy_report_dir(void **state)
{
    struct tmp *t = *state;
    char d[PATH_MAX + 8], p[PATH_MAX + 48];
    char *err = NULL;
    snprintf(d, sizeof(d), "%s/old", t->dir);
    assert_int_equal(mkdir(d, 0755), 0);
    snprintf(p, sizeof(p), "%s/report.json", d);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("{\"scenario\": \"other\", \"verdict\": \"pass\"}\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(report_dir_fresh(d, &err), -1);     /* not its name */
    free(err);
    err = NULL;
    f = fopen(p, "w");
    assert_non_null(f);
    fputs("{\"scenario\": \"old\", \"verdict\": \"pass\"}\n", f);
    assert_int_equal(fclose(f), 0);
    snprintf(p, sizeof(p), "%s/sub", d);
    assert_int_equal(mkdir(p, 0755), 0);
    assert_int_equal(report_dir_fresh(d, &err), -1);     /* holds a folder */
    free(err);
    err = NULL;
    assert_int_equal(rmdir(p), 0);
    touch(d, "serial.log");
    assert_int_equal(report_dir_fresh(d, &err), 0);      /* a run's, from before */
    assert_false(there(d, "serial.log"));
    assert_true(there(d, REPORT_DIR_MARK));
}

/* A file, or a symlink to a run's directory, in the way is not removed
 * (nor followed). */
static void test_not_a_dir_kept(void **state)
{
    struct tmp *t = *state;
    char run[PATH_MAX + 8], link[PATH_MAX + 8], *err = NULL;
    snprintf(run, sizeof(run), "%s/run", t->dir);
    snprintf(link, sizeof(link), "%s/link", t->dir);
    assert_int_equal(report_dir_fresh(run, &err), 0);
    touch(run, "report.json");
    assert_int_equal(symlink(run, link), 0);
    assert_int_equal(report_dir_fresh(link, &err), -1);
    assert_contains(err, "not removing it");
    free(err);
    assert_true(there(run, "report.json"));
    touch(t->dir, "file");
    snprintf(link, sizeof(link), "%s/file", t->dir);
    err = NULL;
    assert_int_equal(report_dir_clear(link, &err), -1);
    free(err);
    assert_true(there(t->dir, "file"));
}

/* A run's own directory is emptied and made again; a missing one is
 * made; ensure leaves a run's directory as it is. */
static void test_run_dir_renewed(void **state)
{
    struct tmp *t = *state;
    char d[PATH_MAX + 32], *err = NULL;
    snprintf(d, sizeof(d), "%s/reports/baseline", t->dir);
    assert_int_equal(report_dir_clear(d, &err), 0);
    assert_int_equal(report_dir_fresh(d, &err), 0);
    assert_true(there(d, REPORT_DIR_MARK));
    touch(d, "report.json");
    assert_int_equal(report_dir_ensure(d, &err), 0);
    assert_true(there(d, "report.json"));
    assert_int_equal(report_dir_fresh(d, &err), 0);
    assert_false(there(d, "report.json"));
    assert_true(there(d, REPORT_DIR_MARK));
    assert_int_equal(report_dir_clear(d, &err), 0);
    assert_false(file_exists(d));
    assert_null(err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names_refused),
        cmocka_unit_test(test_names_kept),
        cmocka_unit_test_setup_teardown(test_legacy_report_dir, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_foreign_dir_kept, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_not_a_dir_kept, setup_tmp,
                                        teardown_tmp),
        cmocka_unit_test_setup_teardown(test_run_dir_renewed, setup_tmp,
                                        teardown_tmp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
