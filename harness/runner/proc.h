/* The run's children in one process group: spawned with their output in a
 * log file, reaped without blocking, and killed as a group at the end. */
#ifndef TPMFAULT_PROC_H
#define TPMFAULT_PROC_H

#include <stdbool.h>
#include <sys/types.h>

#define GROUP_MAX 8

struct proc {
    const char *name;
    pid_t pid;
    bool running;
    int status;          /* wait status once reaped */
};

struct group {
    pid_t pgid;          /* 0 until the first child leads the group */
    struct proc procs[GROUP_MAX];
    int n;
};

/* Start argv[0] (found on PATH) with stdin from /dev/null and stdout and
 * stderr appended to log_path.  The child is SIGKILLed by the kernel if
 * this process dies first.  Returns the index in g->procs, or -1. */
int group_spawn(struct group *g, const char *name, char *const argv[],
                const char *log_path, char **err);
/* Reap whatever has exited, without blocking. */
void group_reap(struct group *g);
/* SIGTERM the group, wait up to grace_ms, then SIGKILL and reap all. */
void group_terminate(struct group *g, int grace_ms);
bool group_running(const struct group *g, int idx);
/* Reap, then whether any child of the group is still running. */
bool group_any_running(struct group *g);
/* Reaped with a non-zero exit status or killed by a signal. */
bool proc_ended_badly(const struct proc *p);
/* "exited 3", "killed by signal 9 (SIGKILL)", "running" */
const char *proc_describe(const struct proc *p, char *buf, unsigned size);
/* "SIGTERM" for the signals a run meets; "a signal" for others. */
const char *sig_name(int sig);

#endif
