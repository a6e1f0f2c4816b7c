#include "shim/faulthook.h"

#include <inttypes.h>
#include <stdio.h>

#include "shim/shim.h"
#include "faults/rng.h"
#include "util/rd.h"

int fault_frame_pcr(const struct inflight *cmd, const uint8_t *frame,
                    size_t len)
{
    if (len < TPM_HDR_SIZE + 4)
        return FAULT_PCR_ANY;
    if (frame_is_extend(cmd->hdr.tag, cmd->hdr.code)) {
        uint32_t pcr = be32_at(frame + TPM_HDR_SIZE);
        if (pcr <= TPM2_MAX_PCR)
            return (int)pcr;
    }
    return FAULT_PCR_ANY;
}

/* A rule acting on swtpm's response: the command is always forwarded. */
static enum relay_action on_response(enum fault_action a)
{
    switch (a) {
    case FA_DELAY:
        return ACT_DELAY_RSP;
    case FA_TIMEOUT:
        return ACT_HOLD_RSP;
    case FA_DROP_RESPONSE:
        return ACT_DROP;
    case FA_CLOSE:
        return ACT_CLOSE_RSP;
    default:   /* error, applied-then-error, cancel, failure-mode: rc */
        return ACT_REPLACE;
    }
}

/* A rule acting on the guest's command. */
static enum relay_action on_command(enum fault_action a)
{
    switch (a) {
    case FA_APPLIED_ERROR:
        return ACT_REPLACE;
    case FA_DELAY:
        return ACT_DELAY;
    case FA_TIMEOUT:
        return ACT_HOLD;
    case FA_DROP_RESPONSE:
        return ACT_DROP;
    case FA_CLOSE:
        return ACT_CLOSE;
    case FA_NONE:
        return ACT_RELAY;
    default:   /* error, cancel, failure-mode: the shim answers rc */
        return ACT_ANSWER;
    }
}

struct relay_decision fault_to_relay(const struct fault_engine *e,
                                     const struct fault_decision *fd)
{
    struct relay_decision r = { .action = ACT_RELAY };
    if (fd->action == FA_NONE || fd->rule < 0 || fd->rule >= e->n)
        return r;
    r.rule = e->rules[fd->rule].name;
    r.fault = fault_action_name(fd->action);
    r.rc = r.rc12 = fd->rc;
    r.delay_ms = fd->delay_ms;
    r.applied_late = fd->applied_late;
    r.end_rc = fd->end_rc;
    r.ignore_cancel = fd->ignore_cancel;
    r.on_response = fd->on_response;
    r.action = fd->on_response ? on_response(fd->action)
                               : on_command(fd->action);
    if (fd->action == FA_FAILURE_MODE)   /* TPM 1.2 has its own failure */
        r.rc12 = TPM12_FAIL;
    return r;
}

struct relay_decision relay_decide_faults(void *ctx,
                                          const struct inflight *cmd,
                                          const uint8_t *frame, size_t len)
{
    struct fault_engine *e = ctx;
    struct fault_frame f = {
        .cc = cmd->hdr.code,
        .pcr = fault_frame_pcr(cmd, frame, len),
        .ordinal = cmd->ord,
        .id = rng_hash_bytes(frame, len),
    };
    struct fault_decision d;
    fault_decide(e, &f, &d);
    return fault_to_relay(e, &d);
}

void relay_answered_faults(void *ctx, uint32_t rc)
{
    fault_note_answer(ctx, rc);
}

void shim_use_faults(struct shim *s, struct fault_engine *e)
{
    char seed[24];
    s->decide = relay_decide_faults;
    s->answered = relay_answered_faults;
    s->decide_ctx = e;
    snprintf(seed, sizeof(seed), "%" PRIu64, e->seed);
    struct json *j = trace_event(&s->trace, 0, TRACE_EV_FAULTS);
    json_str(j, TRACE_K_TPM, trace_family_name(s->cfg.family));
    json_str(j, TRACE_K_SEED, seed);
    json_arr_begin(j, TRACE_K_RULES);
    for (int i = 0; i < e->n; i++) {
        json_obj_begin(j, NULL);
        json_str(j, TRACE_K_NAME, e->rules[i].name);
        json_str(j, TRACE_K_ACTION, fault_action_name(e->rules[i].action));
        if (e->rules[i].direction == FD_RESPONSE)
            json_str(j, TRACE_K_DIRECTION, TRACE_V_RESPONSE);
        json_obj_end(j);
    }
    json_arr_end(j);
    trace_end(&s->trace);
}
