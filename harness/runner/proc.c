#include "runner/proc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util/err.h"

/* Close every descriptor from fd on. */
static void close_from(int fd)
{
    if (close_range((unsigned)fd, ~0U, 0) == 0)
        return;
    long max = sysconf(_SC_OPEN_MAX);
    for (long i = fd; i < (max > 0 ? max : 1024); i++)
        close((int)i);
}

/* In the child: die with the parent, join the group, wire up stdio,
 * restore default signal handling (the runner blocks or catches some),
 * close all other descriptors, exec.  Never returns. */
static void child_exec(pid_t parent, pid_t pgid, char *const argv[],
                       const char *log_path)
{
    /* A runner killed with SIGKILL cannot stop its group: the kernel does.
     * The parent may have died before the prctl: then go at once. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
        _exit(127);
    setpgid(0, pgid);
    int null = open("/dev/null", O_RDONLY);
    int log = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (null < 0 || log < 0)
        _exit(127);
    dup2(null, 0);
    dup2(log, 1);
    dup2(log, 2);
    close_from(3);   /* nothing of the runner's (or its parent's) leaks in */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], argv);
    dprintf(2, "tpmfault: cannot run %s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

int group_spawn(struct group *g, const char *name, char *const argv[],
                const char *log_path, char **err)
{
    if (g->n >= GROUP_MAX)
        return err_set(err, "too many processes in the run");
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return err_errno(err, "fork for %s", name);
    if (pid == 0)
        child_exec(parent, g->pgid, argv, log_path);
    /* Also set it here: whichever of parent and child runs first wins the
     * race and the group exists before we might signal it. */
    setpgid(pid, g->pgid ? g->pgid : pid);
    if (!g->pgid)
        g->pgid = pid;
    struct proc *p = &g->procs[g->n];
    p->name = name;
    p->pid = pid;
    p->running = true;
    p->status = 0;
    return g->n++;
}

void group_reap(struct group *g)
{
    for (int i = 0; i < g->n; i++) {
        struct proc *p = &g->procs[i];
        if (p->running && waitpid(p->pid, &p->status, WNOHANG) == p->pid)
            p->running = false;
    }
}

bool group_any_running(struct group *g)
{
    group_reap(g);
    for (int i = 0; i < g->n; i++)
        if (g->procs[i].running)
            return true;
    return false;
}

/* Reap until none runs or ms pass; true when none runs. */
static bool reap_within(struct group *g, int ms)
{
    struct timespec tick = { 0, 20 * 1000 * 1000 };
    for (int waited = 0; waited < ms && group_any_running(g); waited += 20)
        nanosleep(&tick, NULL);
    return !group_any_running(g);
}

void group_terminate(struct group *g, int grace_ms)
{
    if (!g->pgid || !group_any_running(g))
        return;
    kill(-g->pgid, SIGTERM);
    if (reap_within(g, grace_ms))
        return;
    kill(-g->pgid, SIGKILL);
    /* SIGKILL cannot be ignored; only a process stuck in the kernel stays,
     * and then waiting longer would hang the runner: say so and go on. */
    if (!reap_within(g, 5000))
        for (int i = 0; i < g->n; i++)
            if (g->procs[i].running)
                fprintf(stderr, "tpmfault: %s (pid %d) did not die on SIGKILL\n",
                        g->procs[i].name, (int)g->procs[i].pid);
}

bool group_running(const struct group *g, int idx)
{
    return idx >= 0 && idx < g->n && g->procs[idx].running;
}

bool proc_ended_badly(const struct proc *p)
{
    return !p->running && !(WIFEXITED(p->status) && WEXITSTATUS(p->status) == 0);
}

const char *sig_name(int sig)
{
    switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGSEGV: return "SIGSEGV";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    default: return "a signal";
    }
}

const char *proc_describe(const struct proc *p, char *buf, unsigned size)
{
    if (p->running)
        snprintf(buf, size, "running");
    else if (WIFEXITED(p->status))
        snprintf(buf, size, "exited %d", WEXITSTATUS(p->status));
    else if (WIFSIGNALED(p->status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(p->status),
                 sig_name(WTERMSIG(p->status)));
    else
        snprintf(buf, size, "ended (status %d)", p->status);
    return buf;
}
