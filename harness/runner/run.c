#include "runner/run.h"

#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/ending.h"
#include "runner/fsutil.h"
#include "runner/proc.h"
#include "runner/reportdir.h"
#include "runner/run_ctx.h"
#include "runner/testhooks.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/mono.h"
#include "util/sig.h"
#include "util/str.h"
#include "verdict/facts.h"
#include "verdict/outcome.h"
#include "verdict/verdict.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

int run_stop_signal(void)
{
    return stop_signal;
}

void run_progress(struct run_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s %6.1fs] ", c->s->name, mono_now() - c->t0);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The first reason a run is broken is the one it keeps. */
void run_set_broken(struct run_ctx *c, const char *fmt, ...)
{
    if (c->out.broken[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->out.broken, sizeof(c->out.broken), fmt, ap);
    va_end(ap);
}


void run_path(const struct run_ctx *c, const char *name, char *buf,
                  size_t size)
{
    str_fmt(buf, size, "%s/%s", c->rundir, name);
}

static bool past_deadline(const struct run_ctx *c)
{
    return mono_now() >= c->deadline;
}

/* A SIGINT, SIGTERM or SIGHUP arrived: the run is broken, interrupted. */
bool run_interrupted(struct run_ctx *c)
{
    if (!stop_signal)
        return false;
    if (!c->signal) {
        c->signal = stop_signal;
        run_set_broken(c, "interrupted by %s", sig_name(stop_signal));
        run_progress(c, "%s: stopping the run", sig_name(stop_signal));
    }
    return true;
}

bool run_deadline_passed(struct run_ctx *c)
{
    if (!past_deadline(c))
        return false;
    if (!c->deadline_hit) {
        c->deadline_hit = true;
        c->out.guest_failed = !c->out.broken[0] && c->qemu >= 0;
        run_set_broken(c, "deadline of %u s passed (guest %s)", c->deadline_s,
                   c->qemu < 0 ? "not started" :
                   c->workload_done ? "finished its workload" :
                   c->booted ? "booted" : "never booted");
        run_progress(c, "deadline passed: stopping the run");
    }
    return true;
}


/* The guest's clock starts with its kernel: a mark's arrival on the host
 * minus its uptime is the kernel's start on the host's clock, late by
 * the time the line waited to be read.  The earliest estimate is the
 * closest. */
static void note_kernel_start(struct run_ctx *c, const char *args)
{
    struct ev_mark m;
    if (!evidence_parse_mark(args, &m))
        return;
    double start = mono_now() - m.uptime;
    if (!c->out.clock.kernel_start || start < c->out.clock.kernel_start)
        c->out.clock.kernel_start = start;
}

/* Announce the agent's phases as they arrive.  The capture is read from
 * where the last look ended; a line still being written is left for the
 * next look. */
static void scan_phases(struct run_ctx *c)
{
    if (!c->evidence) {
        char path[PATH_MAX];
        run_path(c, "evidence.txt", path, sizeof(path));
        if (!(c->evidence = fopen(path, "r")))
            return;
    }
    char line[512];
    for (;;) {
        long start = ftell(c->evidence);
        if (!fgets(line, sizeof(line), c->evidence))
            break;
        size_t n = strlen(line);
        if (n && line[n - 1] != '\n' && n < sizeof(line) - 1) {
            fseek(c->evidence, start, SEEK_SET);   /* partial: read it later */
            break;
        }
        if (strncmp(line, "TPMFAULT mark ", 14) == 0)
            note_kernel_start(c, line + 14);
        if (!c->booted && strncmp(line, "TPMFAULT phase booted", 21) == 0) {
            c->booted = true;
            run_progress(c, "guest booted");
        }
        if (strncmp(line, "TPMFAULT snapshot-ready", 23) == 0)
            c->snap.ready = true;
        if (!c->workload_done &&
            strncmp(line, "TPMFAULT phase workload-done", 28) == 0) {
            c->workload_done = true;
            run_progress(c, "workload done (%u files)", c->s->run.files);
        }
    }
    clearerr(c->evidence);
}

/* swtpm or the shim ended badly while QEMU still runs: the TPM's truth
 * is lost and the guest talks to a dead TPM, so the run ends now. */
static bool daemon_died(struct run_ctx *c)
{
    bool bad = false;
    for (int i = 0; i < c->g.n; i++)
        bad |= i != c->qemu && proc_ended_badly(&c->g.procs[i]);
    if (!bad)
        return false;
    usleep(100000);          /* the shim follows swtpm: name both */
    group_reap(&c->g);
    char reason[sizeof(c->out.broken)];
    ending_daemons(&c->g, c->qemu, "while the guest ran", reason, sizeof(reason));
    run_set_broken(c, "%s", reason);
    run_progress(c, "%s: stopping the run", reason);
    return true;
}

/* The shim ends on QEMU's CMD_SHUTDOWN (or its closed connection) once it
 * has read the TPM's truth, swtpm on the shutdown the shim forwards: up to
 * 5 s for both, and 1 s for swtpm once the shim is gone (after a QEMU that
 * died, no shutdown ever reaches swtpm). */
static void settle(struct run_ctx *c)
{
    double until = mono_now() + 5.0;
    bool shim_gone = false;
    while (group_any_running(&c->g) && mono_now() < until && !past_deadline(c) &&
           !run_interrupted(c)) {
        if (!shim_gone && !group_running(&c->g, c->shim)) {
            shim_gone = true;
            if (until > mono_now() + 1.0)
                until = mono_now() + 1.0;
        }
        usleep(20000);
    }
}

bool run_watch(struct run_ctx *c)
{
    if (run_interrupted(c) || run_deadline_passed(c) || daemon_died(c))
        return false;
    usleep(10000);    /* QEMU's exit and the marks seen within 10 ms */
    group_reap(&c->g);
    scan_phases(c);
    return true;
}

/* Until QEMU exits, a daemon dies, the deadline passes or a signal
 * arrives; then how QEMU and the daemons ended. */
static void wait_guest(struct run_ctx *c)
{
    while (group_running(&c->g, c->qemu))
        if (!run_watch(c))
            return;
    char buf[64], log[PATH_MAX], reason[sizeof(c->out.broken)];
    const struct proc *q = &c->g.procs[c->qemu];
    c->out.clock.qemu_exit = mono_now();
    scan_phases(c);                /* the marks that came since the last look */
    run_progress(c, "QEMU %s", proc_describe(q, buf, sizeof(buf)));
    run_path(c, "qemu.log", log, sizeof(log));
    if (ending_qemu(q, log, reason, sizeof(reason)))
        run_set_broken(c, "%s", reason);
    settle(c);
    if (c->swtpm >= 0)
        c->out.clock.daemons_done = mono_now();
    if (ending_daemons(&c->g, c->qemu, "after QEMU ended", reason, sizeof(reason)))
        run_set_broken(c, "%s", reason);
}

/* QEMU ended by itself but the agent did not finish: a kernel panic or
 * the evidence cut short, unless the scenario expects a dead guest. */
static void check_guest_end(struct run_ctx *c)
{
    char serial[PATH_MAX + 16], reason[sizeof(c->out.broken)];
    struct scn_expect e;
    scenario_expect_for(c->s, facts_kernel_series(&c->out), &e);
    if (c->out.broken[0] || c->qemu < 0 || group_running(&c->g, c->qemu) ||
        e.guest_alive == SCN_NO || c->snap.make)
        return;
    str_fmt(serial, sizeof(serial), "%s/serial.log", c->report_dir);
    if (ending_guest(&c->out.ev, c->out.have_evidence, serial, reason,
                     sizeof(reason))) {
        c->out.guest_failed = true;
        run_set_broken(c, "%s", reason);
    }
}

static void collect(struct run_ctx *c)
{
    static const char *const keep[] = { "serial.log", "trace.jsonl",
                                        "swtpm.log", "shim.log", "qemu.log",
                                        "evidence.txt", "swtpm-debug.log" };
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        char from[PATH_MAX], to[PATH_MAX + 64], *err = NULL;
        run_path(c, keep[i], from, sizeof(from));
        str_fmt(to, sizeof(to), "%s/%s", c->report_dir, keep[i]);
        if (file_exists(from) && copy_tree(from, to, &err) < 0) {
            fprintf(stderr, "tpmfault: %s\n", err);
            free(err);
        }
    }
    snapshot_collect(c);
    char ev[PATH_MAX + 32], *err = NULL;
    str_fmt(ev, sizeof(ev), "%s/evidence.txt", c->report_dir);
    if (file_exists(ev)) {
        if (evidence_decode(ev, c->report_dir, &c->out.ev, &err) == 0)
            c->out.have_evidence = true;
        else
            free(err);
    }
}

static int prepare_report_dir(struct run_ctx *c)
{
    const char *reports = c->o->reports;
    char def[PATH_MAX], *err = NULL;
    if (!reports) {
        str_fmt(def, sizeof(def), "%s/reports", c->o->root);
        reports = def;
    }
    if (str_fmt(c->report_dir, sizeof(c->report_dir), "%s/%s", reports,
                c->s->name) < 0) {
        fprintf(stderr, "tpmfault: %s: path too long\n", reports);
        return -1;
    }
    if (report_dir_fresh(c->report_dir, &err) < 0) {
        fprintf(stderr, "tpmfault: %s\n", err);
        free(err);
        return -1;
    }
    return 0;
}

static void run_processes(struct run_ctx *c)
{
    char *err = NULL;
    /* A short name: the unix sockets live here (108-byte path limit). */
    if (private_dir_create("tpmfault-run", c->rundir, sizeof(c->rundir), &err) < 0) {
        run_set_broken(c, "%s", err);
        free(err);
        return;
    }
    if (snapshot_prepare(c) < 0)
        goto end;
    if (c->s->run.tpm != SCN_TPM_ABSENT && run_start_tpm(c) < 0)
        goto end;
    c->out.clock.qemu_start = mono_now();
    if (run_start_qemu(c) < 0)
        goto end;
    run_progress(c, "guest started (kernel %s%s)", c->out.kernel_label,
                 c->snap.dir && !c->snap.make ? ", from the snapshot" : "");
    if (snapshot_started(c) == 0)
        wait_guest(c);
end:
    group_terminate(&c->g, 1000);
    if (c->evidence)
        fclose(c->evidence);
    snapshot_finish(c);
    collect(c);
    check_guest_end(c);
    if (!c->o->keep_rundir)
        tree_remove(c->rundir);
    else
        run_progress(c, "runtime directory kept: %s", c->rundir);
    c->out.clock.collected = mono_now();
}

enum verdict run_scenario(const struct scenario *s, const struct run_opts *o)
{
    struct run_ctx c = { .s = s, .o = o, .swtpm = -1, .shim = -1, .qemu = -1,
                         .snap = { .dir = o->snapshot, .make = o->make_snapshot,
                                   .go_fd = -1 } };
    c.kernel = o->kernel ? o->kernel : s->run.kernel[0] ? s->run.kernel : "6.1";
    c.deadline_s = o->deadline_s ? o->deadline_s : s->run.deadline_s;
    c.t0 = mono_now();
    c.out.clock.start = c.t0;
    c.out.clock.truth_read_s = -1;
    c.deadline = c.t0 + c.deadline_s;
    sig_install_stop(on_stop_signal);
    run_nonce_and_seed(&c);
    char *err = NULL;
    bool hooks_ok = test_hooks_read(&c.hooks, &err) == 0;
    if (!hooks_ok)
        run_set_broken(&c, "%s", err);
    free(err);
    const char *hook = c.hooks.guest;   /* one of the agent's names */
    /* A command line for a shell: the script's kernel text and the path
     * are quoted, never pasted as they are. */
    char qk[300], qp[PATH_MAX + 64], qs[PATH_MAX + 64] = "";
    str_shquote(qk, sizeof(qk), c.kernel);
    str_shquote(qp, sizeof(qp), s->path);
    if (o->snapshot)
        str_shquote(qs, sizeof(qs), o->snapshot);
    str_fmt(c.out.reproduce, sizeof(c.out.reproduce),
             "%s%s%sbin/tpmfault run --kernel %s --seed %llu %s%s%s%s",
             hook ? "TPMFAULT_TEST_HOOK=" : "", hook ? hook : "",
             hook ? " " : "", qk, (unsigned long long)c.out.seed,
             o->snapshot ? (o->make_snapshot ? "--make-snapshot " : "--from-snapshot ") : "",
             qs, o->snapshot ? " " : "", qp);
    if (prepare_report_dir(&c) < 0)
        return VERDICT_BROKEN;
    run_progress(&c, "seed %llu", (unsigned long long)c.out.seed);
    if (!c.out.broken[0] && run_check_requirements(&c) == 0)
        run_processes(&c);
    c.out.wall_s = mono_now() - c.t0;
    if (c.snap.make) {
        run_progress(&c, "%s", c.snap.saved ? "snapshot saved" : c.out.skip[0] ?
                     c.out.skip : c.out.broken[0] ? c.out.broken : "no snapshot");
        return c.snap.saved ? VERDICT_PASS : c.out.skip[0] ? VERDICT_SKIP : VERDICT_BROKEN;
    }
    enum verdict v = verdict_report(s, &c.out, c.report_dir);
    run_progress(&c, "verdict %s (report in %s)", verdict_name(v), c.report_dir);
    struct phases ph;
    char largest[160];
    phases_compute(&c.out.clock, &c.out.ev, mono_now(), &ph);
    phases_largest(&ph, 3, largest, sizeof(largest));
    run_progress(&c, "largest phases: %s", largest);
    return v;
}
