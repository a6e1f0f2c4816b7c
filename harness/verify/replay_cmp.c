/* Comparisons of a replay against a target: a final PCR value (what a
 * quote shows) or the sequence of extends the TPM received (the trace). */
#include "verify/replay.h"

#include "util/err.h"

#include <string.h>

static void ref_set(struct replay_entry_ref *ref, const struct ima_entry *e)
{
    ref->index = (int64_t)e->index;
    snprintf(ref->file_name, sizeof ref->file_name, "%s", e->file_name);
}

static void ref_clear(struct replay_entry_ref *ref)
{
    ref->index = -1;
    ref->file_name[0] = '\0';
}

/* --- against a final PCR value ------------------------------------------ */

struct pcr_cmp {
    const uint8_t (*target)[ALG_MAX_DIGEST];
    struct replay_vs_pcr *out;
    bool want_diverge[BANK_COUNT];   /* the last step matched: name the next */
    const struct replay_opts *user;  /* the caller's own on_step, chained */
};

static int pcr_step(const struct replay_step *s, void *ctx, char **err)
{
    struct pcr_cmp *c = ctx;
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(s->banks & (1u << b)))
            continue;
        size_t n = alg_by_bank(b)->size;
        if (c->want_diverge[b]) {          /* first entry after a match */
            ref_set(&c->out->diverge[b], s->entry);
            c->want_diverge[b] = false;
        }
        if (memcmp(s->pcr[b], c->target[b], n) == 0) {
            if (c->out->first_match[b] < 0)
                c->out->first_match[b] = (int64_t)s->entry->index;
            c->out->last_match[b] = (int64_t)s->entry->index;
            c->out->matched_extends[b] = s->extend_no + 1;
            ref_clear(&c->out->diverge[b]);
            c->want_diverge[b] = true;
        }
    }
    return c->user->on_step ? c->user->on_step(s, c->user->ctx, err) : 0;
}

int replay_compare_pcr(const struct replay_src *src,
                       const struct replay_opts *opts,
                       const uint8_t target[BANK_COUNT][ALG_MAX_DIGEST],
                       struct replay_vs_pcr *out, struct replay_result *res,
                       char **err)
{
    static const struct replay_opts none;
    struct replay_opts o = opts ? *opts : none;
    struct pcr_cmp c = { target, out, { false }, opts ? opts : &none };
    static const uint8_t zero[ALG_MAX_DIGEST];
    memset(out, 0, sizeof *out);
    for (int b = 0; b < BANK_COUNT; b++) {
        out->first_match[b] = out->last_match[b] = -1;
        ref_clear(&out->diverge[b]);
        /* an untouched PCR (all zeros) matching: the first entry diverges */
        out->zero_matches[b] = memcmp(target[b], zero, alg_by_bank(b)->size) == 0;
        c.want_diverge[b] = out->zero_matches[b];
    }
    o.on_step = pcr_step;
    o.ctx = &c;
    if (replay_run(src, &o, res, err) < 0)
        return -1;
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(res->banks & (1u << b)))
            continue;
        out->equal[b] = memcmp(res->pcr[b], target[b], alg_by_bank(b)->size) == 0;
        if (out->equal[b])
            ref_clear(&out->diverge[b]);
    }
    return 0;
}

/* --- against the extends the TPM received -------------------------------- */

struct ext_cmp {
    const uint8_t (*ext)[BANK_COUNT][ALG_MAX_DIGEST];
    size_t n;
    struct replay_vs_extends *out;
};

static int ext_step(const struct replay_step *s, void *ctx, char **err)
{
    (void)err;
    struct ext_cmp *c = ctx;
    if (s->extend_no >= c->n) {
        c->out->kind = REPLAY_DIV_LIST_LONGER;
        c->out->extend_no = s->extend_no;
        ref_set(&c->out->at, s->entry);
        return 1;
    }
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(s->banks & (1u << b)))
            continue;
        if (memcmp(s->ext[b], c->ext[s->extend_no][b], alg_by_bank(b)->size)) {
            c->out->kind = REPLAY_DIV_DIGEST;
            c->out->extend_no = s->extend_no;
            c->out->bank = (enum bank)b;
            ref_set(&c->out->at, s->entry);
            return 1;
        }
    }
    return 0;
}

int replay_compare_extends(const struct replay_src *src,
                           const struct replay_opts *opts,
                           const uint8_t (*ext)[BANK_COUNT][ALG_MAX_DIGEST],
                           size_t n_ext, struct replay_vs_extends *out,
                           struct replay_result *res, char **err)
{
    struct replay_opts o = opts ? *opts : (struct replay_opts){ 0 };
    struct ext_cmp c = { ext, n_ext, out };
    memset(out, 0, sizeof *out);
    out->kind = REPLAY_DIV_NONE;
    ref_clear(&out->at);
    o.on_step = ext_step;
    o.ctx = &c;
    if (replay_run(src, &o, res, err) < 0)
        return -1;
    if (out->kind == REPLAY_DIV_NONE && res->extends < n_ext) {
        out->kind = REPLAY_DIV_TPM_LONGER;
        out->extend_no = res->extends;
    }
    return 0;
}
