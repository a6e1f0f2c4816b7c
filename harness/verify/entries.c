#include "verify/entries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/vec.h"
#include "verify/replay.h"

static int keep_step(const struct replay_step *s, void *ctx, char **err)
{
    struct list_entries *le = ctx;
    le->total++;
    if (le->max && le->n >= le->max)
        return 0;
    struct list_entry *g = vec_room(le->v, le->n, &le->cap, sizeof(*g), 64);
    if (!g)
        return err_set(err, "out of memory");
    le->v = g;
    struct list_entry *d = &le->v[le->n++];
    d->index = (int64_t)s->entry->index;
    snprintf(d->file, sizeof(d->file), "%s", s->entry->file_name);
    memcpy(d->ext, s->ext, sizeof(d->ext));
    return 0;
}

int list_entries_read(const struct replay_src *src, const struct replay_opts *o,
                      size_t max, struct list_entries *le, char **err)
{
    memset(le, 0, sizeof(*le));
    struct replay_opts keep = *o;
    keep.on_step = keep_step;
    keep.ctx = le;
    le->max = max;
    struct replay_result res;
    if (replay_run(src, &keep, &res, err) < 0) {
        list_entries_free(le);
        return -1;
    }
    le->banks = res.banks;
    memcpy(le->replay, res.pcr, sizeof(le->replay));
    return 0;
}

int list_entries_load(const char *path, unsigned banks, unsigned padded,
                      struct list_entries *le, char **err)
{
    memset(le, 0, sizeof(*le));
    FILE *in = fopen(path, "rb");
    if (!in)
        return err_errno(err, "%s", path);
    struct replay_src src = { .f = in, .digest_len = 20 };
    struct replay_opts o = { .banks = banks, .pcr = 10, .padded_banks = padded };
    int rc = list_entries_read(&src, &o, 0, le, err);
    fclose(in);
    return rc;
}

void list_entries_free(struct list_entries *le)
{
    free(le->v);
    le->v = NULL;
    le->n = le->cap = 0;
}

bool list_entry_matches(const struct list_entry *d, const struct trace_cmd *e,
                        unsigned banks)
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

size_t list_entries_map(const struct list_entries *le, const struct trace *t,
                        unsigned banks, size_t *entry_of)
{
    size_t j = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct trace_cmd *e = trace_ext(t, i);
        if (!(j > 0 && list_entry_matches(&le->v[j - 1], e, banks))) {
            while (j < le->n && !list_entry_matches(&le->v[j], e, banks))
                j++;
            if (j == le->n)
                return i;
            j++;
        }
        if (entry_of)
            entry_of[i] = j - 1;
    }
    return t->n_ext;
}
