#include "verify/replay_verdict.h"

#include "util/str.h"

#include <string.h>

void replay_verdict_bank(const struct replay_vs_pcr *cmp,
                         const struct replay_result *res, enum bank b,
                         struct bank_verdict *v)
{
    memset(v, 0, sizeof *v);
    v->prefix_last = -1;
    v->first_divergent.index = -1;
    v->match = cmp->equal[b];
    if (v->match)
        return;
    bool some = cmp->last_match[b] >= 0 || cmp->zero_matches[b];
    if (!some)
        return;
    v->prefix = true;
    v->prefix_last = cmp->last_match[b];
    v->missing = res->extends - cmp->matched_extends[b];
    v->first_divergent = cmp->diverge[b];
}

void replay_verdict_describe(const struct bank_verdict *v,
                             const struct replay_result *res, char *buf,
                             size_t size)
{
    const struct replay_entry_ref *d = &v->first_divergent;
    if (v->match) {
        str_fmt(buf, size, "match: all %llu entries replay to it",
                (unsigned long long)res->entries);
    } else if (v->prefix && v->prefix_last < 0) {
        str_fmt(buf, size, "mismatch: the PCR is still all zeros; none of the "
                "%llu entries reached the TPM (the first: entry %lld, %s)",
                (unsigned long long)v->missing, (long long)d->index,
                d->file_name);
    } else if (v->prefix) {
        str_fmt(buf, size, "mismatch: entries 0..%lld match; the last %llu "
                "entries never reached the TPM (the first of them: entry %lld, "
                "%s)", (long long)v->prefix_last,
                (unsigned long long)v->missing, (long long)d->index,
                d->file_name);
    } else {
        str_fmt(buf, size, "mismatch: no prefix of the list replays to it "
                "(an entry differs from what was extended, or the TPM received "
                "extends the list lacks)");
    }
}
