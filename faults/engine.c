#include "faults/engine.h"

#include <string.h>

#include "tpm/frame.h"

static const char *const action_names[] = {
    [FA_NONE] = "relay",
    [FA_ERROR] = "error",
    [FA_APPLIED_ERROR] = "applied-then-error",
    [FA_DELAY] = "delay",
    [FA_TIMEOUT] = "timeout",
    [FA_CANCEL] = "cancel",
    [FA_DROP_RESPONSE] = "drop-response",
    [FA_FAILURE_MODE] = "failure-mode",
    [FA_CLOSE] = "close",
};

const char *fault_action_name(enum fault_action a)
{
    return (unsigned)a < sizeof(action_names) / sizeof(action_names[0])
               ? action_names[a] : "?";
}

bool fault_action_forwards(enum fault_action a, bool applied_late,
                           bool on_response)
{
    if (on_response)
        return true;
    switch (a) {
    case FA_NONE:
    case FA_APPLIED_ERROR:
    case FA_DELAY:
    case FA_DROP_RESPONSE:
        return true;
    case FA_TIMEOUT:
        return applied_late;
    default:
        return false;
    }
}

void fault_engine_start(struct fault_engine *e, uint64_t seed)
{
    e->seed = seed;
    e->failure_mode = false;
    e->failure_rule = -1;
    e->last_id = 0;
    e->last_answered = false;
    for (int i = 0; i < e->n; i++) {
        memset(&e->state[i], 0, sizeof(e->state[i]));
        rng_seed(&e->state[i].rng, seed, rng_hash_name(e->rules[i].name));
    }
}

static bool matches(const struct fault_rule *r, const struct fault_frame *f)
{
    if (r->cc != FAULT_CC_ANY && r->cc != f->cc)
        return false;
    return r->pcr == FAULT_PCR_ANY || r->pcr == f->pcr;
}

/* Step 2 and 3: count the frame (and its measurement, unless it is a
 * resend), draw; returns k in the rule's unit. */
static uint64_t count_and_draw(const struct fault_rule *r,
                               struct fault_rule_state *st, bool resend)
{
    bool per_measurement = r->count == FK_MEASUREMENTS;
    st->matched++;
    if (!resend || st->measured == 0) {
        st->measured++;
        st->in_measurement = 0;
    }
    st->in_measurement++;
    if (r->has_ppm && (!per_measurement || st->in_measurement == 1))
        st->draw_ok = rng_ppm(&st->rng) < r->ppm;
    return per_measurement ? st->measured : st->matched;
}

/* Step 4 on k; true when the rule fires. */
static bool triggers_hold(const struct fault_rule *r,
                          const struct fault_rule_state *st, uint64_t k)
{
    if (r->from && k < r->from)
        return false;
    if (r->to && k > r->to)
        return false;
    if (r->after && k <= r->after)
        return false;
    if (r->nth && k != r->nth)
        return false;
    if (r->every && k % r->every != r->offset)
        return false;
    if (r->burst && st->in_measurement > r->burst)
        return false;
    if (r->has_ppm && !st->draw_ok)
        return false;
    /* a burst's later frames belong to a firing already counted */
    if (r->times && st->fired >= r->times && st->fired_on != k)
        return false;
    return true;
}

static bool is_resend(const struct fault_engine *e, const struct fault_frame *f)
{
    return f->id && f->id == e->last_id && e->last_answered &&
           fault_rc_resent(e->last_rc);
}

bool fault_rc_resent(uint32_t rc)
{
    return rc == TPM2_RC_RETRY || rc == TPM2_RC_TESTING;
}

void fault_note_answer(struct fault_engine *e, uint32_t rc)
{
    e->last_rc = rc;
    e->last_answered = true;
}

/* on_response: the rule's direction, or false for the commands after a
 * failure-mode rule fired (a TPM in failure mode executes nothing). */
static void set_decision(struct fault_decision *d, const struct fault_rule *r,
                         int idx, bool on_response)
{
    d->action = r->action;
    d->rule = idx;
    d->rc = r->rc;
    d->delay_ms = r->delay_ms;
    d->on_response = on_response;
    d->applied_late = r->applied_late ||
                      (on_response && r->action == FA_TIMEOUT);
    d->end_rc = r->action == FA_TIMEOUT && r->has_rc;
    d->ignore_cancel = r->action == FA_TIMEOUT && r->on_cancel == FC_IGNORE;
    if (r->action == FA_FAILURE_MODE)
        d->rc = TPM2_RC_FAILURE;
    else if (r->action == FA_CANCEL)
        d->rc = TPM2_RC_CANCELED;
    d->forwarded = fault_action_forwards(r->action, d->applied_late,
                                         on_response);
}

void fault_decide(struct fault_engine *e, const struct fault_frame *f,
                  struct fault_decision *d)
{
    memset(d, 0, sizeof(*d));
    d->action = FA_NONE;
    d->rule = -1;
    d->forwarded = true;
    int winner = -1;
    uint64_t winner_k = 0;
    bool resend = is_resend(e, f);
    e->last_id = f->id;
    e->last_answered = false;
    for (int i = 0; i < e->n; i++) {
        const struct fault_rule *r = &e->rules[i];
        if (!matches(r, f))
            continue;
        uint64_t k = count_and_draw(r, &e->state[i], resend);
        if (triggers_hold(r, &e->state[i], k) && winner < 0 &&
            !e->failure_mode) {
            winner = i;
            winner_k = k;
        }
    }
    if (e->failure_mode) {   /* a TPM in failure mode answers everything so */
        set_decision(d, &e->rules[e->failure_rule], e->failure_rule, false);
        return;
    }
    if (winner < 0)
        return;
    struct fault_rule_state *ws = &e->state[winner];
    if (ws->fired_on != winner_k || e->rules[winner].count != FK_MEASUREMENTS)
        ws->fired++;
    ws->fired_on = winner_k;
    set_decision(d, &e->rules[winner], winner,
                 e->rules[winner].direction == FD_RESPONSE);
    if (e->rules[winner].action == FA_FAILURE_MODE) {
        e->failure_mode = true;
        e->failure_rule = winner;
    }
}

bool fault_decision_answer(const struct fault_decision *d, uint32_t *rc)
{
    switch (d->action) {
    case FA_ERROR:
    case FA_APPLIED_ERROR:
    case FA_CANCEL:
    case FA_FAILURE_MODE:
        *rc = d->rc;
        return true;
    case FA_TIMEOUT:
        *rc = d->rc;
        return d->end_rc;
    default:
        return false;
    }
}
