#include "verify/explain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "verify/replay.h"

/* Each PCR 10 entry of the list: what it extends into every bank. */
struct entry_digests {
    int64_t index;
    char file[256];
    uint8_t ext[BANK_COUNT][ALG_MAX_DIGEST];
};

struct collect {
    struct entry_digests *v;
    size_t n, cap;
};

static int collect_step(const struct replay_step *s, void *ctx, char **err)
{
    struct collect *c = ctx;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        struct entry_digests *g = realloc(c->v, cap * sizeof(*g));
        if (!g)
            return err_set(err, "out of memory");
        c->v = g;
        c->cap = cap;
    }
    struct entry_digests *d = &c->v[c->n++];
    d->index = (int64_t)s->entry->index;
    snprintf(d->file, sizeof(d->file), "%s", s->entry->file_name);
    memcpy(d->ext, s->ext, sizeof(d->ext));
    return 0;
}

static bool same_extend(const struct entry_digests *d,
                        const struct trace_extend *e, unsigned banks)
{
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(banks & (1u << b)))
            continue;
        if (!(e->bank_mask & (1u << b)) ||
            memcmp(d->ext[b], e->digest[b], alg_by_bank((enum bank)b)->size))
            return false;
    }
    return true;
}

static void note(int64_t *arr, size_t *n, size_t *more, int64_t idx)
{
    if (*n < EXPLAIN_MAX_LIST)
        arr[(*n)++] = idx;
    else
        (*more)++;
}

/* Align applied extends to entries; times[i] = how often entry i was applied. */
static int align(const struct collect *c, const struct trace *t, unsigned banks,
                 unsigned *times, struct explanation *x)
{
    size_t j = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct trace_extend *e = &t->ext[i];
        if (!trace_extend_applied(e))
            continue;
        if (j > 0 && same_extend(&c->v[j - 1], e, banks)) {
            times[j - 1]++;      /* a resend swtpm executed again */
            continue;
        }
        while (j < c->n && !same_extend(&c->v[j], e, banks))
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

/* Replay with the alignment's multiplicities; true when it gives the TPM's
 * PCR 10 in every bank. */
static bool replays_to_truth(const struct collect *c, const unsigned *times,
                             const struct trace *t, unsigned banks)
{
    uint8_t pcr[BANK_COUNT][ALG_MAX_DIGEST];
    memset(pcr, 0, sizeof(pcr));
    for (size_t i = 0; i < c->n; i++)
        for (unsigned k = 0; k < times[i]; k++)
            for (int b = 0; b < BANK_COUNT; b++)
                if (banks & (1u << b))
                    alg_extend((enum bank)b, pcr[b], c->v[i].ext[b]);
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(banks & (1u << b)))
            continue;
        if (!(t->truth_mask & (1u << b)) ||
            memcmp(pcr[b], t->truth[b], alg_by_bank((enum bank)b)->size))
            return false;
    }
    return true;
}

static void describe(const struct collect *c, const unsigned *times,
                     struct explanation *x)
{
    x->first_divergent = -1;
    for (size_t i = 0; i < c->n; i++) {
        if (times[i] == 1)
            continue;
        if (x->first_divergent < 0) {
            x->first_divergent = c->v[i].index;
            snprintf(x->first_file, sizeof(x->first_file), "%s", c->v[i].file);
        }
        if (times[i] == 0)
            note(x->not_in_pcr, &x->n_not_in_pcr, &x->more, c->v[i].index);
        else
            note(x->applied_twice, &x->n_applied_twice, &x->more, c->v[i].index);
    }
}

int explain_run(const char *list, unsigned banks, const struct trace *t,
                struct explanation *x, char **err)
{
    memset(x, 0, sizeof(*x));
    x->first_divergent = -1;
    FILE *in = fopen(list, "rb");
    if (!in)
        return err_errno(err, "%s", list);
    struct collect c = { 0 };
    struct replay_src src = { .f = in, .digest_len = 20 };
    struct replay_opts o = { .banks = banks, .pcr = 10, .on_step = collect_step,
                             .ctx = &c };
    struct replay_result res;
    int rc = replay_run(&src, &o, &res, err);
    fclose(in);
    unsigned *times = rc == 0 ? calloc(c.n + 1, sizeof(*times)) : NULL;
    if (rc == 0 && !times)
        rc = err_set(err, "out of memory");
    if (rc == 0 && !t->have_truth)
        snprintf(x->why, sizeof(x->why), "no TPM PCR 10 in the trace");
    else if (rc == 0 && align(&c, t, banks, times, x) == 0) {
        describe(&c, times, x);
        x->found = replays_to_truth(&c, times, t, banks);
        if (!x->found)
            snprintf(x->why, sizeof(x->why), "replaying the list with these "
                     "changes does not give the TPM's PCR 10");
    }
    free(times);
    free(c.v);
    return rc;
}
