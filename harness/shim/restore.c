/* A shim in front of a run restored from a snapshot: the trace starts with
 * the snapshot's (its frame numbers and times continue from it), the
 * rules start having counted its frames, and the restored QEMU's own
 * frames before swtpm has the snapshot's state (its TPM probe, before
 * CMD_SET_STATEBLOB and CMD_INIT) pass without the rules: a fresh boot
 * had those in the prefix. */
#include "shim/shim.h"

#include "faults/prefix.h"

int shim_restore_begin(struct shim *s, const char *prefix, char **err)
{
    struct prefix_state st;
    if (prefix_replay(s->decide_ctx, prefix, s->trace.f, &st, err) < 0)
        return -1;
    fflush(s->trace.f);
    s->data.book.last_ord = st.last_ord;
    s->trace.t0 -= st.last_t;    /* the times go on from the prefix's */
    s->restore = (struct shim_restore){ .restoring = true,
                                        .decide = s->decide,
                                        .answered = s->answered };
    s->decide = relay_decide_default;
    s->answered = NULL;
    struct json *j = trace_event(&s->trace, 0, TRACE_EV_RESTORE);
    json_str(j, TRACE_K_PREFIX, prefix);
    json_uint(j, TRACE_K_PREFIX_FRAMES, st.frames);
    trace_end(&s->trace);
    return 0;
}

void shim_restore_ctrl(struct shim *s, uint32_t code, uint32_t result)
{
    struct shim_restore *r = &s->restore;
    if (!r->restoring || result != 0)
        return;
    if (code == CMD_SET_STATEBLOB)
        r->state_set = true;
    if (code != CMD_INIT || !r->state_set)
        return;
    r->restoring = false;
    s->decide = r->decide;
    s->answered = r->answered;
    trace_event(&s->trace, 0, TRACE_EV_RESTORED);
    trace_end(&s->trace);
}
