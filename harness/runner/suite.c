#include "runner/suite.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "runner/orphans.h"
#include "runner/proc.h"
#include "runner/suite_child.h"
#include "util/mono.h"
#include "util/sig.h"
#include "util/str.h"
#include "verdict/summary.h"

static volatile sig_atomic_t stop_signal, stop_count;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
    stop_count++;
}

struct suite {
    const struct suite_entry *e;
    size_t n;
    const struct suite_opts *o;
    struct suite_child *slots;    /* o->jobs of them */
    struct suite_result *res;     /* res[i] for entry i, once it ended */
    size_t started, finished;
    bool stopping;                /* a signal came: start nothing more */
    double t0;
};

static struct suite_child *free_slot(struct suite *s)
{
    for (unsigned i = 0; i < s->o->jobs; i++)
        if (!s->slots[i].e)
            return &s->slots[i];
    return NULL;
}

/* pids of the runs still going: the children that are not orphans. */
static size_t running_pids(const struct suite *s, pid_t *out)
{
    size_t n = 0;
    for (unsigned i = 0; i < s->o->jobs; i++)
        if (s->slots[i].e && s->slots[i].g.n)
            out[n++] = s->slots[i].g.procs[0].pid;
    return n;
}

static void clean_orphans(const struct suite *s)
{
    pid_t keep[SUITE_JOBS_MAX];
    size_t left = orphans_reap(keep, running_pids(s, keep), 5000);
    if (left)
        fprintf(stderr, "tpmfault suite: %zu processes a killed run left "
                "behind would not die\n", left);
}

static void print_end(const struct suite *s, size_t i)
{
    const struct suite_result *r = &s->res[i];
    if (s->o->on_end)
        s->o->on_end(r, i, s->o->ctx);
    if (s->o->quiet)
        return;
    printf("[%zu/%zu] %s: %s (%.1f s)", i + 1, s->n, r->name,
           verdict_name(r->verdict), r->wall_s);
    if (r->verdict != VERDICT_PASS && r->reason)
        printf(" — %s", r->reason);
    putchar('\n');
    fflush(stdout);
}

static void finish(struct suite *s, struct suite_child *c)
{
    child_finish(c, s->o, mono_now(), &s->res[c->index]);
    const struct proc *p = &c->g.procs[0];
    bool killed = c->stopped[0] || p->running || WIFSIGNALED(p->status);
    c->e = NULL;
    s->finished++;
    print_end(s, c->index);
    if (killed)
        clean_orphans(s);
}

/* A run that could not even start is broken at once. */
static void start_failed(struct suite *s, struct suite_child *c, char *err)
{
    struct suite_result *r = &s->res[c->index];
    memset(r, 0, sizeof(*r));
    str_fmt(r->name, sizeof(r->name), "%s", c->e->name);
    r->path = c->e->path;
    r->verdict = VERDICT_BROKEN;
    r->reason = err;
    c->e = NULL;
    s->finished++;
    print_end(s, c->index);
}

static void start_next(struct suite *s, struct suite_child *c)
{
    size_t i = s->started++;
    char *err = NULL;
    memset(c, 0, sizeof(*c));
    c->e = &s->e[i];
    c->index = i;
    c->t0 = mono_now();
    c->deadline = c->t0 + c->e->deadline_s + SUITE_EXTRA_S;
    if (!s->o->quiet) {
        printf("[%zu/%zu] %s: started\n", i + 1, s->n, c->e->name);
        fflush(stdout);
    }
    if (child_start(c, s->o, &err) < 0)
        start_failed(s, c, err);
}

/* Reap the child, or move it along its deadline: SIGTERM, SIGKILL,
 * abandon (a process stuck in the kernel must not hang the suite). */
static void tick(struct suite *s, struct suite_child *c)
{
    char why[128];
    double now = mono_now();
    group_reap(&c->g);
    if (!group_running(&c->g, 0) ||
        (c->phase == CHILD_KILL_SENT && now >= c->phase_end)) {
        if (group_running(&c->g, 0))
            str_fmt(c->stopped, sizeof(c->stopped), "did not die on SIGKILL");
        finish(s, c);
    } else if (c->phase == CHILD_RUNNING && now >= c->deadline) {
        str_fmt(why, sizeof(why), "the suite's deadline of %u s passed",
                c->e->deadline_s + SUITE_EXTRA_S);
        child_signal(c, SIGTERM, now, why);
    } else if (c->phase == CHILD_TERM_SENT && now >= c->phase_end) {
        child_signal(c, SIGKILL, now, "it did not end after SIGTERM");
    }
}

/* Forward the first signal to every run; a second one kills them. */
static void on_stop(struct suite *s)
{
    char why[64];
    int sig = stop_signal;
    str_fmt(why, sizeof(why), "interrupted by %s", sig_name(sig));
    for (unsigned i = 0; i < s->o->jobs; i++) {
        struct suite_child *c = &s->slots[i];
        if (!c->e)
            continue;
        if (!s->stopping && c->phase == CHILD_RUNNING)
            child_signal(c, sig, mono_now(), why);
        else if (stop_count > 1 && c->phase != CHILD_KILL_SENT)
            child_signal(c, SIGKILL, mono_now(), why);
    }
    if (!s->stopping)
        printf("tpmfault suite: %s; waiting for %zu runs to end "
               "(again to kill them)\n", why, s->started - s->finished);
    fflush(stdout);
    s->stopping = true;
}

/* Another run may start: entries left, no signal, not past start_until. */
static bool may_start(const struct suite *s)
{
    return !s->stopping && s->started < s->n &&
           (s->o->start_until <= 0 || mono_now() < s->o->start_until);
}

static void loop(struct suite *s)
{
    struct timespec tick_len = { 0, 50 * 1000 * 1000 };
    int seen_stops = 0;
    while (s->finished < s->started || may_start(s)) {
        if (stop_count != seen_stops) {
            seen_stops = stop_count;
            on_stop(s);
        }
        struct suite_child *c;
        while (may_start(s) && (c = free_slot(s)))
            start_next(s, c);
        for (unsigned i = 0; i < s->o->jobs; i++)
            if (s->slots[i].e)
                tick(s, &s->slots[i]);
        if (s->finished < s->started)
            nanosleep(&tick_len, NULL);
    }
}

/* The summary files and the summary on stdout: rc, or 1 when the files
 * could not be written. */
static int summarise(struct suite *s, int rc)
{
    struct suite_info info = {
        .shard = s->o->shard,
        .jobs = s->o->jobs,
        .wall_s = mono_now() - s->t0,
        .interrupted = stop_count > 0,
        .not_run = s->n - s->started,
    };
    char *err = NULL;
    if (summary_write_files(s->o->reports, s->res, s->started, &info, &err) < 0) {
        fprintf(stderr, "tpmfault suite: %s\n", err);
        free(err);
        rc = 1;
    }
    summary_print(stdout, s->res, s->started, &info);
    printf("reports: %s/ (summary.json, junit.xml, summary.tap, index.html; NAME/ for each "
           "scenario)\n", s->o->reports);
    return rc;
}

static int conclude(struct suite *s)
{
    int rc = suite_exit_code(s->res, s->started);
    if (!s->o->quiet)
        rc = summarise(s, rc);
    return stop_count ? 128 + stop_signal : rc;
}

int suite_run(const struct suite_entry *e, size_t n, const struct suite_opts *o)
{
    struct suite s = { .e = e, .n = n, .o = o, .t0 = mono_now() };
    char *err = NULL;
    char running[4096];
    if (mkdir_p(o->reports, &err) < 0) {
        fprintf(stderr, "tpmfault suite: %s\n", err);
        free(err);
        return 1;
    }
    s.slots = calloc(o->jobs, sizeof(*s.slots));
    s.res = calloc(n ? n : 1, sizeof(*s.res));
    if (!s.slots || !s.res) {
        free(s.slots);
        free(s.res);
        fprintf(stderr, "tpmfault suite: out of memory\n");
        return 1;
    }
    sig_install_stop(on_stop_signal);
    if (orphans_adopt() < 0)
        perror("tpmfault suite: PR_SET_CHILD_SUBREAPER");
    loop(&s);
    clean_orphans(&s);
    if (str_fmt(running, sizeof(running), "%s/.running", o->reports) == 0)
        rmdir(running);
    int rc = conclude(&s);
    for (size_t i = 0; i < s.started; i++)
        suite_result_free(&s.res[i]);
    free(s.res);
    free(s.slots);
    return rc;
}
