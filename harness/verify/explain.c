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

/* Align applied extends to entries; times[i] = how often entry i was applied. */
static int align(const struct list_entries *c, const struct trace *t, unsigned banks,
                 unsigned *times, struct explanation *x)
{
    size_t j = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct trace_extend *e = &t->ext[i];
        if (!trace_extend_applied(e))
            continue;
        if (j > 0 && list_entry_matches(&c->v[j - 1], e, banks)) {
            times[j - 1]++;      /* a resend swtpm executed again */
            continue;
        }
        while (j < c->n && !list_entry_matches(&c->v[j], e, banks))
            j++;
        if (j == c->n) {
            snprintf(x->why, sizeof(x->why), "the applied extend of frame %u "
                     "matches no list entry in order", e->ord);
            return -1;
        }
        times[j++]++;
    }
    return 0;
}

/* Replay with the alignment's multiplicities: 1 when it gives the TPM's
 * PCR 10 in every bank, 0 when not, -1 when hashing failed. */
static int replays_to_truth(const struct list_entries *c, const unsigned *times,
                            const struct trace *t, unsigned banks)
{
    uint8_t pcr[BANK_COUNT][ALG_MAX_DIGEST];
    memset(pcr, 0, sizeof(pcr));
    for (size_t i = 0; i < c->n; i++)
        for (unsigned k = 0; k < times[i]; k++)
            for (int b = 0; b < BANK_COUNT; b++)
                if ((banks & (1u << b)) &&
                    alg_extend((enum bank)b, pcr[b], c->v[i].ext[b]) < 0)
                    return -1;
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(banks & (1u << b)))
            continue;
        if (!(t->truth_mask & (1u << b)) ||
            memcmp(pcr[b], t->truth[b], alg_by_bank((enum bank)b)->size))
            return 0;
    }
    return 1;
}

static void describe(const struct list_entries *c, const unsigned *times,
                     const struct trace *t, struct explanation *x)
{
    x->first_divergent = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (times[i] == 1)
            continue;
        if (x->first_divergent < 0) {
            x->first_divergent = c->v[i].index;
            snprintf(x->first_file, sizeof(x->first_file), "%s", c->v[i].file);
            explain_entry_fate(&c->v[i], times[i], t, c->banks, x->first_why,
                               sizeof(x->first_why));
        }
        if (times[i] == 0)
            note(x->not_in_pcr, &x->n_not_in_pcr, &x->more, c->v[i].index);
        else
            note(x->applied_twice, &x->n_applied_twice, &x->more, c->v[i].index);
    }
}

void explain_run(const struct list_entries *le, const struct trace *t,
                 struct explanation *x)
{
    memset(x, 0, sizeof(*x));
    x->first_divergent = -1;
    if (!t->have_truth) {
        snprintf(x->why, sizeof(x->why), "no TPM PCR 10 in the trace");
        return;
    }
    unsigned *times = calloc(le->n + 1, sizeof(*times));
    if (!times) {
        snprintf(x->why, sizeof(x->why), "out of memory");
        return;
    }
    if (align(le, t, le->banks, times, x) == 0) {
        describe(le, times, t, x);
        int replayed = replays_to_truth(le, times, t, le->banks);
        x->found = replayed == 1;
        if (!x->found)
            snprintf(x->why, sizeof(x->why), "%s", replayed < 0 ?
                     "hashing the adjusted replay failed" :
                     "replaying the list with these changes does not give "
                     "the TPM's PCR 10");
    }
    free(times);
}
