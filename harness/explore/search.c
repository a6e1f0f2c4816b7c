#include "explore/search.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/index.h"
#include "explore/judge.h"
#include "explore/placement.h"
#include "explore/record.h"
#include "explore/snapshot.h"
#include "explore/runfacts.h"
#include "explore/shrink.h"
#include "runner/fsutil.h"
#include "runner/suite.h"
#include "util/err.h"
#include "util/mono.h"
#include "util/str.h"
#include "verdict/summary.h"

/* Placements per suite call: summary.json is rewritten between batches. */
#define BATCH_PER_JOB 4

struct search {
    const struct explore_opts *o;
    struct explore_log log;
    size_t batch_first;         /* log index of the batch's first run */
    size_t target;              /* runs the search will have when done */
    double t0, resumed_s;
    struct explore_snap snap;
};

/* The run's facts, judged: its invariants and class, or why not. */
static void judge(struct search *s, struct explore_run *r)
{
    char dir[PATH_MAX];
    char *why = NULL;
    struct run_facts rf;
    str_fmt(dir, sizeof(dir), "%s/runs/%s", s->o->out, r->name);
    bool judged = explore_judge(dir, r->verdict, &rf, r->cls, sizeof(r->cls), &why) == 0;
    for (size_t i = 0; i < n_invariants; i++)
        r->inv[i] = judged ? invariants[i].check(&rf) : INV_UNKNOWN;
    if (!judged)
        str_fmt(r->problem, sizeof(r->problem), "%s", why ? why : "no report");
    free(why);
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

/* Write placement index's script; fill its log slot and suite entry. */
static int prepare(struct search *s, uint64_t index, struct suite_entry *e,
                   char *path, size_t path_size, char **err)
{
    char dir[PATH_MAX], desc[128];
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
    str_fmt(desc, sizeof(desc), "explore seed %llu placement %llu",
            (unsigned long long)s->log.seed, (unsigned long long)index);
    memset(e, 0, sizeof(*e));
    str_fmt(e->name, sizeof(e->name), "%s", r->name);
    e->path = path;
    e->deadline_s = PL_DEADLINE_S;
    if (!r->placement)
        return err_set(err, "out of memory");
    str_fmt(dir, sizeof(dir), "%s/placements", s->o->out);
    if (explore_write_script(dir, r->name, &p, desc, path, path_size, err) < 0)
        return -1;
    e->snapshot = explore_snapshot_for(&s->snap, path);
    return 0;
}

/* --time is spent: no run starts any more. */
static bool time_spent(const struct search *s)
{
    return s->o->time_s > 0 && mono_now() - s->t0 >= s->o->time_s;
}

/* The next batch's runs: at most BATCH_PER_JOB per job, none past the
 * budget; 0 once the budget or the time is spent. */
static size_t batch_size(const struct search *s)
{
    size_t n = (size_t)s->o->jobs * BATCH_PER_JOB;
    if (time_spent(s))
        return 0;
    if (s->o->budget > 0)
        n = s->target - s->log.n < n ? s->target - s->log.n : n;
    return n;
}

static int save(struct search *s, char **err)
{
    s->log.wall_s = s->resumed_s + (mono_now() - s->t0);
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
        /* --time is checked before every run starts, not between batches */
        .start_until = s->o->time_s > 0 ? s->t0 + s->o->time_s : 0,
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
    if (s->log.stopped && !strcmp(s->log.stopped, "time"))
        printf("stopped on time: no run started after --time %.0f s; the runs in "
               "flight finished\n", s->o->time_s);
    printf("%zu runs in %.0f s (%.1f runs/min); classes:\n", s->log.n,
           s->log.wall_s, s->log.wall_s > 0 ? 60.0 * s->log.n / s->log.wall_s : 0);
    for (size_t i = 0; i < s->log.n; i++) {
        bool first;
        size_t count = explore_class_count(&s->log, i, &first);
        if (first)
            printf("  %-60s %4zu  first %s\n", s->log.runs[i].cls, count,
                   s->log.runs[i].name);
    }
}

/* A class worth a script: something violated, and the run judged. */
static bool shrinkable(const char *cls)
{
    const char *invs = strchr(cls, '.');
    return invs && strcmp(invs, ".ok") != 0;
}

/* The first run of each class shrunk and written to o->found; sh[] gets
 * one entry per script written. */
static int shrink_classes(struct search *s, struct shrunk *sh, size_t max, size_t *n_sh)
{
    for (size_t i = 0; i < s->log.n && s->o->shrink_runs && *n_sh < max; i++) {
        const struct explore_run *r = &s->log.runs[i];
        bool first;
        explore_class_count(&s->log, i, &first);
        if (!first || !shrinkable(r->cls))
            continue;
        char dir[PATH_MAX], cls[256], origin[160];
        char *err = NULL;
        struct run_facts rf;
        struct placement p;
        struct shrunk *out = &sh[*n_sh];
        str_fmt(dir, sizeof(dir), "%s/runs/%s", s->o->out, r->name);
        if (explore_judge(dir, r->verdict, &rf, cls, sizeof(cls), &err) < 0) {
            free(err);
            continue;
        }
        placement_make(s->log.seed, r->index, &p);
        str_fmt(origin, sizeof(origin), "tpmfault explore --seed %llu: placement %llu (%s)",
                (unsigned long long)s->log.seed, (unsigned long long)r->index, r->name);
        int rc = explore_shrink(s->o, &p, r->cls, &rf, origin, out->path, sizeof(out->path),
                                out->verdict, sizeof(out->verdict), &err);
        if (rc != 0) {
            if (rc < 0)
                fprintf(stderr, "tpmfault explore: shrinking %s: %s\n", r->cls, err);
            free(err);
            return rc;
        }
        str_fmt(out->cls, sizeof(out->cls), "%s", r->cls);
        ++*n_sh;
        printf("shrunk %s -> %s (as it stands: %s)\n", r->cls, out->path, out->verdict);
        fflush(stdout);
    }
    return 0;
}

/* Shrink, then index.html. */
static int conclude(struct search *s)
{
    static struct shrunk sh[64];
    size_t n_sh = 0;
    char *err = NULL;
    int rc = shrink_classes(s, sh, sizeof(sh) / sizeof(sh[0]), &n_sh);
    if (rc < 128 && explore_index_write(s->o->out, &s->log, sh, n_sh, &err) < 0) {
        fprintf(stderr, "tpmfault explore: %s\n", err);
        free(err);
        rc = rc ? rc : -1;
    }
    if (rc < 128)
        printf("index: %s/index.html\n", s->o->out);
    return rc;
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
    struct search s = { .o = o, .t0 = mono_now() };
    char *err = NULL;
    int rc = start(&s, &err);
    if (rc == 0 && (rc = explore_snapshot_init(o, &s.snap)) >= 128) {
        explore_log_free(&s.log);
        return rc;
    }
    size_t n;
    while (rc == 0 && (n = batch_size(&s)) > 0) {
        rc = run_batch(&s, n, &err);
        drop_unfinished(&s);
        if (rc >= 0 && save(&s, &err) < 0)
            rc = -1;
        if (rc >= 128)
            break;
        /* a batch where no run ended would come again forever, unless the
         * time is spent (then none started, and the loop ends) */
        if (rc >= 0 && s.log.n == s.batch_first && !time_spent(&s))
            rc = err_set(&err, "no run of the batch ended (the suite said why above)");
        rc = rc < 0 ? -1 : 0;
    }
    s.log.stopped = rc >= 128 ? "signal" : time_spent(&s) ? "time" : "budget";
    if (rc >= 0 && save(&s, &err) < 0)
        rc = -1;
    if (rc < 0) {
        fprintf(stderr, "tpmfault explore: %s\n", err ? err : "failed");
        free(err);
        explore_log_free(&s.log);
        return 1;
    }
    print_classes(&s);
    if (s.snap.ok)
        printf("%u runs started from the snapshot %s, %u booted\n", s.snap.used,
               s.snap.dir, s.snap.fresh);
    printf("summary: %s/summary.json\n", o->out);
    if (rc == 0)
        rc = conclude(&s);
    if (rc == 0)
        rc = found_fail_on(&s);
    else if (rc < 128)
        rc = 1;
    explore_log_free(&s.log);
    return rc;
}
