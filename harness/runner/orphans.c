#include "runner/orphans.h"

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ORPHANS_MAX 256

int orphans_adopt(void)
{
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -1;
}

/* The parent pid in /proc/PID/stat: the field after the state, which
 * follows the last ')' (the command name may hold anything). */
static pid_t parent_of(const char *pid)
{
    char path[64], buf[512];
    snprintf(path, sizeof(path), "/proc/%s/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *close_paren = strrchr(buf, ')');
    char state;
    int ppid;
    if (!close_paren || sscanf(close_paren + 1, " %c %d", &state, &ppid) != 2)
        return -1;
    return (pid_t)ppid;
}

static bool kept(pid_t pid, const pid_t *keep, size_t n_keep)
{
    for (size_t i = 0; i < n_keep; i++)
        if (keep[i] == pid)
            return true;
    return false;
}

/* Children of this process not in keep, at most max. */
static size_t find_orphans(pid_t *out, size_t max, const pid_t *keep,
                           size_t n_keep)
{
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    pid_t self = getpid();
    size_t n = 0;
    struct dirent *de;
    while (n < max && (de = readdir(d))) {
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        pid_t pid = (pid_t)atoi(de->d_name);
        if (parent_of(de->d_name) == self && !kept(pid, keep, n_keep))
            out[n++] = pid;
    }
    closedir(d);
    return n;
}

size_t orphans_reap(const pid_t *keep, size_t n_keep, int ms)
{
    struct timespec tick = { 0, 20 * 1000 * 1000 };
    pid_t found[ORPHANS_MAX];
    for (int waited = 0; waited <= ms; waited += 20) {
        size_t n = find_orphans(found, ORPHANS_MAX, keep, n_keep);
        if (n == 0)
            return 0;
        /* An unreaped child keeps its pid: kill cannot hit a stranger. */
        for (size_t i = 0; i < n; i++) {
            kill(found[i], SIGKILL);
            waitpid(found[i], NULL, WNOHANG);
        }
        nanosleep(&tick, NULL);
    }
    return find_orphans(found, ORPHANS_MAX, keep, n_keep);
}
