#include "faults/engine.h"

#include <string.h>

#define TPM_RC_FAILURE 0x101u

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

/* Steps 2-4 for one matched frame; true when the rule fires. */
static bool count_and_trigger(const struct fault_rule *r,
                              struct fault_rule_state *st)
{
    uint64_t k = ++st->matched;
    bool draw_ok = true;
    if (r->has_ppm)
        draw_ok = rng_ppm(&st->rng) < r->ppm;
    if (r->from && k < r->from)
        return false;
    if (r->to && k > r->to)
        return false;
    if (r->after && k <= r->after)
        return false;
    if (r->nth && k != r->nth)
        return false;
    if (r->every && k % r->every != 0)
        return false;
    if (!draw_ok)
        return false;
    if (r->times && st->fired >= r->times)
        return false;
    return true;
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
    if (r->action == FA_FAILURE_MODE)
        d->rc = TPM_RC_FAILURE;
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
    for (int i = 0; i < e->n; i++) {
        const struct fault_rule *r = &e->rules[i];
        if (!matches(r, f))
            continue;
        if (count_and_trigger(r, &e->state[i]) && winner < 0 && !e->failure_mode)
            winner = i;
    }
    if (e->failure_mode) {   /* a TPM in failure mode answers everything so */
        set_decision(d, &e->rules[e->failure_rule], e->failure_rule, false);
        return;
    }
    if (winner < 0)
        return;
    e->state[winner].fired++;
    set_decision(d, &e->rules[winner], winner,
                 e->rules[winner].direction == FD_RESPONSE);
    if (e->rules[winner].action == FA_FAILURE_MODE) {
        e->failure_mode = true;
        e->failure_rule = winner;
    }
}
