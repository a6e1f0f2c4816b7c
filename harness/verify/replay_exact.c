/* The list against the extends swtpm applied before the quote (see
 * replay_trace.h). */
#include "verify/replay_trace.h"

#include "util/err.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

static bool before_quote(const struct trace_scan *s, const struct trace_extend *e)
{
    return !s->have_quote || e->ord < s->quote_ord;
}

static bool same_digests(const struct trace_extend *a, const struct trace_extend *b)
{
    if (a->bank_mask != b->bank_mask)
        return false;
    for (int k = 0; k < BANK_COUNT; k++)
        if ((a->bank_mask & (1u << k)) &&
            memcmp(a->digest[k], b->digest[k], alg_by_bank((enum bank)k)->size))
            return false;
    return true;
}

/* Count what was sent and copy what was applied before the quote; the
 * banks compared are those every extend carried. */
static int collect(const struct trace *t, const struct trace_scan *s,
                   struct trace_exact *x,
                   uint8_t (**applied)[BANK_COUNT][ALG_MAX_DIGEST], char **err)
{
    *applied = calloc(t->n_ext ? t->n_ext : 1, sizeof **applied);
    if (!*applied)
        return err_set(err, "out of memory");
    const struct trace_extend *prev = NULL;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct trace_extend *e = &t->ext[i];
        if (!before_quote(s, e))
            break;
        x->banks &= e->bank_mask;
        if (!prev || !same_digests(prev, e) || trace_extend_applied(prev))
            x->sent++;
        if (trace_extend_applied(e))
            memcpy((*applied)[x->applied++], e->digest, sizeof e->digest);
        prev = e;
    }
    return 0;
}

static int prefix_value(const struct replay_src *src, const struct replay_opts *o,
                        struct trace_exact *x, char **err)
{
    struct replay_result res;
    if (x->sent == 0)
        return 0;                   /* nothing extended: all zeros */
    struct replay_opts p = *o;
    p.max_extends = x->sent;
    p.on_step = NULL;
    if (src->f)
        rewind(src->f);
    if (replay_run(src, &p, &res, err) < 0)
        return -1;
    memcpy(x->prefix_pcr, res.pcr, sizeof x->prefix_pcr);
    return 0;
}

int replay_trace_exact(const struct replay_src *src,
                       const struct replay_opts *opts, const struct trace *t,
                       const struct trace_scan *s, struct trace_exact *out,
                       char **err)
{
    uint8_t (*applied)[BANK_COUNT][ALG_MAX_DIGEST] = NULL;
    struct replay_opts o = opts ? *opts : (struct replay_opts){ 0 };
    struct replay_result res;
    memset(out, 0, sizeof *out);
    out->banks = o.banks ? o.banks : (1u << BANK_SHA1) | (1u << BANK_SHA256);
    int rc = collect(t, s, out, &applied, err);
    if (rc == 0 && !out->banks)
        rc = err_set(err, "the trace's extends share no bank with the replay");
    o.banks = out->banks;
    o.max_extends = 0;
    if (rc == 0 && src->f)
        rewind(src->f);
    /* The whole list, compared extend by extend as far as `sent`. */
    if (rc == 0)
        rc = replay_compare_extends(src, &o, (const uint8_t (*)[BANK_COUNT][ALG_MAX_DIGEST])applied,
                                    out->applied, &out->div, &res, err);
    if (rc == 0 && src->f)
        rewind(src->f);
    struct replay_result all;
    if (rc == 0)
        rc = replay_run(src, &o, &all, err);
    out->list_extends = rc == 0 ? all.extends : 0;
    /* No quote: the PCR's last value covers the whole list. */
    if (!s->have_quote && out->list_extends > out->sent)
        out->sent = (size_t)out->list_extends;
    if (rc == 0)
        rc = prefix_value(src, &o, out, err);
    free(applied);
    if (rc < 0)
        return -1;
    /* Entries beyond `sent` were measured after the quote: not a divergence. */
    if (out->div.kind == REPLAY_DIV_LIST_LONGER && out->div.extend_no >= out->sent)
        out->div.kind = REPLAY_DIV_NONE;
    out->exact = out->div.kind == REPLAY_DIV_NONE && out->list_extends >= out->sent &&
                 out->sent == out->applied;
    return 0;
}

void trace_exact_describe(const struct trace_exact *x, char *buf, size_t size)
{
    const struct replay_entry_ref *at = &x->div.at;
    switch (x->div.kind) {
    case REPLAY_DIV_NONE:
        if (x->list_extends < x->sent)
            str_fmt(buf, size, "the guest sent %zu PCR 10 measurements before "
                    "the quote, the list holds only %llu", x->sent,
                    (unsigned long long)x->list_extends);
        else if (x->applied < x->sent)
            str_fmt(buf, size, "%zu of the %zu extends sent before the quote "
                    "never reached the TPM", x->sent - x->applied, x->sent);
        else
            str_fmt(buf, size, "exact: list entries 1..%zu of PCR 10 are the "
                    "%zu extends swtpm applied before the quote, one for one",
                    x->sent, x->applied);
        break;
    case REPLAY_DIV_DIGEST:
        str_fmt(buf, size, "entry %lld (%s) diverges: the TPM's extend #%llu "
                "before the quote carries another %s digest (the entry's extend "
                "never reached the TPM, or reached it changed)",
                (long long)at->index, at->file_name,
                (unsigned long long)x->div.extend_no + 1,
                alg_by_bank(x->div.bank)->name);
        break;
    case REPLAY_DIV_LIST_LONGER:
        if (x->div.extend_no + 1 == x->sent)
            str_fmt(buf, size, "entry %lld (%s) never reached the TPM",
                    (long long)at->index, at->file_name);
        else
            str_fmt(buf, size, "entries %lld..%lld never reached the TPM (the "
                    "first of them: %s)", (long long)at->index,
                    (long long)at->index + (long long)(x->sent - x->div.extend_no) - 1,
                    at->file_name);
        break;
    case REPLAY_DIV_TPM_LONGER:
        str_fmt(buf, size, "the TPM applied %zu extends before the quote, the "
                "list accounts for %llu", x->applied,
                (unsigned long long)x->div.extend_no);
        break;
    }
}
