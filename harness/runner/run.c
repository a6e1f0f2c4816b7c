#include "runner/run.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/ending.h"
#include "runner/fsutil.h"
#include "runner/outcome.h"
#include "runner/proc.h"
#include "runner/testhooks.h"
#include "runner/verdict.h"
#include "tpm/alg.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/str.h"
#include "util/sig.h"

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

struct run_ctx {
    const struct scenario *s;
    const struct run_opts *o;
    struct run_outcome out;
    const char *kernel;       /* --kernel, else the script's, else 6.1 */
    unsigned deadline_s;      /* --deadline, else the script's */
    FILE *evidence;           /* the agent's capture, read as it grows */
    bool booted, workload_done;
    char rundir[256];
    char report_dir[PATH_MAX];
    char kernel_path[PATH_MAX];
    char initramfs[PATH_MAX];
    char template_dir[PATH_MAX];
    struct test_hooks hooks;
    struct group g;
    int swtpm, shim, qemu;    /* indexes in g, -1 until started */
    double t0;
    double deadline;
};

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_PASS: return "pass";
    case VERDICT_FAIL: return "fail";
    case VERDICT_SKIP: return "skip";
    default: return "broken";
    }
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void progress(struct run_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void progress(struct run_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "[%s %6.1fs] ", c->s->name, now_s() - c->t0);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* The first reason a run is broken is the one it keeps. */
static void set_broken(struct run_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_broken(struct run_ctx *c, const char *fmt, ...)
{
    if (c->out.broken[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->out.broken, sizeof(c->out.broken), fmt, ap);
    va_end(ap);
}

static void read_first_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(buf, (int)size, f))
        buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* A series name maps to the cached Debian kernel; anything with a slash or
 * an existing file is a user's bzImage. */
static int resolve_kernel(struct run_ctx *c, const char *k)
{
    if (strchr(k, '/') || file_exists(k)) {
        if (!realpath(k, c->kernel_path))
            return str_fmt(c->out.skip, sizeof(c->out.skip),
                            "kernel %s: %s", k, strerror(errno)), -1;
        str_fmt(c->out.kernel_label, sizeof(c->out.kernel_label), "%s",
                 c->kernel_path);
        return 0;
    }
    char pkg[200];
    str_fmt(c->kernel_path, sizeof(c->kernel_path), "%s/cache/kernel/%s/vmlinuz",
             c->o->root, k);
    char pkgfile[PATH_MAX];
    str_fmt(pkgfile, sizeof(pkgfile), "%s/cache/kernel/%s/package", c->o->root, k);
    /* A script's text is suggested as a make command only when it can be
     * pasted as it is (a Makefile recipe would expand $(...) in it). */
    if (!file_exists(c->kernel_path)) {
        if (str_shell_word(k))
            str_fmt(c->out.skip, sizeof(c->out.skip), "kernel %s is not "
                    "fetched (run: make kernel KERNEL=%s)", k, k);
        else
            str_fmt(c->out.skip, sizeof(c->out.skip), "kernel '%s' is no "
                    "series name and no file", k);
        return -1;
    }
    read_first_line(pkgfile, pkg, sizeof(pkg));
    str_fmt(c->out.kernel_label, sizeof(c->out.kernel_label), "%s (%s)", k, pkg);
    return 0;
}

/* "sha1,sha256": the template directory's name for a bank set. */
static void banks_string(unsigned mask, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(mask & (1u << b)))
            continue;
        if (buf[0])
            strncat(buf, ",", size - strlen(buf) - 1);
        strncat(buf, alg_by_bank((enum bank)b)->name, size - strlen(buf) - 1);
    }
}

static bool on_path(const char *prog)
{
    const char *path = getenv("PATH");
    char dir[PATH_MAX];
    while (path && *path) {
        size_t n = strcspn(path, ":");
        str_fmt(dir, sizeof(dir), "%.*s/%s", (int)n, path, prog);
        if (access(dir, X_OK) == 0)
            return true;
        path += n + (path[n] == ':');
    }
    return false;
}

/* Everything a run needs must exist before anything starts. */
static int check_requirements(struct run_ctx *c)
{
    if (resolve_kernel(c, c->kernel) < 0)
        return -1;
    str_fmt(c->initramfs, sizeof(c->initramfs), "%s",
             c->o->initramfs ? c->o->initramfs : "");
    if (!c->initramfs[0])
        str_fmt(c->initramfs, sizeof(c->initramfs),
                 "%s/build/initramfs.cpio.gz", c->o->root);
    if (!file_exists(c->initramfs))
        return str_fmt(c->out.skip, sizeof(c->out.skip),
                        "%s missing (run: make initramfs)", c->initramfs), -1;
    const char *progs[] = { "qemu-system-x86_64", "swtpm" };
    for (size_t i = 0; i < 2; i++)
        if (!on_path(progs[i]))
            return str_fmt(c->out.skip, sizeof(c->out.skip),
                            "%s not installed (run: make deps)", progs[i]), -1;
    char banks[64];
    banks_string(c->s->run.banks, banks, sizeof(banks));
    /* A missing template is made on first use (ensure_template). */
    str_fmt(c->template_dir, sizeof(c->template_dir),
             "%s/cache/tpm-template/%s", c->o->root, banks);
    return 0;
}

static void rpath(const struct run_ctx *c, const char *name, char *buf,
                  size_t size)
{
    str_fmt(buf, size, "%s/%s", c->rundir, name);
}

static bool past_deadline(const struct run_ctx *c)
{
    return now_s() >= c->deadline;
}

/* A SIGINT, SIGTERM or SIGHUP arrived: the run is broken, interrupted. */
static bool interrupted(struct run_ctx *c)
{
    if (!stop_signal)
        return false;
    if (!c->out.signal) {
        c->out.signal = stop_signal;
        set_broken(c, "interrupted by %s", sig_name(stop_signal));
        progress(c, "%s: stopping the run", sig_name(stop_signal));
    }
    return true;
}

static bool deadline_passed(struct run_ctx *c)
{
    if (!past_deadline(c))
        return false;
    if (!c->out.deadline_hit) {
        c->out.deadline_hit = true;
        set_broken(c, "deadline of %u s passed (guest %s)", c->deadline_s,
                   c->qemu < 0 ? "not started" :
                   c->workload_done ? "finished its workload" :
                   c->booted ? "booted" : "never booted");
        progress(c, "deadline passed: stopping the run");
    }
    return true;
}

/* A TPM state template for other bank sets is made on first use. */
static int ensure_template(struct run_ctx *c)
{
    char state[PATH_MAX + 32];
    str_fmt(state, sizeof(state), "%s/tpm2-00.permall", c->template_dir);
    if (file_exists(state))   /* renamed into place whole (tpm-template.sh) */
        return 0;
    char script[PATH_MAX], dir[PATH_MAX], log[PATH_MAX];
    str_fmt(script, sizeof(script), "%s/scripts/tpm-template.sh", c->o->root);
    str_fmt(dir, sizeof(dir), "%s/cache/tpm-template", c->o->root);
    const char *banks = strrchr(c->template_dir, '/') + 1;
    rpath(c, "tpm-template.log", log, sizeof(log));
    char *argv[] = { script, dir, (char *)banks, NULL };
    struct group g = { 0 };
    char *err = NULL;
    if (group_spawn(&g, "tpm-template", argv, log, &err) < 0) {
        set_broken(c, "%s", err);
        free(err);
        return -1;
    }
    while (group_running(&g, 0) && !interrupted(c) && !deadline_passed(c)) {
        usleep(20000);
        group_reap(&g);
    }
    group_terminate(&g, 500);
    if (!file_exists(c->template_dir)) {
        set_broken(c, "could not make the TPM state template (see %s)", log);
        return -1;
    }
    return 0;
}

/* swtpm, the shim and QEMU make their files and sockets 0600 (umask 077):
 * private even inside the private runtime directory. */
static int spawn(struct run_ctx *c, const char *name, char *const argv[])
{
    char log[PATH_MAX], *err = NULL;
    str_fmt(log, sizeof(log), "%s/%s.log", c->rundir, name);
    mode_t old = umask(077);
    int idx = group_spawn(&c->g, name, argv, log, &err);
    umask(old);
    if (idx < 0) {
        set_broken(c, "%s", err);
        free(err);
    }
    return idx;
}

/* Wait for a daemon's socket; broken if it died, the deadline passed or
 * a signal came. */
static int await_socket(struct run_ctx *c, int idx, const char *sock)
{
    while (!file_exists(sock)) {
        group_reap(&c->g);
        if (interrupted(c) || deadline_passed(c))
            return -1;
        if (!group_running(&c->g, idx)) {
            char how[64];
            const struct proc *p = &c->g.procs[idx];
            set_broken(c, "%s %s before it created %s (see %s.log)", p->name,
                       proc_describe(p, how, sizeof(how)), sock, p->name);
            return -1;
        }
        usleep(10000);
    }
    return 0;
}

static int start_tpm(struct run_ctx *c)
{
    char state[PATH_MAX], sock[PATH_MAX], shim[PATH_MAX], trace[PATH_MAX];
    char tpmstate[PATH_MAX + 16], ctrl[PATH_MAX + 32], log[PATH_MAX + 32];
    char shimbin[PATH_MAX], *err = NULL;
    rpath(c, "tpmstate", state, sizeof(state));
    rpath(c, "swtpm.sock", sock, sizeof(sock));
    rpath(c, "shim.sock", shim, sizeof(shim));
    rpath(c, "trace.jsonl", trace, sizeof(trace));
    if (ensure_template(c) < 0)
        return -1;
    if (copy_tree(c->template_dir, state, &err) < 0) {
        set_broken(c, "%s", err);
        free(err);
        return -1;
    }
    str_fmt(tpmstate, sizeof(tpmstate), "dir=%s", state);
    str_fmt(ctrl, sizeof(ctrl), "type=unixio,path=%s,mode=0600", sock);
    str_fmt(log, sizeof(log), "file=%s/swtpm-debug.log,level=1", c->rundir);
    char *swtpm[] = { "swtpm", "socket", "--tpm2", "--tpmstate", tpmstate,
                      "--ctrl", ctrl, "--log", log, NULL };
    c->swtpm = spawn(c, "swtpm", swtpm);
    if (c->swtpm < 0 || await_socket(c, c->swtpm, sock) < 0)
        return -1;
    str_fmt(shimbin, sizeof(shimbin), "%s/bin/tpmfault-shim", c->o->root);
    char seed[32];
    str_fmt(seed, sizeof(seed), "%llu", (unsigned long long)c->out.seed);
    char *shimargv[TEST_WRAPPER_MAX + 12];
    int n = 0;
    for (int i = 0; i < c->hooks.n_wrapper; i++)   /* e.g. valgrind */
        shimargv[n++] = c->hooks.wrapper[i];
    char *own[] = { shimbin, "--listen", shim, "--swtpm-ctrl", sock,
                    "--trace", trace, "--scenario", (char *)c->s->path,
                    "--seed", seed, NULL };
    memcpy(shimargv + n, own, sizeof(own));
    c->shim = spawn(c, "shim", shimargv);
    if (c->shim < 0 || await_socket(c, c->shim, shim) < 0)
        return -1;
    return 0;
}

static int start_qemu(struct run_ctx *c)
{
    char append[512], serial0[PATH_MAX + 8], serial1[PATH_MAX + 8];
    char chardev[PATH_MAX + 32], banks[64];
    banks_string(c->s->run.banks, banks, sizeof(banks));
    /* panic=-1 with -no-reboot: a guest kernel panic ends QEMU at once. */
    str_fmt(append, sizeof(append),
             "console=ttyS0 panic=-1 tpmfault.nonce=%s tpmfault.files=%u "
             "tpmfault.pause_ms=%u tpmfault.banks=%s%s%s", c->out.nonce_hex,
             c->s->run.files, c->s->run.pause_ms, banks,
             c->hooks.guest ? " tpmfault.hook=" : "",
             c->hooks.guest ? c->hooks.guest : "");
    str_fmt(serial0, sizeof(serial0), "file:%s/serial.log", c->rundir);
    str_fmt(serial1, sizeof(serial1), "file:%s/evidence.txt", c->rundir);
    str_fmt(chardev, sizeof(chardev), "socket,id=chrtpm,path=%s/shim.sock",
             c->rundir);
    char *argv[40];
    int n = 0;
    const char *fixed[] = { "qemu-system-x86_64", "-accel", "tcg", "-m", "512",
                            "-smp", "1", "-nodefaults", "-display", "none",
                            "-no-reboot", "-kernel", c->kernel_path, "-initrd",
                            c->initramfs, "-append", append, "-serial", serial0,
                            "-serial", serial1 };
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        argv[n++] = (char *)fixed[i];
    if (c->s->run.tpm != SCN_TPM_ABSENT) {
        const char *tpm[] = { "-chardev", chardev, "-tpmdev",
                              "emulator,id=tpm0,chardev=chrtpm", "-device",
                              "tpm-tis,tpmdev=tpm0" };
        for (size_t i = 0; i < sizeof(tpm) / sizeof(tpm[0]); i++)
            argv[n++] = (char *)tpm[i];
    }
    argv[n] = NULL;
    c->qemu = spawn(c, "qemu", argv);
    return c->qemu < 0 ? -1 : 0;
}

/* Announce the agent's phases as they arrive.  The capture is read from
 * where the last look ended; a line still being written is left for the
 * next look. */
static void scan_phases(struct run_ctx *c)
{
    if (!c->evidence) {
        char path[PATH_MAX];
        rpath(c, "evidence.txt", path, sizeof(path));
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
        if (!c->booted && strncmp(line, "TPMFAULT phase booted", 21) == 0) {
            c->booted = true;
            progress(c, "guest booted");
        }
        if (!c->workload_done &&
            strncmp(line, "TPMFAULT phase workload-done", 28) == 0) {
            c->workload_done = true;
            progress(c, "workload done (%u files)", c->s->run.files);
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
    set_broken(c, "%s", reason);
    progress(c, "%s: stopping the run", reason);
    return true;
}

/* The shim ends on QEMU's CMD_SHUTDOWN (or its closed connection) once it
 * has read the TPM's truth, swtpm on the shutdown the shim forwards: up to
 * 5 s for both, and 1 s for swtpm once the shim is gone (after a QEMU that
 * died, no shutdown ever reaches swtpm). */
static void settle(struct run_ctx *c)
{
    double until = now_s() + 5.0;
    bool shim_gone = false;
    while (group_any_running(&c->g) && now_s() < until && !past_deadline(c) &&
           !interrupted(c)) {
        if (!shim_gone && !group_running(&c->g, c->shim)) {
            shim_gone = true;
            if (until > now_s() + 1.0)
                until = now_s() + 1.0;
        }
        usleep(20000);
    }
}

/* Until QEMU exits, a daemon dies, the deadline passes or a signal
 * arrives; then how QEMU and the daemons ended. */
static void wait_guest(struct run_ctx *c)
{
    while (group_running(&c->g, c->qemu)) {
        if (interrupted(c) || deadline_passed(c) || daemon_died(c))
            return;
        usleep(50000);
        group_reap(&c->g);
        scan_phases(c);
    }
    char buf[64], log[PATH_MAX], reason[sizeof(c->out.broken)];
    const struct proc *q = &c->g.procs[c->qemu];
    str_fmt(c->out.qemu_status, sizeof(c->out.qemu_status), "%s",
             proc_describe(q, buf, sizeof(buf)));
    progress(c, "QEMU %s", buf);
    rpath(c, "qemu.log", log, sizeof(log));
    if (ending_qemu(q, log, reason, sizeof(reason)))
        set_broken(c, "%s", reason);
    settle(c);
    if (ending_daemons(&c->g, c->qemu, "after QEMU ended", reason, sizeof(reason)))
        set_broken(c, "%s", reason);
}

/* QEMU ended by itself but the agent did not finish: a kernel panic or
 * the evidence cut short, unless the scenario expects a dead guest. */
static void check_guest_end(struct run_ctx *c)
{
    char serial[PATH_MAX + 16], reason[sizeof(c->out.broken)];
    if (c->out.broken[0] || c->qemu < 0 || group_running(&c->g, c->qemu) ||
        c->s->expect.guest_alive == SCN_NO)
        return;
    str_fmt(serial, sizeof(serial), "%s/serial.log", c->report_dir);
    if (ending_guest(&c->out.ev, c->out.have_evidence, serial, reason,
                     sizeof(reason)))
        set_broken(c, "%s", reason);
}

static void collect(struct run_ctx *c)
{
    static const char *const keep[] = { "serial.log", "trace.jsonl",
                                        "swtpm.log", "shim.log", "qemu.log",
                                        "evidence.txt", "swtpm-debug.log" };
    for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
        char from[PATH_MAX], to[PATH_MAX + 64], *err = NULL;
        rpath(c, keep[i], from, sizeof(from));
        str_fmt(to, sizeof(to), "%s/%s", c->report_dir, keep[i]);
        if (file_exists(from) && copy_tree(from, to, &err) < 0) {
            fprintf(stderr, "tpmfault: %s\n", err);
            free(err);
        }
    }
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
    str_fmt(c->report_dir, sizeof(c->report_dir), "%s/%s", reports, c->s->name);
    if (file_exists(c->report_dir))
        tree_remove(c->report_dir);
    if (mkdir_p(c->report_dir, &err) < 0) {
        fprintf(stderr, "tpmfault: %s\n", err);
        free(err);
        return -1;
    }
    return 0;
}

static void make_nonce_and_seed(struct run_ctx *c)
{
    uint8_t nonce[16];
    if (getrandom(nonce, sizeof(nonce), 0) != sizeof(nonce))
        memset(nonce, 0x5a, sizeof(nonce));
    hex_encode(nonce, sizeof(nonce), c->out.nonce_hex);
    if (c->o->seed_set)
        c->out.seed = c->o->seed;
    else if (c->s->run.seed_set)
        c->out.seed = c->s->run.seed;
    else if (getrandom(&c->out.seed, sizeof(c->out.seed), 0) != sizeof(c->out.seed))
        c->out.seed = (uint64_t)time(NULL);
}

static void run_processes(struct run_ctx *c)
{
    char *err = NULL;
    /* A short name: the unix sockets live here (108-byte path limit). */
    if (private_dir_create("tpmfault-run", c->rundir, sizeof(c->rundir), &err) < 0) {
        set_broken(c, "%s", err);
        free(err);
        return;
    }
    if (c->s->run.tpm != SCN_TPM_ABSENT && start_tpm(c) < 0)
        goto end;
    if (start_qemu(c) < 0)
        goto end;
    progress(c, "guest started (kernel %s)", c->out.kernel_label);
    wait_guest(c);
end:
    group_terminate(&c->g, 1000);
    if (c->evidence)
        fclose(c->evidence);
    collect(c);
    check_guest_end(c);
    if (!c->o->keep_rundir)
        tree_remove(c->rundir);
    else
        progress(c, "runtime directory kept: %s", c->rundir);
}

enum verdict run_scenario(const struct scenario *s, const struct run_opts *o)
{
    struct run_ctx c = { .s = s, .o = o, .swtpm = -1, .shim = -1, .qemu = -1 };
    c.kernel = o->kernel ? o->kernel : s->run.kernel[0] ? s->run.kernel : "6.1";
    c.deadline_s = o->deadline_s ? o->deadline_s : s->run.deadline_s;
    c.t0 = now_s();
    c.deadline = c.t0 + c.deadline_s;
    sig_install_stop(on_stop_signal);
    make_nonce_and_seed(&c);
    char *err = NULL;
    bool hooks_ok = test_hooks_read(&c.hooks, &err) == 0;
    if (!hooks_ok)
        set_broken(&c, "%s", err);
    free(err);
    const char *hook = c.hooks.guest;   /* one of the agent's names */
    /* A command line for a shell: the script's kernel text and the path
     * are quoted, never pasted as they are. */
    char qk[300], qp[PATH_MAX + 64];
    str_shquote(qk, sizeof(qk), c.kernel);
    str_shquote(qp, sizeof(qp), s->path);
    str_fmt(c.out.reproduce, sizeof(c.out.reproduce),
             "%s%s%sbin/tpmfault run --kernel %s --seed %llu %s",
             hook ? "TPMFAULT_TEST_HOOK=" : "", hook ? hook : "",
             hook ? " " : "", qk, (unsigned long long)c.out.seed, qp);
    if (prepare_report_dir(&c) < 0)
        return VERDICT_BROKEN;
    progress(&c, "seed %llu", (unsigned long long)c.out.seed);
    if (hooks_ok && check_requirements(&c) == 0)
        run_processes(&c);
    c.out.wall_s = now_s() - c.t0;
    enum verdict v = verdict_report(s, &c.out, c.report_dir);
    progress(&c, "verdict %s (report in %s)", verdict_name(v), c.report_dir);
    return v;
}
