#include "runner/suite_child.h"

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "runner/fsutil.h"
#include "runner/reportdir.h"
#include "util/err.h"
#include "util/str.h"
#include "verdict/reportread.h"

#define TAIL_LINES 20
#define TAIL_BYTES 4096

/* While it runs, a child's log lives outside REPORTS/NAME, which
 * tpmfault run removes and recreates. */
static int running_log(const struct suite_opts *o, const struct suite_entry *e,
                       char *buf, size_t size)
{
    return str_fmt(buf, size, "%s/.running/%s.log", o->reports, e->name);
}

static int report_path(const struct suite_opts *o, const struct suite_entry *e,
                       const char *file, char *buf, size_t size)
{
    return str_fmt(buf, size, "%s/%s%s%s", o->reports, e->name,
                   file ? "/" : "", file ? file : "");
}

int child_start(struct suite_child *c, const struct suite_opts *o, char **err)
{
    char log[PATH_MAX], dir[PATH_MAX], running[PATH_MAX];
    if (running_log(o, c->e, log, sizeof(log)) < 0 ||
        report_path(o, c->e, NULL, dir, sizeof(dir)) < 0 ||
        str_fmt(running, sizeof(running), "%s/.running", o->reports) < 0)
        return err_set(err, "%s: path too long", o->reports);
    /* No report from an earlier suite may pass for this run's. */
    if (report_dir_clear(dir, err) < 0 || mkdir_p(running, err) < 0)
        return -1;
    unlink(log);
    char *argv[12];
    int n = 0;
    argv[n++] = (char *)o->exe;
    argv[n++] = "run";
    argv[n++] = "--reports";
    argv[n++] = (char *)o->reports;
    if (o->seed) {
        argv[n++] = "--seed";
        argv[n++] = (char *)o->seed;
    }
    if (o->kernel) {
        argv[n++] = "--kernel";
        argv[n++] = (char *)o->kernel;
    }
    if (c->e->snapshot) {
        argv[n++] = "--from-snapshot";
        argv[n++] = (char *)c->e->snapshot;
    }
    argv[n++] = (char *)c->e->path;
    argv[n] = NULL;
    memset(&c->g, 0, sizeof(c->g));
    return group_spawn(&c->g, c->e->name, argv, log, err) < 0 ? -1 : 0;
}

void child_signal(struct suite_child *c, int sig, double now, const char *why)
{
    if (c->g.pgid > 0)
        kill(-c->g.pgid, sig);
    if (!c->stopped[0])
        str_fmt(c->stopped, sizeof(c->stopped), "%s", why);
    c->phase = sig == SIGKILL ? CHILD_KILL_SENT : CHILD_TERM_SENT;
    c->phase_end = now + (sig == SIGKILL ? SUITE_KILL_GRACE_S : SUITE_TERM_GRACE_S);
}

/* REPORTS/.running/NAME.log to REPORTS/NAME/run.log; path receives
 * where the log is now. */
static void move_log(const struct suite_child *c, const struct suite_opts *o,
                     char *path, size_t size)
{
    char from[PATH_MAX], dir[PATH_MAX];
    running_log(o, c->e, from, sizeof(from));
    str_fmt(path, size, "%s", from);
    if (report_path(o, c->e, NULL, dir, sizeof(dir)) < 0 ||
        report_dir_ensure(dir, NULL) < 0 ||
        report_path(o, c->e, "run.log", path, size) < 0 ||
        rename(from, path) < 0)
        str_fmt(path, size, "%s", from);
}

/* The last TAIL_LINES lines of a log (at most TAIL_BYTES), or NULL. */
static char *log_tail(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char buf[TAIL_BYTES + 1];
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, size > TAIL_BYTES ? size - TAIL_BYTES : 0, SEEK_SET);
    size_t n = fread(buf, 1, TAIL_BYTES, f);
    fclose(f);
    while (n && buf[n - 1] == '\n')
        n--;
    buf[n] = '\0';
    const char *start = buf;
    int lines = 0;
    for (size_t i = n; i-- > 0;) {
        if (buf[i] == '\n' && ++lines == TAIL_LINES) {
            start = buf + i + 1;
            break;
        }
    }
    return n ? strdup(start) : NULL;
}

static void reproduce_line(const struct suite_entry *e, const struct suite_opts *o,
                           struct suite_result *r)
{
    char buf[3 * PATH_MAX], qk[PATH_MAX], qp[PATH_MAX + 64];
    /* for a shell: the kernel and the path quoted (str_shquote) */
    str_shquote(qk, sizeof(qk), o->kernel ? o->kernel : "");
    str_shquote(qp, sizeof(qp), e->path);
    str_fmt(buf, sizeof(buf), "bin/tpmfault run%s%s%s%s %s",
            o->kernel ? " --kernel " : "", o->kernel ? qk : "",
            o->seed ? " --seed " : "", o->seed ? o->seed : "", qp);
    r->reproduce = strdup(buf);
}

static void set_broken(struct suite_result *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_broken(struct suite_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *reason = NULL;
    if (vasprintf(&reason, fmt, ap) < 0)
        reason = NULL;
    va_end(ap);
    free(r->reason);
    r->reason = reason;
    r->verdict = VERDICT_BROKEN;
}

/* The verdict: the report's, unless the suite stopped the run, or the
 * run left no report, or its exit status says something else. */
static void judge(const struct suite_child *c, struct suite_result *r,
                  bool have_report, const char *report_err)
{
    char how[64];
    const struct proc *p = &c->g.procs[0];
    if (p->running)
        str_fmt(how, sizeof(how), "still running");
    else
        proc_describe(p, how, sizeof(how));
    if (c->stopped[0])
        set_broken(r, "%s (tpmfault run %s)", c->stopped, how);
    else if (!have_report && !report_err)
        set_broken(r, "tpmfault run %s without a report.json", how);
    else if (!have_report)
        set_broken(r, "tpmfault run %s; its report is unreadable: %s", how,
                   report_err);
    else if (!WIFEXITED(p->status) || WEXITSTATUS(p->status) != (int)r->verdict)
        set_broken(r, "tpmfault run %s, but its report says %s", how,
                   verdict_name(r->verdict));
}

void child_finish(struct suite_child *c, const struct suite_opts *o,
                  double now, struct suite_result *r)
{
    char log[PATH_MAX], report[PATH_MAX], *err = NULL;
    memset(r, 0, sizeof(*r));
    str_fmt(r->name, sizeof(r->name), "%s", c->e->name);
    r->path = c->e->path;
    r->wall_s = now - c->t0;
    move_log(c, o, log, sizeof(log));
    bool have = report_path(o, c->e, "report.json", report, sizeof(report)) == 0 &&
                file_exists(report) && report_read(report, r, &err) == 0;
    judge(c, r, have, err);
    free(err);
    if (r->verdict == VERDICT_BROKEN)
        r->log_tail = log_tail(log);
    if (!r->reproduce)
        reproduce_line(c->e, o, r);
    if (!r->seed[0] && o->seed)
        str_fmt(r->seed, sizeof(r->seed), "%s", o->seed);
}
