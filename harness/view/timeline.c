/* Building the timeline's rows and entries from the parts it has read. */
#include "view/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swtpm/tpm_ioctl.h>

#include "tpm/frame.h"
#include "util/err.h"

const char *const tl_phase_names[TL_PHASES] = {
    "firmware", "boot", "workload", "agent",
};
const char *const tl_fate_names[TL_FATES] = {
    "held", "applied twice", "never reached", "errored", "relayed",
};

/* A response code by the name of the trace's TPM family. */
const char *tl_rc_text(const struct timeline *tl, uint32_t rc, char *buf, size_t n)
{
    enum tpm_family f = trace_family(&tl->trace);
    const char *name = rc == TRACE_RC_NONE ? NULL : tpm_rc_name(rc, f);
    if (rc == TRACE_RC_NONE)
        snprintf(buf, n, "-");
    else if (name)
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "0x%x", rc);
    return buf;
}

bool tl_ctrl_is_cancel(const struct trace_ctrl *c)
{
    return c->code == CMD_CANCEL_TPM_CMD;
}

bool tl_ctrl_is_shutdown(const struct trace_ctrl *c)
{
    return c->code == CMD_SHUTDOWN;
}

static bool is_ima_extend(const struct trace *t, const struct trace_cmd *c)
{
    return c->pcr == 10 && trace_cmd_is_extend(t, c);
}

static void init_entries(struct timeline *tl, const unsigned *times)
{
    for (size_t i = 0; i < tl->n_entries; i++) {
        struct tl_entry *e = &tl->entries[i];
        e->index = tl->le.v[i].index;
        snprintf(e->file, sizeof(e->file), "%s", tl->le.v[i].file);
        e->in_pcr = times ? times[i] : 0;
        e->first_row = e->last_row = TL_NONE;
    }
}

/* What happened to one command, before the list is consulted. */
static enum tl_fate classify(const struct trace_cmd *c)
{
    if (c->held)
        return TL_HELD;
    bool error = c->answered && c->guest_rc != 0 && c->guest_rc != TRACE_RC_NONE;
    if (!c->forwarded && !error)
        return TL_LOST;
    return error ? TL_ERRORED : TL_RELAYED;
}

/* The extends' rows: applied, resend count, and (entry_of, from the list,
 * for the first `mapped` extends) the entry, whose second application
 * makes the frame "applied twice". */
static int mark_extends(struct timeline *tl, const size_t *entry_of,
                        size_t mapped, char **err)
{
    const struct trace *t = &tl->trace;
    unsigned *applied = calloc(tl->n_entries + 1, sizeof(*applied));
    if (!applied)
        return err_set(err, "out of memory");
    unsigned send = 0;
    size_t k = 0;
    for (size_t i = 0; i < tl->n_rows; i++) {
        struct tl_row *r = &tl->rows[i];
        if (!r->extend || k >= t->n_ext || trace_ext(t, k)->ord != r->c->ord)
            continue;
        const struct trace_cmd *e = trace_ext(t, k);
        r->applied = trace_extend_applied(e);
        send = k > 0 && trace_extend_is_resend(t, k) ? send + 1 : 1;
        r->send = send;
        if (entry_of && k < mapped) {
            struct tl_entry *en = &tl->entries[entry_of[k]];
            r->entry = entry_of[k];
            en->frames++;
            en->first_row = en->first_row == TL_NONE ? i : en->first_row;
            en->last_row = i;
            if (r->applied && ++applied[entry_of[k]] >= 2 && r->fate != TL_HELD)
                r->fate = TL_TWICE;
        }
        k++;
    }
    free(applied);
    return 0;
}

/* Phases from the commands themselves (module comment in timeline.h). */
static void mark_phases(struct timeline *tl)
{
    size_t fw_end = TL_NONE, work = TL_NONE, last_ext = TL_NONE;
    for (size_t i = 0; i < tl->n_rows; i++) {
        const struct tl_row *r = &tl->rows[i];
        if (r->extend) {
            /* the first file: an entry past boot_aggregate, or without a
             * list the second measurement */
            bool file = r->entry != TL_NONE ? tl->entries[r->entry].index > 0
                                            : last_ext != TL_NONE;
            if (work == TL_NONE && file && r->send == 1)
                work = i;
            last_ext = i;
        } else if (last_ext == TL_NONE && r->c->pcr >= 0 && r->c->pcr <= 7 &&
                   trace_cmd_is_extend(&tl->trace, r->c)) {
            fw_end = i;
        }
    }
    for (size_t i = 0; i < tl->n_rows; i++) {
        enum tl_phase p = TL_BOOT;
        if (fw_end != TL_NONE && i <= fw_end)
            p = TL_FIRMWARE;
        else if (last_ext != TL_NONE && i > last_ext)
            p = TL_AGENT;
        else if (work != TL_NONE && i >= work)
            p = TL_WORKLOAD;
        tl->rows[i].phase = p;
    }
}

/* Control messages: a cancel goes to the command it interrupted. */
static void mark_ctrls(struct timeline *tl)
{
    for (size_t i = 0; i < tl->trace.n_ctrls; i++) {
        const struct trace_ctrl *c = &tl->trace.ctrls[i];
        tl->t_end = c->t > tl->t_end ? c->t : tl->t_end;
        if (tl_ctrl_is_shutdown(c))
            tl->shutdowns++;
        if (!tl_ctrl_is_cancel(c))
            continue;
        tl->cancels++;
        for (size_t r = tl->n_rows; r-- > 0;)
            if (tl->rows[r].c->ord == c->after_ord) {
                tl->rows[r].cancels++;
                break;
            }
    }
}

/* The kernel's error lines go to the entry being measured (dmesg.h); a
 * line while no entry was being measured is not shown. */
static void mark_kernel_lines(struct timeline *tl)
{
    for (unsigned i = 0; i < tl->dm.n_err; i++) {
        const struct kernel_error *k = &tl->dm.err[i];
        struct tl_entry *e = NULL;
        for (size_t j = 0; k->entry >= 0 && j < tl->n_entries; j++)
            if (tl->entries[j].index == k->entry)
                e = &tl->entries[j];
        if (e && e->n_kernel < TL_MAX_KERNEL_LINES)
            e->kernel_result[e->n_kernel++] = k->result;
    }
}

/* Why each entry is not in PCR 10 exactly once: the explanation's words. */
static void explain_entries(struct timeline *tl)
{
    for (size_t i = 0; i < tl->n_entries; i++) {
        struct tl_entry *e = &tl->entries[i];
        if (tl->dm.bypass && !e->frames)
            snprintf(e->why, sizeof(e->why), "TPM-bypass: IMA extends no PCR");
        else if (!tl->have_trace)
            snprintf(e->why, sizeof(e->why), "no trace: what reached the TPM "
                     "is unknown");
        else if (e->in_pcr != 1)
            explain_entry_fate(&tl->le, i, e->in_pcr, &tl->trace, e->why,
                               sizeof(e->why));
    }
}

static int build_rows(struct timeline *tl, char **err)
{
    const struct trace *t = &tl->trace;
    tl->rows = calloc(t->n_cmds + 1, sizeof(*tl->rows));
    tl->entries = calloc(tl->le.n + 1, sizeof(*tl->entries));
    if (!tl->rows || !tl->entries)
        return err_set(err, "out of memory");
    tl->n_rows = t->n_cmds;
    tl->n_entries = tl->have_list ? tl->le.n : 0;
    for (size_t i = 0; i < tl->n_rows; i++) {
        struct tl_row *r = &tl->rows[i];
        r->c = &t->cmds[i];
        r->fault = r->c->fault >= 0 ? &t->faults[r->c->fault] : NULL;
        r->extend = is_ima_extend(t, r->c);
        r->entry = TL_NONE;
        r->fate = classify(r->c);
        double end = r->c->t_rsp > r->c->t ? r->c->t_rsp : r->c->t;
        tl->t_end = end > tl->t_end ? end : tl->t_end;
    }
    return 0;
}

int timeline_build(struct timeline *tl, char **err)
{
    if (build_rows(tl, err) < 0)
        return -1;
    size_t *entry_of = calloc(tl->trace.n_ext + 1, sizeof(*entry_of));
    unsigned *times = calloc(tl->n_entries + 1, sizeof(*times));
    int rc = -1;
    if (!entry_of || !times) {
        err_set(err, "out of memory");
        goto out;
    }
    char why[256] = "";
    bool aligned = tl->n_entries &&
                   explain_times(&tl->le, &tl->trace, times, why, sizeof(why)) == 0;
    init_entries(tl, aligned ? times : NULL);
    size_t mapped = tl->n_entries ?
                    list_entries_map(&tl->le, &tl->trace, tl->le.banks, entry_of) : 0;
    if (mark_extends(tl, tl->n_entries ? entry_of : NULL, mapped, err) < 0)
        goto out;
    mark_phases(tl);
    mark_ctrls(tl);
    mark_kernel_lines(tl);
    explain_entries(tl);
    if (tl->n_entries && tl->have_trace && !aligned)
        snprintf(tl->unaligned, sizeof(tl->unaligned), "%s", why);
    rc = 0;
out:
    free(entry_of);
    free(times);
    return rc;
}
