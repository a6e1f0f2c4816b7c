/* Why one list entry is not in PCR 10 exactly once, in words, from the
 * trace frames that carried its digests. */
#include "verify/explain.h"

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
static void rc_words(uint32_t rc, char *buf, size_t n)
{
    const char *name = rc == TRACE_RC_NONE ? NULL : tpm_rc_name(rc);
    if (rc == TRACE_RC_NONE)
        snprintf(buf, n, "nothing");
    else if (name)
        snprintf(buf, n, "%s (0x%x)", name, rc);
    else
        snprintf(buf, n, "0x%x", rc);
}

/* What happened to one frame: the fault that decided it, or swtpm. */
static void frame_words(const struct trace *t, const struct trace_extend *e,
                        char *buf, size_t n)
{
    const struct trace_fault *f = fault_at(t, e->ord);
    char got[48];
    rc_words(e->answered ? e->guest_rc : TRACE_RC_NONE, got, sizeof(got));
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

void explain_entry_fate(const struct list_entry *entry, unsigned times,
                        const struct trace *t, unsigned banks, char *buf,
                        size_t n)
{
    const struct trace_extend *first = NULL, *last = NULL;
    unsigned frames = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        if (!list_entry_matches(entry, &t->ext[i], banks))
            continue;
        frames++;
        first = first ? first : &t->ext[i];
        last = &t->ext[i];
    }
    if (!frames) {
        snprintf(buf, n, "no extend of it reached the shim (the TPM was "
                 "failed before it, e.g. by QEMU after the data channel "
                 "closed, or never probed)");
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
