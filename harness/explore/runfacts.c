#include "explore/runfacts.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/jsonread.h"
#include "util/str.h"

bool rf_has(const struct rf_idxset *s, int64_t k)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == k)
            return true;
    return false;
}

bool rf_only_tail(const struct run_facts *rf)
{
    const struct rf_idxset *m = &rf->not_in_pcr;
    if (rf->list_entries < m->n)
        return false;
    for (uint64_t k = rf->list_entries - m->n; k < rf->list_entries; k++)
        if (!rf_has(m, (int64_t)k))
            return false;
    return true;
}

static int need_bool(const struct jv *o, const char *key, bool *out, char **err)
{
    const struct jv *v = jv_get(o, key);
    if (!v || v->type != JV_BOOL)
        return err_set(err, "report.json: facts.%s: missing or not true/false", key);
    *out = v->b;
    return 0;
}

/* A string member copied into buf; "" for null. */
static int opt_str(const struct jv *o, const char *key, char *buf, size_t size,
                   char **err)
{
    const struct jv *v = jv_get(o, key);
    buf[0] = '\0';
    if (!v || v->type == JV_NULL)
        return 0;
    if (v->type != JV_STR || str_fmt(buf, size, "%s", v->str) != 0)
        return err_set(err, "report.json: %s: not a string of at most %zu bytes",
                       key, size - 1);
    return 0;
}

static int add_index(struct rf_idxset *s, const struct jv *v, const char *key,
                     char **err)
{
    if (v->type != JV_NUM || !v->is_u64 || v->u64 > INT64_MAX)
        return err_set(err, "report.json: facts.%s: an index is not a non-negative integer", key);
    if (s->n == RF_MAX_IDX)
        return err_set(err, "report.json: facts.%s: more than %d indices", key, RF_MAX_IDX);
    s->v[s->n++] = (int64_t)v->u64;
    return 0;
}

/* An index array, or null (then *known is false). */
static int idx_list(const struct jv *o, const char *key, struct rf_idxset *s,
                    bool *known, char **err)
{
    const struct jv *a = jv_get(o, key);
    s->n = 0;
    *known = a && a->type == JV_ARR;
    if (a && a->type != JV_ARR && a->type != JV_NULL)
        return err_set(err, "report.json: facts.%s: not an array or null", key);
    for (const struct jv *e = *known ? a->child : NULL; e; e = e->next)
        if (add_index(s, e, key, err) != 0)
            return -1;
    return 0;
}

static int kernel_errors(const struct jv *facts, struct run_facts *rf, char **err)
{
    const struct jv *a = jv_get(facts, "kernel_errors");
    if (!a || a->type != JV_ARR)
        return err_set(err, "report.json: facts.kernel_errors: missing or not an array");
    for (const struct jv *e = a->child; e; e = e->next) {
        const struct jv *k = e->type == JV_OBJ ? jv_get(e, "entry") : NULL;
        if (!k || k->type == JV_NULL)
            rf->errors_unplaced++;
        else if (!rf_has(&rf->error_entries, (int64_t)k->u64) &&
                 add_index(&rf->error_entries, k, "kernel_errors", err) != 0)
            return -1;
    }
    return 0;
}

static int faults(const struct jv *facts, struct run_facts *rf, char **err)
{
    const struct jv *a = jv_get(facts, "faults_injected");
    if (!a || a->type != JV_ARR)
        return err_set(err, "report.json: facts.faults_injected: missing or not an array");
    for (const struct jv *e = a->child; e; e = e->next) {
        static const char *const ending[] = { "close", "failure-mode", "drop-response" };
        const char *cmd = jv_get_str(e, "command"), *action = jv_get_str(e, "action");
        bool ends = false;
        for (size_t i = 0; action && i < sizeof(ending) / sizeof(ending[0]); i++)
            ends = ends || strcmp(action, ending[i]) == 0;
        rf->faults_fired++;
        rf->faults_tpm_broken += ends || !cmd || strcmp(cmd, "PCR_Extend") != 0;
    }
    return 0;
}

static int banks(const struct jv *facts, struct run_facts *rf, char **err)
{
    const struct jv *o = jv_get(facts, "banks");
    if (!o || o->type != JV_OBJ)
        return err_set(err, "report.json: facts.banks: missing or not an object");
    for (const struct jv *b = o->child; b; b = b->next) {
        if (rf->n_banks == RF_MAX_BANKS)
            return err_set(err, "report.json: facts.banks: more than %d banks", RF_MAX_BANKS);
        struct rf_bank *k = &rf->bank[rf->n_banks++];
        if (str_fmt(k->name, sizeof(k->name), "%s", b->key) != 0 ||
            opt_str(b, "replay", k->replay, sizeof(k->replay), err) != 0 ||
            opt_str(b, "tpm_pcr10", k->tpm, sizeof(k->tpm), err) != 0 ||
            opt_str(b, "quote_pcr10", k->quote, sizeof(k->quote), err) != 0)
            return err_set(err, "report.json: facts.banks: bad bank '%.16s'", b->key);
    }
    return 0;
}

static int from_facts(const struct jv *f, struct run_facts *rf, char **err)
{
    bool twice_known;
    const struct jv *x = jv_get(f, "explanation");
    if (need_bool(f, "list_complete", &rf->list_complete, err) ||
        need_bool(f, "bypass", &rf->bypass, err) ||
        need_bool(f, "quote_present", &rf->quote_present, err) ||
        need_bool(f, "quote_valid", &rf->quote_valid, err) ||
        need_bool(f, "guest_alive", &rf->guest_alive, err))
        return -1;
    if (jv_get_u64(f, "list_entries", &rf->list_entries) != 0)
        return err_set(err, "report.json: facts.list_entries: missing or not a count");
    const struct jv *problem = jv_get(f, "list_problem");
    rf->list_received = !problem || problem->type == JV_NULL || rf->list_entries > 0;
    if (!x || x->type != JV_OBJ || need_bool(x, "found", &rf->explained, err))
        return err_set(err, "report.json: facts.explanation.found: missing");
    if (idx_list(f, "entries_not_in_pcr", &rf->not_in_pcr, &rf->explained, err) ||
        idx_list(f, "entries_applied_twice", &rf->applied_twice, &twice_known, err) ||
        opt_str(f, "boot_aggregate_is", rf->boot_aggregate_is,
                sizeof(rf->boot_aggregate_is), err) ||
        kernel_errors(f, rf, err) || faults(f, rf, err) || banks(f, rf, err))
        return -1;
    rf->explained = rf->explained && twice_known;
    return 0;
}

int runfacts_parse(const char *json, struct run_facts *rf, char **err)
{
    memset(rf, 0, sizeof(*rf));
    rf->tpm_present = true;
    struct jv *top = jv_parse(json, err);
    if (!top)
        return err_prefix(err, "report.json");
    const struct jv *f = jv_get(top, "facts");
    int rc = f && f->type == JV_OBJ ? from_facts(f, rf, err)
                                    : err_set(err, "report.json: no 'facts' object");
    const char *by = jv_get_str(top, "broken_by");
    rf->guest_failed = by && strcmp(by, "guest") == 0;
    jv_free(top);
    return rc;
}
