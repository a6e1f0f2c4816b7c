/* The list against the extends swtpm applied before the quote (see
 * replay_trace.h), explained by the run's engine (explain.h). */
#include "verify/replay_trace.h"

#include "util/err.h"
#include "util/idxlist.h"
#include "util/str.h"

#include <stdlib.h>
#include <string.h>

/* Count frames, applied extends and banks before the quote. */
static void count(const struct trace *t, const struct trace_scan *s,
                  struct trace_exact *x)
{
    unsigned before = s->have_quote ? s->quote_ord : 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        const struct trace_cmd *e = trace_ext(t, i);
        if (before && e->ord >= before)
            break;
        x->banks &= e->bank_mask;
        x->frames++;
        x->applied += trace_extend_applied(e);
    }
    x->sent = trace_measurements(t, before);
}

/* The entries measured before the quote: up to the one the last extend
 * frame before it carried (whether it reached swtpm or not); an entry whose
 * extend never reached the shim lies among them.  No quote: all. */
static size_t covered(const struct list_entries *le, const struct trace *t,
                      const struct trace_scan *s)
{
    if (!s->have_quote)
        return le->n;
    const struct trace_cmd *last = NULL;
    for (size_t i = 0; i < t->n_ext; i++)
        if (trace_ext(t, i)->ord < s->quote_ord)
            last = trace_ext(t, i);
    for (size_t j = 0; last && j < le->n; j++)
        if (list_entry_matches(&le->v[j], last, le->banks))
            return j + 1;
    return last ? le->n : 0;
}

/* The replay of the covered entries, each once. */
static int prefix_value(const struct list_entries *le, struct trace_exact *x)
{
    for (size_t i = 0; i < le->n && i < x->covered; i++)
        for (int b = 0; b < BANK_COUNT; b++)
            if ((x->banks & (1u << b)) &&
                alg_extend((enum bank)b, x->prefix_pcr[b], le->v[i].ext[b]) < 0)
                return -1;
    return 0;
}

int replay_trace_exact(const struct replay_src *src,
                       const struct replay_opts *opts, const struct trace *t,
                       const struct trace_scan *s,
                       const uint8_t (*values)[ALG_MAX_DIGEST],
                       unsigned value_banks, struct trace_exact *out,
                       char **err)
{
    struct replay_opts o = opts ? *opts : (struct replay_opts){ 0 };
    struct list_entries le;
    memset(out, 0, sizeof *out);
    out->banks = o.banks ? o.banks : (1u << BANK_SHA1) | (1u << BANK_SHA256);
    out->have_quote = s->have_quote;
    count(t, s, out);
    if (!out->banks)
        return err_set(err, "the trace's extends share no bank with the replay");
    o.banks = out->banks;
    o.max_extends = 0;
    if (src->f)
        rewind(src->f);
    if (list_entries_read(src, &o, 0, &le, err) < 0)
        return -1;
    out->list_extends = le.total;
    out->covered = covered(&le, t, s);
    out->have_values = values && (value_banks & out->banks);
    struct explain_scope sc = {
        .before_ord = s->have_quote ? s->quote_ord : 0,
        .entries = out->covered,
        .target = out->have_values ? EXPLAIN_VS_VALUES : EXPLAIN_VS_NOTHING,
        .value_banks = value_banks & out->banks,
        .values = values,
    };
    explain_scoped(&le, t, &sc, &out->expl);
    int rc = prefix_value(&le, out);
    list_entries_free(&le);
    if (rc < 0)
        return err_set(err, "hashing the replay of the trace's entries failed");
    out->exact = out->expl.found && out->expl.first_divergent < 0;
    return 0;
}

/* "entry 3 (/work/file3) applied 2 times: <why> (not in PCR 10: none;
 * applied twice: 3)" */
static void divergent_words(const struct explanation *e, char *buf, size_t size)
{
    int64_t v[EXPLAIN_MAX_LIST];
    char missing[96], twice[96], first[48];
    memcpy(v, e->not_in_pcr, e->n_not_in_pcr * sizeof v[0]);
    idxlist_format(v, e->n_not_in_pcr, missing, sizeof missing);
    memcpy(v, e->applied_twice, e->n_applied_twice * sizeof v[0]);
    idxlist_format(v, e->n_applied_twice, twice, sizeof twice);
    if (e->first_times == 0)
        str_fmt(first, sizeof first, "never reached PCR 10");
    else
        str_fmt(first, sizeof first, "applied %u times", e->first_times);
    str_fmt(buf, size, "entry %lld (%s) %s: %s (not in PCR 10: %s; applied "
            "twice: %s)", (long long)e->first_divergent, e->first_file, first,
            e->first_why, missing, twice);
}

void trace_exact_describe(const struct trace_exact *x, char *buf, size_t size)
{
    const struct explanation *e = &x->expl;
    const char *until = x->have_quote ? "quote" : "end";
    if (!e->aligned)
        str_fmt(buf, size, "%s", e->why);
    else if (e->first_divergent >= 0)
        divergent_words(e, buf, size);
    else if (x->covered == 0)
        str_fmt(buf, size, "exact: no PCR 10 measurement was sent before the %s",
                until);
    else
        str_fmt(buf, size, "exact: list entries 0..%zu of PCR 10 are the %zu "
                "extends swtpm applied before the %s, one for one",
                x->covered - 1, x->applied, until);
}
