#include "verify/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static void note(int64_t *arr, size_t *n, size_t *more, int64_t idx)
{
    if (*n < EXPLAIN_MAX_LIST)
        arr[(*n)++] = idx;
    else
        (*more)++;
}

/* Align applied extends to the first n entries; times[i] = how often entry
 * i was applied. */
static int align(const struct list_entries *c, size_t n, const struct trace *t,
                 const struct explain_scope *sc, unsigned *times,
                 struct explanation *x)
{
    size_t j = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct trace_cmd *e = trace_ext(t, i);
        if (sc->before_ord && e->ord >= sc->before_ord)
            break;
        if (!trace_extend_applied(e))
            continue;
        if (j > 0 && list_entry_matches(&c->v[j - 1], e, c->banks)) {
            times[j - 1]++;      /* a resend swtpm executed again */
            continue;
        }
        while (j < n && !list_entry_matches(&c->v[j], e, c->banks))
            j++;
        if (j == n) {
            snprintf(x->why, sizeof(x->why), "the applied extend of frame %u "
                     "matches no list entry in order", e->ord);
            return -1;
        }
        times[j++]++;
    }
    return 0;
}

/* The PCR 10 value the scope explains, and its banks (0: none). */
static unsigned target_of(const struct trace *t, const struct explain_scope *sc,
                          const uint8_t (**v)[ALG_MAX_DIGEST])
{
    if (sc->target == EXPLAIN_VS_VALUES) {
        *v = sc->values;
        return sc->value_banks;
    }
    *v = (const uint8_t (*)[ALG_MAX_DIGEST])t->truth;
    return sc->target == EXPLAIN_VS_TRUTH ? t->truth_mask : 0;
}

/* Replay with the alignment's multiplicities: 1 when it gives the target
 * in every bank compared, 0 when not, -1 when hashing failed. */
static int replays_to_target(const struct list_entries *c, size_t n,
                             const unsigned *times, const struct trace *t,
                             const struct explain_scope *sc)
{
    const uint8_t (*want)[ALG_MAX_DIGEST];
    unsigned have = target_of(t, sc, &want), banks = c->banks;
    if (sc->target == EXPLAIN_VS_NOTHING)
        return 1;
    uint8_t pcr[BANK_COUNT][ALG_MAX_DIGEST];
    memset(pcr, 0, sizeof(pcr));
    for (size_t i = 0; i < n; i++)
        for (unsigned k = 0; k < times[i]; k++)
            for (int b = 0; b < BANK_COUNT; b++)
                if ((banks & (1u << b)) &&
                    alg_extend((enum bank)b, pcr[b], c->v[i].ext[b]) < 0)
                    return -1;
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(banks & (1u << b)))
            continue;
        if (!(have & (1u << b)) ||
            memcmp(pcr[b], want[b], alg_by_bank((enum bank)b)->size))
            return 0;
    }
    return 1;
}

static void describe(const struct list_entries *c, size_t n, const unsigned *times,
                     const struct trace *t, struct explanation *x)
{
    x->first_divergent = -1;
    for (size_t i = 0; i < n; i++) {
        if (times[i] == 1)
            continue;
        if (x->first_divergent < 0) {
            x->first_divergent = c->v[i].index;
            x->first_times = times[i];
            snprintf(x->first_file, sizeof(x->first_file), "%s", c->v[i].file);
            explain_entry_fate(c, i, times[i], t, x->first_why,
                               sizeof(x->first_why));
        }
        if (times[i] == 0)
            note(x->not_in_pcr, &x->n_not_in_pcr, &x->more, c->v[i].index);
        else
            note(x->applied_twice, &x->n_applied_twice, &x->more, c->v[i].index);
    }
}

void explain_scoped(const struct list_entries *le, const struct trace *t,
                    const struct explain_scope *sc, struct explanation *x)
{
    memset(x, 0, sizeof(*x));
    x->first_divergent = -1;
    if (sc->target == EXPLAIN_VS_TRUTH && !t->have_truth) {
        snprintf(x->why, sizeof(x->why), "no TPM PCR 10 in the trace");
        return;
    }
    size_t n = sc->entries && sc->entries < le->n ? sc->entries : le->n;
    unsigned *times = calloc(n + 1, sizeof(*times));
    if (!times) {
        snprintf(x->why, sizeof(x->why), "out of memory");
        return;
    }
    if (align(le, n, t, sc, times, x) == 0) {
        x->aligned = true;
        describe(le, n, times, t, x);
        int replayed = replays_to_target(le, n, times, t, sc);
        x->found = replayed == 1;
        if (!x->found)
            snprintf(x->why, sizeof(x->why), "%s", replayed < 0 ?
                     "hashing the adjusted replay failed" :
                     sc->target == EXPLAIN_VS_TRUTH ?
                     "replaying the list with these changes does not give "
                     "the TPM's PCR 10" : "replaying the list with these "
                     "changes does not give the PCR 10 values given");
    }
    free(times);
}

void explain_run(const struct list_entries *le, const struct trace *t,
                 struct explanation *x)
{
    const struct explain_scope all = { .target = EXPLAIN_VS_TRUTH };
    explain_scoped(le, t, &all, x);
}

int explain_times(const struct list_entries *le, const struct trace *t,
                  unsigned *times, char *why, size_t n)
{
    static const struct explain_scope all = { .target = EXPLAIN_VS_NOTHING };
    struct explanation x;
    memset(&x, 0, sizeof(x));
    if (align(le, le->n, t, &all, times, &x) < 0) {
        snprintf(why, n, "%s", x.why);
        return -1;
    }
    return 0;
}

const char *explain_divergence_text(const struct explanation *x, char *buf,
                                    size_t n)
{
    if (x->found && x->first_divergent >= 0)
        snprintf(buf, n, "first divergent entry %lld (%s): %s",
                 (long long)x->first_divergent, x->first_file, x->first_why);
    else if (n)
        buf[0] = '\0';
    return buf;
}
