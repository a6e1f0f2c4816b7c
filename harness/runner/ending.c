#include "runner/ending.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/str.h"

bool ending_daemons(const struct group *g, int skip, const char *when,
                    char *reason, size_t size)
{
    char what[256] = "", logs[128] = "", how[64];
    int n = 0;
    for (int i = 0; i < g->n; i++) {
        const struct proc *p = &g->procs[i];
        if (i == skip || !proc_ended_badly(p))
            continue;
        proc_describe(p, how, sizeof(how));
        size_t w = strlen(what), l = strlen(logs);
        str_fmt(what + w, sizeof(what) - w, "%s%s %s%s", n ? " and " : "",
                p->name, strncmp(how, "killed", 6) == 0 ? "was " : "", how);
        str_fmt(logs + l, sizeof(logs) - l, "%s%s.log", n ? ", " : "", p->name);
        n++;
    }
    if (n)
        str_fmt(reason, size, "%s %s (see %s)", what, when, logs);
    return n > 0;
}

/* The last non-empty line of a file, without its line end. */
static void last_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) >= 0) {
        n = (ssize_t)str_chomp(line, n);
        if (n)
            str_fmt(buf, size, "%s", line);
    }
    free(line);
    fclose(f);
}

bool ending_qemu(const struct proc *qemu, const char *qemu_log, char *reason,
                 size_t size)
{
    if (!proc_ended_badly(qemu))
        return false;
    char how[64], line[200];
    proc_describe(qemu, how, sizeof(how));
    last_line(qemu_log, line, sizeof(line));
    if (strncmp(how, "killed", 6) == 0)
        str_fmt(reason, size, "QEMU was %s mid-run (see qemu.log)", how);
    else
        str_fmt(reason, size, "QEMU %s%s%s (see qemu.log)", how,
                line[0] ? ": " : "", line);
    return true;
}

bool console_panic(const char *serial_log, char *msg, size_t size)
{
    static const char mark[] = "Kernel panic - not syncing: ";
    msg[0] = '\0';
    FILE *f = fopen(serial_log, "r");
    if (!f)
        return false;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    bool found = false;
    while (!found && (n = getline(&line, &cap, f)) >= 0) {
        str_chomp(line, n);
        const char *p = strstr(line, mark);
        if (p) {
            str_fmt(msg, size, "%s", p + strlen(mark));
            found = true;
        }
    }
    free(line);
    fclose(f);
    return found;
}

bool ending_guest(const struct evidence *ev, bool have_evidence,
                  const char *serial_log, char *reason, size_t size)
{
    if (have_evidence && ev->done)
        return false;
    char msg[160];
    if (console_panic(serial_log, msg, sizeof(msg))) {
        str_fmt(reason, size, "the guest kernel panicked (%s) before the "
                "agent finished (see serial.log)", msg);
        return true;
    }
    const char *where = !have_evidence ? "no evidence arrived" :
                        !ev->booted ? "the agent never reported booting" :
                        ev->problem[0] ? ev->problem :
                        !ev->workload_done ? "during the workload" :
                        "after the workload";
    str_fmt(reason, size, "the evidence channel was cut short: the guest "
            "stopped before the agent finished (%s; see serial.log, "
            "evidence.txt)", where);
    return true;
}
