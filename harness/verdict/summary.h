/* A suite of scenario runs as CI reads it: the shard selection, and
 * summary.json, junit.xml and summary.tap written from an array of
 * results.  No processes and no clocks here: the writers take a FILE,
 * so the unit tests can read back exactly what a suite would write. */
#ifndef TPMFAULT_SUMMARY_H
#define TPMFAULT_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "verdict/code.h"

/* An expectation of a scenario that did not hold (or could not be
 * evaluated), as its report.json states it.  Strings are malloc'd and
 * never NULL ("" when the report had none). */
struct failed_exp {
    char *name;
    char *expected;
    char *seen;
    char *detail;
};

struct suite_result {
    char name[64];            /* the scenario's name (its file's, less .scn) */
    const char *path;         /* its script, as given to tpmfault run */
    enum verdict verdict;
    char *reason;             /* why, one line; malloc'd or NULL */
    double wall_s;            /* from start to reaped, as the suite saw it */
    char seed[24];            /* decimal; "" when unknown */
    char *reproduce;          /* malloc'd or NULL */
    struct failed_exp *failed;
    size_t n_failed;
    char *log_tail;           /* broken: the end of its run.log; or NULL */
    char *divergence;         /* "first divergent entry N (file): why" from
                               * its report; malloc'd or NULL */
};

struct suite_totals {
    size_t passed, failed, broken, skipped;
};

/* What the summary says about the suite as a whole. */
struct suite_info {
    const char *shard;        /* "K/N" as given, or NULL */
    unsigned jobs;
    double wall_s;
    bool interrupted;         /* a signal stopped the suite */
    size_t not_run;           /* selected but never started */
};

/* "K/N" with 1 <= K <= N (numbers as util/num reads them).  0, or -1
 * with *err naming what is wrong. */
int shard_parse(const char *s, unsigned *k, unsigned *n, char **err);
/* Shard k of n over count items sorted by name: the indices i with
 * i % n == k - 1, ascending, into idx (room for count).  Returns how many. */
size_t shard_select(size_t count, unsigned k, unsigned n, size_t *idx);

void suite_count(const struct suite_result *r, size_t n, struct suite_totals *t);
/* Exit code of a finished suite: 0 when every scenario passed or was
 * skipped, else 1. */
int suite_exit_code(const struct suite_result *r, size_t n);

void summary_write_json(FILE *out, const struct suite_result *r, size_t n,
                        const struct suite_info *info);
/* One <testsuite name="tpmfault">, one testcase per scenario. */
void summary_write_junit(FILE *out, const struct suite_result *r, size_t n,
                         const struct suite_info *info);
/* TAP version 13, one test point per scenario, YAML diagnostics for
 * fail and broken. */
void summary_write_tap(FILE *out, const struct suite_result *r, size_t n,
                       const struct suite_info *info);
/* index.html: a page with one row per scenario, its verdict and a link to
 * its report.html. */
void summary_write_index(FILE *out, const struct suite_result *r, size_t n,
                         const struct suite_info *info);
/* summary.json, junit.xml, summary.tap and index.html in dir, each written to a
 * temporary file and renamed over the old one.  0, or -1 with *err. */
int summary_write_files(const char *dir, const struct suite_result *r,
                        size_t n, const struct suite_info *info, char **err);

/* For people: each fail and broken scenario with its failed expectations,
 * seed, `Reproduce with:` line and (broken) log tail; then the line
 * `scenarios: P passed, F failed, B broken, S skipped (wall W s)`. */
void summary_print(FILE *out, const struct suite_result *r, size_t n,
                   const struct suite_info *info);

void suite_result_free(struct suite_result *r);

#endif
