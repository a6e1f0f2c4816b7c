#include "verdict/phases.h"

#include <stdio.h>
#include <string.h>

#include "util/str.h"

static const char *const keys[PHASE_COUNT] = {
    [PHASE_HOST_SETUP] = "host_setup",
    [PHASE_RESTORE] = "restore",
    [PHASE_QEMU_TO_KERNEL] = "qemu_to_kernel",
    [PHASE_KERNEL_TO_AGENT] = "kernel_to_agent",
    [PHASE_WORKLOAD] = "workload",
    [PHASE_LISTS] = "lists",
    [PHASE_AK] = "ak",
    [PHASE_QUOTE] = "quote",
    [PHASE_TRANSFER] = "evidence_transfer",
    [PHASE_POWEROFF] = "poweroff",
    [PHASE_TRUTH] = "truth_read",
    [PHASE_DAEMONS_END] = "daemons_end",
    [PHASE_COLLECT] = "collect",
    [PHASE_VERIFY] = "verification",
    [PHASE_REPORT] = "report_writing",
};

const char *phase_key(enum phase_id id)
{
    return id < PHASE_COUNT ? keys[id] : "?";
}

static void put(struct phases *p, enum phase_id id, double s)
{
    p->s[id] = s;
    p->have[id] = true;
}

/* Host clock points: 0 is a point the run never reached. */
static void set(struct phases *p, enum phase_id id, double from, double to)
{
    if (from <= 0 || to <= 0 || to < from)
        return;
    put(p, id, to - from);
}

/* Guest phases: from one mark's uptime to the next's.  The agent's own
 * start is measured from the kernel's (uptime 0), unless the run started
 * from a snapshot (the boot was the snapshot's). */
static void guest_phases(const struct evidence *ev, bool restored, struct phases *p)
{
    static const struct { enum phase_id id; const char *from, *to; } g[] = {
        { PHASE_WORKLOAD, PHASE_MARK_AGENT, PHASE_MARK_WORKLOAD },
        { PHASE_LISTS, PHASE_MARK_WORKLOAD, PHASE_MARK_LISTS },
        { PHASE_AK, PHASE_MARK_LISTS, PHASE_MARK_AK },
        { PHASE_QUOTE, PHASE_MARK_AK, PHASE_MARK_QUOTE },
        { PHASE_TRANSFER, PHASE_MARK_QUOTE, PHASE_MARK_SENT },
    };
    double agent = evidence_mark(ev, PHASE_MARK_AGENT);
    if (agent >= 0 && !restored)
        put(p, PHASE_KERNEL_TO_AGENT, agent);
    for (size_t i = 0; i < sizeof(g) / sizeof(g[0]); i++) {
        double from = evidence_mark(ev, g[i].from), to = evidence_mark(ev, g[i].to);
        if (from >= 0 && to >= from)
            put(p, g[i].id, to - from);
    }
}

/* Poweroff: from the agent's last mark, put on the host's clock through
 * the kernel's start, to QEMU gone; the shim's truth read happens inside
 * it (QEMU's CMD_SHUTDOWN waits for it) and is its own phase. */
static void shutdown_phases(const struct phase_clock *c,
                            const struct evidence *ev, struct phases *p)
{
    double sent = evidence_mark(ev, PHASE_MARK_SENT);
    double truth = c->truth_read_s >= 0 ? c->truth_read_s : 0;
    if (c->truth_read_s >= 0)
        put(p, PHASE_TRUTH, c->truth_read_s);
    if (sent >= 0 && c->kernel_start > 0)
        set(p, PHASE_POWEROFF, c->kernel_start + sent, c->qemu_exit - truth);
}

void phases_compute(const struct phase_clock *c, const struct evidence *ev,
                    double now, struct phases *out)
{
    memset(out, 0, sizeof(*out));
    set(out, PHASE_HOST_SETUP, c->start, c->qemu_start);
    set(out, PHASE_RESTORE, c->qemu_start, c->restored);
    if (!c->restored)
        set(out, PHASE_QEMU_TO_KERNEL, c->qemu_start, c->kernel_start);
    guest_phases(ev, c->restored > 0, out);
    shutdown_phases(c, ev, out);
    set(out, PHASE_DAEMONS_END, c->qemu_exit, c->daemons_done);
    /* Without a TPM there are no daemons: collecting starts at QEMU's exit. */
    set(out, PHASE_COLLECT, c->daemons_done > 0 ? c->daemons_done : c->qemu_exit,
        c->collected);
    set(out, PHASE_VERIFY, c->collected, c->verified);
    set(out, PHASE_REPORT, c->verified, now);
}

void phases_json(struct json *j, const struct phases *p)
{
    json_obj_begin(j, "phases");
    for (int i = 0; i < PHASE_COUNT; i++) {
        if (p->have[i])
            json_double(j, keys[i], p->s[i]);
        else
            json_null(j, keys[i]);
    }
    json_obj_end(j);
}

void phases_largest(const struct phases *p, int n, char *buf, size_t size)
{
    bool taken[PHASE_COUNT] = { false };
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        int best = -1;
        for (int i = 0; i < PHASE_COUNT; i++)
            if (p->have[i] && !taken[i] && (best < 0 || p->s[i] > p->s[best]))
                best = i;
        if (best < 0)
            break;
        taken[best] = true;
        if (len >= size)
            break;
        len += (size_t)snprintf(buf + len, len < size ? size - len : 0,
                                "%s%s %.2f s", k ? ", " : "", keys[best],
                                p->s[best]);
    }
    if (!buf[0])
        str_fmt(buf, size, "none measured");
}
