#include "faults/predict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/frame.h"
#include "util/err.h"

#define PCR_IMA 10

/* IMA's extend on the run's TPM: TPM2_PCR_Extend, or TPM_Extend on a 1.2. */
static uint32_t ima_cc(const struct scenario *s)
{
    return scenario_family(s) == TPM_FAMILY_12 ? TPM12_ORD_EXTEND
                                               : TPM2_CC_PCR_EXTEND;
}

static bool ima_only(const struct fault_rule *r, uint32_t cc)
{
    return r->pcr == PCR_IMA && (r->cc == FAULT_CC_ANY || r->cc == cc);
}

/* The engine of the rules the model can predict; map[i] is the script
 * index of the engine's rule i. */
static void model_engine(const struct scenario *s, bool seed_known,
                         struct fault_engine *e, int *map,
                         struct prediction *p)
{
    memset(e, 0, sizeof(*e));
    for (int i = 0; i < s->faults.n; i++) {
        const struct fault_rule *r = &s->faults.rules[i];
        if (!ima_only(r, ima_cc(s)))
            p->rule[i].kind = PREDICT_OTHER_FRAMES;
        else if (r->has_ppm && !seed_known)
            p->rule[i].kind = PREDICT_RANDOM;
        else {
            map[e->n] = i;
            e->rules[e->n++] = *r;
        }
    }
}

static void note_hit(struct predict_rule *pr, unsigned k, unsigned frame)
{
    if (pr->n_hits < PREDICT_MAX_HITS)
        pr->hit[pr->n_hits] = (struct predict_hit){ k, frame };
    pr->n_hits++;
}

/* One measurement k, resent as the driver does; false once a close
 * ended the channel. */
static bool send_measurement(struct fault_engine *e, const int *map,
                             uint32_t cc, unsigned k, struct prediction *p)
{
    for (unsigned frame = 1; frame <= PREDICT_DRIVER_TRIES; frame++) {
        struct fault_frame f = { .cc = cc, .pcr = PCR_IMA,
                                 .ordinal = ++p->frames, .id = k };
        struct fault_decision d;
        uint32_t rc = 0;
        fault_decide(e, &f, &d);
        if (d.rule >= 0)
            note_hit(&p->rule[map[d.rule]], k, frame);
        if (d.action == FA_CLOSE || d.action == FA_DROP_RESPONSE) {
            p->ended_at = k;
            p->ended_by = fault_action_name(d.action);
            return false;
        }
        if (d.ignore_cancel && !p->busy_at)
            p->busy_at = k;
        fault_decision_answer(&d, &rc);
        fault_note_answer(e, rc);
        if (!fault_rc_resent(rc))
            return true;
    }
    return true;
}

/* The model over e's rules (started), into p; cc: IMA's extend. */
static void simulate(struct fault_engine *e, const int *map, uint32_t cc,
                     struct prediction *p)
{
    for (unsigned k = 1; k <= p->extends; k++)
        if (!send_measurement(e, map, cc, k, p))
            break;
    for (int i = 0; i < e->n; i++) {
        const struct fault_rule_state *st = &e->state[i];
        p->rule[map[i]].k_reached = (unsigned)(e->rules[i].count == FK_MEASUREMENTS
                                               ? st->measured : st->matched);
    }
}

/* p empty, for s's workload: boot_aggregate, then one extend a file. */
static void prediction_start(struct prediction *p, const struct scenario *s)
{
    memset(p, 0, sizeof(*p));
    p->extends = s->run.files + 1;
}

/* The first k rule i, which never fired, would fire on without the other
 * rules (0: none). */
static unsigned first_alone(const struct scenario *s, int i, uint64_t seed)
{
    struct prediction alone;
    struct fault_engine e = { .n = 1 };
    int map[1] = { i };
    prediction_start(&alone, s);
    e.rules[0] = s->faults.rules[i];
    fault_engine_start(&e, seed);
    simulate(&e, map, ima_cc(s), &alone);
    return alone.rule[i].n_hits ? alone.rule[i].hit[0].k : 0;
}

void scenario_predict(const struct scenario *s, bool seed_known,
                      uint64_t seed, struct prediction *p)
{
    struct fault_engine e;
    int map[FAULT_MAX_RULES];
    prediction_start(p, s);
    if (s->run.tpm == SCN_TPM_ABSENT)
        return;
    model_engine(s, seed_known, &e, map, p);
    fault_engine_start(&e, seed);
    simulate(&e, map, ima_cc(s), p);
    for (int i = 0; i < e.n; i++) {
        struct predict_rule *pr = &p->rule[map[i]];
        pr->alone_k = pr->n_hits ? 0 : first_alone(s, map[i], seed);
    }
}

static void warn_rule(const struct scenario *s, const struct prediction *p,
                      int i, char **out)
{
    const struct fault_rule *r = &s->faults.rules[i];
    const struct predict_rule *pr = &p->rule[i];
    if (pr->kind != PREDICT_DONE || pr->n_hits)
        return;
    if (pr->alone_k && !(p->ended_at && pr->alone_k >= p->ended_at))
        err_add(out, "%s:%d: warning: fault %s never fires: rules before it "
                "decide every frame it would fire on (the first rule that "
                "fires decides)", s->path, r->line, r->name);
    else if (p->ended_at)
        err_add(out, "%s:%d: warning: fault %s never fires: the %s at IMA "
                "extend k = %u ends the data channel first", s->path, r->line,
                r->name, p->ended_by, p->ended_at);
    else
        err_add(out, "%s:%d: warning: fault %s never fires: it matches IMA's "
                "PCR 10 extends only, and its k reaches %u there (files = %u: "
                "boot_aggregate and %u files)", s->path, r->line, r->name,
                pr->k_reached, s->run.files, s->run.files);
}

/* "none" or "2,9": each index beyond the list's last entry. */
static void warn_indices(const struct scenario *s, const char *key,
                         const char *series, const char *list, char **out)
{
    for (const char *c = list; *c;) {
        char *end;
        unsigned long v = strtoul(c, &end, 10);
        if (end == c)
            break;
        if (v > s->run.files)
            err_add(out, "%s: warning: %s%s%s%s = %s: entry %lu is beyond the "
                    "list (entries 0..%u with files = %u)", s->path, key,
                    series ? "[" : "", series ? series : "", series ? "]" : "",
                    list, v, s->run.files, s->run.files);
        c = *end == ',' ? end + 1 : end;
    }
}

char *scenario_warnings(const struct scenario *s, const struct prediction *p)
{
    char *out = NULL;
    for (int i = 0; i < s->faults.n; i++) {
        warn_rule(s, p, i, &out);
        scenario_rule_warning(s, i, &out);
    }
    for (int k = -1; k < SCN_KERNEL_SERIES; k++) {
        const struct scn_expect *e = k < 0 ? &s->expect : &s->expect_kernel[k];
        const char *series = k < 0 ? NULL : scn_kernel_series[k];
        warn_indices(s, "not-in-pcr", series, e->not_in_pcr, &out);
        warn_indices(s, "kernel-errors-for", series, e->kernel_errors_for, &out);
    }
    return out;
}
