/* Why one list entry is not in PCR 10 exactly once, in words, from the
 * trace frames that carried its digests, or, when none did, from the frame
 * that kept the guest's TPM device busy. */
#include "verify/explain.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tpm/frame.h"

static const struct trace_fault *fault_at(const struct trace *t, unsigned ord)
{
    for (size_t i = 0; i < t->n_faults; i++)
        if (t->faults[i].ord == ord)
            return &t->faults[i];
    return NULL;
}

/* "TPM_RC_FAILURE (0x101)", "0x922", or "nothing" when none came. */
static void rc_words(uint32_t rc, bool tpm12, char *buf, size_t n)
{
    const char *name = rc == TRACE_RC_NONE ? NULL
        : tpm_rc_name(rc, tpm12 ? TPM_FAMILY_12 : TPM_FAMILY_20);
    if (rc == TRACE_RC_NONE)
        snprintf(buf, n, "nothing");
    else if (name)
        snprintf(buf, n, "%s (0x%x)", name, rc);
    else
        snprintf(buf, n, "0x%x", rc);
}

/* What happened to one frame: the fault that decided it, or swtpm. */
static void frame_words(const struct trace *t, const struct trace_cmd *e,
                        char *buf, size_t n)
{
    const struct trace_fault *f = fault_at(t, e->ord);
    char got[48];
    rc_words(e->answered ? e->guest_rc : TRACE_RC_NONE, t->tpm12, got,
             sizeof(got));
    if (f)
        snprintf(buf, n, "fault %s (%s%s) %s; the guest got %s", f->rule,
                 f->action, f->on_response ? " on the response" : "",
                 e->forwarded ? "let it reach swtpm" : "kept it from swtpm", got);
    else if (!e->forwarded)
        snprintf(buf, n, "it never reached swtpm, the guest got %s", got);
    else
        snprintf(buf, n, "swtpm answered 0x%x, the guest got %s", e->tpm_rc,
                 got);
}

/* The first/last trace extend that carries entry le->v[j], or NULL. */
static const struct trace_cmd *extend_of(const struct list_entries *le,
                                         size_t j, const struct trace *t,
                                         bool last)
{
    const struct trace_cmd *found = NULL;
    for (size_t k = 0; k < t->n_ext; k++) {
        if (!list_entry_matches(&le->v[j], trace_ext(t, k), le->banks))
            continue;
        found = trace_ext(t, k);
        if (!last)
            break;
    }
    return found;
}

/* The data-channel ordinals between which the guest tried to send entry i:
 * after the last frame of an earlier entry, before the first of a later. */
static void window_of(const struct list_entries *le, size_t i,
                      const struct trace *t, unsigned *from, unsigned *to)
{
    *from = 0;
    *to = UINT_MAX;
    for (size_t j = i; j-- > 0;) {
        const struct trace_cmd *e = extend_of(le, j, t, true);
        if (e) {
            *from = e->ord;
            break;
        }
    }
    for (size_t j = i + 1; j < le->n; j++) {
        const struct trace_cmd *e = extend_of(le, j, t, false);
        if (e) {
            *to = e->ord;
            break;
        }
    }
}

/* QEMU's cancels the trace kept between from and to; *first (when not
 * NULL and there is one) gets the earliest. */
static unsigned cancels_between(const struct trace *t, double from, double to,
                                double *first)
{
    unsigned n = 0;
    for (size_t k = 0; k < t->n_cancels && k < TRACE_MAX_CANCELS; k++) {
        if (t->cancel_t[k] <= from || t->cancel_t[k] >= to)
            continue;
        if (first && n == 0)
            *first = t->cancel_t[k];
        n++;
    }
    return n;
}

/* A frame a fault kept from the guest: the channel closed on it, it was
 * never answered, or QEMU cancelled it before its answer came. */
static bool kept_busy(const struct trace *t, const struct trace_fault *f)
{
    if (f->closed || !f->answered)
        return true;
    return cancels_between(t, f->t, f->t_answered, NULL) > 0;
}

/* The last frame in the window a fault kept busy, or NULL. */
static const struct trace_fault *busy_frame(const struct trace *t,
                                            unsigned from, unsigned to)
{
    const struct trace_fault *found = NULL;
    for (size_t k = 0; k < t->n_faults; k++) {
        const struct trace_fault *f = &t->faults[k];
        if (f->ord >= from && f->ord < to && kept_busy(t, f))
            found = f;
    }
    return found;
}

/* Why no extend of entry i reached the shim, from the frame that kept the
 * guest's TPM device busy. */
static void never_sent_words(const struct list_entries *le, size_t i,
                             const struct trace *t, char *buf, size_t n)
{
    unsigned from, to;
    window_of(le, i, t, &from, &to);
    const struct trace_fault *f = busy_frame(t, from, to);
    if (!f) {
        snprintf(buf, n, "no extend of it reached the shim, and the trace "
                 "shows no frame a fault held, dropped or closed the channel "
                 "on before it (the TPM may have failed earlier, or never "
                 "been probed)");
        return;
    }
    const char *side = f->on_response ? " on the response" : "";
    if (f->closed) {
        snprintf(buf, n, "no extend of it reached the shim: fault %s (%s%s) "
                 "closed the data channel at frame %u (%.2f s); QEMU answers "
                 "every later command itself", f->rule, f->action, side,
                 f->ord, f->t);
        return;
    }
    double end = f->answered ? f->t_answered : 1e300;
    double first = -1;
    unsigned cancels = cancels_between(t, f->t, end, &first);
    char held[96], qemu[112] = "";
    if (f->answered)
        snprintf(held, sizeof(held), "from %.2f s until %.2f s", f->t, end);
    else
        snprintf(held, sizeof(held), "from %.2f s, never answered", f->t);
    if (cancels)
        snprintf(qemu, sizeof(qemu), "; QEMU sent %u CMD_CANCEL_TPM_CMD "
                 "meanwhile, the first at %.2f s", cancels, first);
    snprintf(buf, n, "no extend of it reached the shim: the guest's TPM "
             "device was still busy with frame %u (held by fault %s (%s%s) "
             "%s%s); the kernel gave up sending", f->ord, f->rule, f->action,
             side, held, qemu);
}

void explain_entry_fate(const struct list_entries *le, size_t i, unsigned times,
                        const struct trace *t, char *buf, size_t n)
{
    const struct list_entry *entry = &le->v[i];
    const struct trace_cmd *first = NULL, *last = NULL;
    unsigned frames = 0;
    for (size_t k = 0; k < t->n_ext; k++) {
        if (!list_entry_matches(entry, trace_ext(t, k), le->banks))
            continue;
        frames++;
        first = first ? first : trace_ext(t, k);
        last = trace_ext(t, k);
    }
    if (!frames) {
        never_sent_words(le, i, t, buf, n);
        return;
    }
    char what[200];
    frame_words(t, last, what, sizeof(what));
    if (times >= 2)
        snprintf(buf, n, "swtpm applied it %u times in %u frames (%u..%u)",
                 times, frames, first->ord, last->ord);
    else if (frames == 1)
        snprintf(buf, n, "its extend, frame %u, was not applied: %s",
                 last->ord, what);
    else
        snprintf(buf, n, "%u extend frames (%u..%u), none applied; the last: %s",
                 frames, first->ord, last->ord, what);
}
