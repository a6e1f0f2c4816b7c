/* runner/suite: start_until stops runs from starting (tpmfault explore's
 * --time), the runs in flight finish, and those not started never run.
 * The children are a stand-in `tpmfault` (a shell script that sleeps 0.4 s
 * and writes no report: each run ends broken). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "runner/suite.h"
#include "util/mono.h"

#define RUNS 5

struct ended {
    size_t n;
    double last_s;              /* when the last run ended */
};

static void on_end(const struct suite_result *r, size_t index, void *ctx)
{
    (void)r;
    (void)index;
    struct ended *e = ctx;
    e->n++;
    e->last_s = mono_now();
}

/* A suite of RUNS runs of 0.4 s, one at a time, none started after
 * start_until seconds from now (0: no limit): how many ended. */
static size_t run_suite(const char *dir, double start_until, double *took)
{
    char exe[256], reports[256];
    snprintf(exe, sizeof(exe), "%s/tpmfault", dir);
    snprintf(reports, sizeof(reports), "%s/reports", dir);
    FILE *f = fopen(exe, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nsleep 0.4\nexit 99\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(exe, 0755), 0);
    struct suite_entry e[RUNS];
    memset(e, 0, sizeof(e));
    for (size_t i = 0; i < RUNS; i++) {
        snprintf(e[i].name, sizeof(e[i].name), "r%zu", i);
        e[i].path = "/dev/null";
        e[i].deadline_s = 30;
    }
    struct ended got = { 0, 0 };
    double t0 = mono_now();
    struct suite_opts o = {
        .exe = exe, .reports = reports, .jobs = 1, .on_end = on_end,
        .ctx = &got, .quiet = true,
        .start_until = start_until > 0 ? t0 + start_until : 0,
    };
    suite_run(e, RUNS, &o);
    *took = got.last_s - t0;
    return got.n;
}

static void test_no_run_starts_late(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_suite_start.XXXXXX";
    assert_non_null(mkdtemp(dir));
    double took;
    /* runs start at about 0 s and 0.4 s; the third would at 0.8 s */
    size_t n = run_suite(dir, 0.6, &took);
    assert_int_equal(n, 2);
    assert_true(took >= 0.75 && took < 2.0);    /* the second one finished */
    /* without a limit every run starts */
    n = run_suite(dir, 0, &took);
    assert_int_equal(n, RUNS);
    assert_int_equal(tree_remove(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_run_starts_late),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
