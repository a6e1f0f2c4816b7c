/* The verdict of a replay against a PCR 10 value per bank (a quote, or the
 * TPM's PCR read), without a trace: the whole list must replay to it.  When
 * only a strict prefix does (what evmctl and Keylime accept), the last
 * entries never reached the TPM: a mismatch, and the verdict says which. */
#ifndef TPMFAULT_REPLAY_VERDICT_H
#define TPMFAULT_REPLAY_VERDICT_H

#include "verify/replay.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct bank_verdict {
    bool match;                  /* the whole list replays to the value */
    bool prefix;                 /* not the whole list, but a strict prefix */
    int64_t prefix_last;         /* its last entry's index; -1: the empty one */
    uint64_t missing;            /* PCR 10 entries after the prefix */
    /* The first entry the value does not reflect (index -1: unknown, when
     * no prefix replays to the value). */
    struct replay_entry_ref first_divergent;
};

void replay_verdict_bank(const struct replay_vs_pcr *cmp,
                         const struct replay_result *res, enum bank b,
                         struct bank_verdict *v);

/* "match: ...", "entries 0..N-1 match; the last K entries never reached the
 * TPM (...)" or "no prefix of the list replays to it". */
void replay_verdict_describe(const struct bank_verdict *v,
                             const struct replay_result *res, char *buf,
                             size_t size);

#endif
