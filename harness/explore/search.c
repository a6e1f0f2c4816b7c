#include "explore/search.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explore/class.h"
#include "explore/placement.h"
#include "explore/record.h"
#include "explore/runfacts.h"
#include "explore/truth.h"
#include "runner/fsutil.h"
#include "runner/suite.h"
#include "runner/summary.h"
#include "util/atomicfile.h"
#include "util/err.h"
#include "util/str.h"
#include "util/textfile.h"

/* Placements per suite call: summary.json is rewritten between batches. */
#define BATCH_PER_JOB 4

struct search {
    const struct explore_opts *o;
    struct explore_log log;
    size_t batch_first;         /* log index of the batch's first run */
    size_t target;              /* runs the search will have when done */
    double t0, resumed_s;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The run's facts, judged: its invariants and class, or why not. */
static void judge(struct search *s, struct explore_run *r)
{
    char dir[PATH_MAX], path[PATH_MAX];
    char *err = NULL, *text = NULL;
    struct run_facts rf;
    /* a run that was skipped or broke judged nothing */
    bool judged = !strcmp(r->verdict, "pass") || !strcmp(r->verdict, "fail");
    if (!judged)
        err_set(&err, "the run's verdict is %s (see its run.log)", r->verdict);
    if (!judged || str_fmt(dir, sizeof(dir), "%s/runs/%s", s->o->out, r->name) < 0 ||
        str_fmt(path, sizeof(path), "%s/report.json", dir) < 0 ||
        !(text = text_file_read(path, &err)) || runfacts_parse(text, &rf, &err) < 0) {
        str_fmt(r->cls, sizeof(r->cls), "%s", !strcmp(r->verdict, "skip") ? "skip" : "broken");
        str_fmt(r->problem, sizeof(r->problem), "%s", err ? err : "path too long");
        for (size_t i = 0; i < n_invariants; i++)
            r->inv[i] = INV_UNKNOWN;
    } else {
        char *why = NULL;
        if (rf.boot_aggregate[0] &&
            boot_aggregate_truth(dir, rf.boot_aggregate, rf.boot_aggregate_truth,
                                 sizeof(rf.boot_aggregate_truth), &why) < 0)
            rf.boot_aggregate_truth[0] = '\0';
        free(why);
        class_name(&rf, r->cls, sizeof(r->cls));
        for (size_t i = 0; i < n_invariants; i++)
            r->inv[i] = invariants[i].check(&rf);
    }
    free(err);
    free(text);
}

static void on_end(const struct suite_result *res, size_t index, void *ctx)
{
    struct search *s = ctx;
    struct explore_run *r = &s->log.runs[s->batch_first + index];
    r->wall_s = res->wall_s;
    str_fmt(r->verdict, sizeof(r->verdict), "%s", verdict_name(res->verdict));
    judge(s, r);
    if (s->o->budget)
        printf("[%zu/%zu] ", s->batch_first + index + 1, s->target);
    else
        printf("[%zu] ", s->batch_first + index + 1);
    printf("%s %s -> %s (%.1f s)\n", r->name, r->placement, r->cls, r->wall_s);
    fflush(stdout);
}

static void put_text(FILE *out, const void *text)
{
    fputs(text, out);
}

/* Write placement index's script; fill its log slot and suite entry. */
static int prepare(struct search *s, uint64_t index, struct suite_entry *e,
                   char *path, size_t path_size, char **err)
{
    char dir_of_placements[PATH_MAX];
    str_fmt(dir_of_placements, sizeof(dir_of_placements), "%s/placements", s->o->out);
    struct placement p;
    struct explore_run *r = explore_log_add(&s->log);
    if (!r)
        return err_set(err, "out of memory");
    placement_make(s->log.seed, index, &p);
    r->index = index;
    r->run_seed = p.run_seed;
    str_fmt(r->name, sizeof(r->name), "p%05llu", (unsigned long long)index);
    str_fmt(r->cls, sizeof(r->cls), "broken");
    r->placement = placement_describe(&p);
    char desc[128];
    str_fmt(desc, sizeof(desc), "explore seed %llu placement %llu",
            (unsigned long long)s->log.seed, (unsigned long long)index);
    char *script = placement_script(&p, desc);
    int rc = -1;
    if (!r->placement || !script)
        err_set(err, "out of memory");
    else if (str_fmt(path, path_size, "%s/placements/%s.scn", s->o->out, r->name) < 0)
        err_set(err, "%s: path too long", s->o->out);
    else
        rc = atomic_write(dir_of_placements, strrchr(path, '/') + 1, put_text,
                          script, err);
    free(script);
    memset(e, 0, sizeof(*e));
    str_fmt(e->name, sizeof(e->name), "%s", r->name);
    e->path = path;
    e->deadline_s = PL_DEADLINE_S;
    return rc;
}

/* The next batch's runs: at most BATCH_PER_JOB per job, none past the
 * budget; 0 once the budget or the time is spent. */
static size_t batch_size(const struct search *s)
{
    size_t n = (size_t)s->o->jobs * BATCH_PER_JOB;
    if (s->o->time_s > 0 && now_s() - s->t0 >= s->o->time_s)
        return 0;
    if (s->o->budget > 0)
        n = s->target - s->log.n < n ? s->target - s->log.n : n;
    return n;
}

static int save(struct search *s, char **err)
{
    s->log.wall_s = s->resumed_s + (now_s() - s->t0);
    return explore_log_write(s->o->out, &s->log, err);
}

/* One batch through the suite.  Returns the suite's code (128 + N when
 * interrupted), or -1 with *err. */
static int run_batch(struct search *s, size_t n, char **err)
{
    struct suite_entry *e = calloc(n, sizeof(*e));
    char (*paths)[PATH_MAX] = calloc(n, PATH_MAX);
    int rc = -1;
    s->batch_first = s->log.n;
    uint64_t first = s->log.n ? s->log.runs[s->log.n - 1].index + 1 : 0;
    if (!e || !paths) {
        err_set(err, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < n; i++)
        if (prepare(s, first + i, &e[i], paths[i], PATH_MAX, err) < 0)
            goto out;
    char runs[PATH_MAX];
    str_fmt(runs, sizeof(runs), "%s/runs", s->o->out);
    struct suite_opts so = {
        .exe = s->o->exe, .reports = runs, .kernel = s->o->kernel,
        .jobs = s->o->jobs, .on_end = on_end, .ctx = s, .quiet = true,
    };
    rc = suite_run(e, n, &so);
out:
    free(e);
    free(paths);
    return rc;
}

/* Runs that never ended (an interrupted batch) leave the log. */
static void drop_unfinished(struct search *s)
{
    size_t kept = 0;
    for (size_t i = 0; i < s->log.n; i++) {
        if (s->log.runs[i].verdict[0])
            s->log.runs[kept++] = s->log.runs[i];
        else
            free(s->log.runs[i].placement);
    }
    s->log.n = kept;
}

/* Each class once, with its count and first run, in order of discovery. */
static void print_classes(const struct search *s)
{
    printf("%zu runs in %.0f s (%.1f runs/min); classes:\n", s->log.n,
           s->log.wall_s, s->log.wall_s > 0 ? 60.0 * s->log.n / s->log.wall_s : 0);
    for (size_t i = 0; i < s->log.n; i++) {
        const struct explore_run *r = &s->log.runs[i];
        size_t count = 0, first = i;
        for (size_t j = 0; j < s->log.n; j++) {
            if (strcmp(s->log.runs[j].cls, r->cls) != 0)
                continue;
            first = j < first ? j : first;
            count++;
        }
        if (first == i)
            printf("  %-60s %4zu  first %s\n", r->cls, count, r->name);
    }
}

static int found_fail_on(const struct search *s)
{
    for (size_t i = 0; s->o->fail_on && i < s->log.n; i++)
        if (explore_fail_on_match(s->o->fail_on, s->log.runs[i].cls))
            return 1;
    return 0;
}

static int start(struct search *s, char **err)
{
    char dir[PATH_MAX];
    if (str_fmt(dir, sizeof(dir), "%s/placements", s->o->out) < 0)
        return err_set(err, "%s: path too long", s->o->out);
    if (s->o->resume) {
        if (explore_log_read(s->o->out, &s->log, err) < 0)
            return -1;
        s->resumed_s = s->log.wall_s;
        printf("tpmfault explore: resuming seed %llu after %zu runs\n",
               (unsigned long long)s->log.seed, s->log.n);
    } else {
        s->log.seed = s->o->seed;
        str_fmt(s->log.kernel, sizeof(s->log.kernel), "%s",
                s->o->kernel ? s->o->kernel : "");
    }
    s->target = s->log.n + (s->o->budget ? s->o->budget : SIZE_MAX / 2 - s->log.n);
    return mkdir_p(dir, err);
}

int explore_search(const struct explore_opts *o)
{
    struct search s = { .o = o, .t0 = now_s() };
    char *err = NULL;
    int rc = start(&s, &err);
    size_t n;
    while (rc == 0 && (n = batch_size(&s)) > 0) {
        rc = run_batch(&s, n, &err);
        drop_unfinished(&s);
        if (rc >= 0 && save(&s, &err) < 0)
            rc = -1;
        if (rc >= 128)
            break;
        rc = rc < 0 ? -1 : 0;
    }
    if (rc < 0) {
        fprintf(stderr, "tpmfault explore: %s\n", err ? err : "failed");
        free(err);
        explore_log_free(&s.log);
        return 1;
    }
    print_classes(&s);
    printf("summary: %s/summary.json\n", o->out);
    if (rc == 0)
        rc = found_fail_on(&s);
    explore_log_free(&s.log);
    return rc;
}
