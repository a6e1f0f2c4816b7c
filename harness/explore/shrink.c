#include "explore/shrink.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/found.h"
#include "explore/judge.h"
#include "runner/fsutil.h"
#include "util/err.h"
#include "util/str.h"
#include "verdict/summary.h"

#define SMALLER_MAX 8

struct one_run {
    char verdict[16];
};

static void one_end(const struct suite_result *r, size_t index, void *ctx)
{
    (void)index;
    struct one_run *x = ctx;
    str_fmt(x->verdict, sizeof(x->verdict), "%s", verdict_name(r->verdict));
}

/* The script at path, run once through the suite (reports in
 * OUT/shrink/runs); its verdict.  The suite's code: 128 + N when
 * interrupted. */
static int run_script(const struct explore_opts *o, const char *name,
                      const char *path, char *verdict, size_t size)
{
    char runs[PATH_MAX];
    struct one_run x = { "broken" };
    struct suite_entry e = { .path = path, .deadline_s = PL_DEADLINE_S };
    str_fmt(e.name, sizeof(e.name), "%s", name);
    str_fmt(runs, sizeof(runs), "%s/shrink/runs", o->out);
    struct suite_opts so = {
        .exe = o->exe, .reports = runs, .kernel = o->kernel, .jobs = 1,
        .on_end = one_end, .ctx = &x, .quiet = true,
    };
    int rc = suite_run(&e, 1, &so);
    str_fmt(verdict, size, "%s", x.verdict);
    return rc;
}

/* Run candidate p as NAME; its class into cls and facts into rf. */
static int try_one(const struct explore_opts *o, const struct placement *p,
                   const char *name, struct run_facts *rf, char *cls,
                   size_t cls_size, char **err)
{
    char dir[PATH_MAX], path[PATH_MAX], verdict[16], *why = NULL;
    str_fmt(dir, sizeof(dir), "%s/shrink", o->out);
    if (explore_write_script(dir, name, p, "explore: a shrink step", path,
                             sizeof(path), err) < 0)
        return -1;
    int rc = run_script(o, name, path, verdict, sizeof(verdict));
    if (rc >= 128)
        return rc;
    str_fmt(dir, sizeof(dir), "%s/shrink/runs/%s", o->out, name);
    explore_judge(dir, verdict, rf, cls, cls_size, &why);
    free(why);
    return 0;
}

int explore_shrink(const struct explore_opts *o, const struct placement *p,
                   const char *cls, const struct run_facts *rf,
                   const char *origin, char *path, size_t size,
                   char *verdict, size_t verdict_size, char **err)
{
    struct placement best = *p, smaller[SMALLER_MAX];
    struct run_facts best_rf = *rf, got;
    char got_cls[256], name[64], dir[PATH_MAX];
    unsigned runs = 0;
    bool progress = true;
    str_fmt(dir, sizeof(dir), "%s/shrink", o->out);
    if (mkdir_p(dir, err) < 0)
        return -1;
    while (progress && runs < o->shrink_runs) {
        progress = false;
        size_t n = placement_smaller(&best, smaller, SMALLER_MAX);
        for (size_t i = 0; i < n && !progress && runs < o->shrink_runs; i++) {
            str_fmt(name, sizeof(name), "s%u", ++runs);
            int rc = try_one(o, &smaller[i], name, &got, got_cls, sizeof(got_cls), err);
            if (rc != 0)
                return rc;
            if (strcmp(got_cls, cls) == 0) {
                best = smaller[i];
                best_rf = got;
                progress = true;
            }
        }
    }
    if (found_write(o->found, cls, &best, &best_rf, origin, path, size, err) < 0)
        return -1;
    const char *base = strrchr(path, '/');
    str_fmt(name, sizeof(name), "%.*s", (int)(strlen(base + 1) - 4), base + 1);
    /* a script that fails or breaks as it stands is reported by its
     * verdict; only an interruption ends the search */
    int rc = run_script(o, name, path, verdict, verdict_size);
    return rc >= 128 ? rc : 0;
}
