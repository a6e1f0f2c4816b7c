/* The exact comparison a trace makes possible.
 *
 * evmctl and Keylime accept a list when some prefix of it replays to the
 * quoted PCR 10: entries whose extends never reached the TPM then pass as
 * "measured after the quote".  The shim's trace knows better: which PCR 10
 * extends the guest sent before the quote, and which of them swtpm applied.
 * The first `sent` PCR 10 entries of the list must be exactly the extends
 * swtpm applied before the quote, one for one, in every bank; entries after
 * them were measured after the quote and are not covered by it.  A trace
 * with no quote (swtpm died, the guest never quoted) covers the whole list:
 * the TPM's last value must reflect every entry. */
#ifndef TPMFAULT_REPLAY_TRACE_H
#define TPMFAULT_REPLAY_TRACE_H

#include "verify/boot_aggregate.h"
#include "verify/replay.h"
#include "verify/trace.h"

#include <stdbool.h>
#include <stddef.h>

/* What replay needs from trace.jsonl besides trace_load's PCR 10 extends. */
struct trace_scan {
    /* PCRs 0-9 as swtpm held them at IMA's first PCR 10 extend: the folds
     * of the extends it applied since power-on (the trace starts there). */
    struct boot_pcrs boot;
    bool have_quote;
    unsigned quote_ord;          /* the last Quote swtpm answered with success */
};
int trace_scan_file(const char *path, struct trace_scan *s, char **err);

struct trace_exact {
    size_t sent;                 /* PCR 10 measurements sent before the quote
                                  * (a driver's resend of the same digests
                                  * counts once); with no quote, at least
                                  * every PCR 10 entry of the list */
    size_t applied;              /* PCR 10 extends swtpm applied before it */
    uint64_t list_extends;       /* PCR 10 entries in the whole list */
    unsigned banks;              /* banks compared (the trace's and opts') */
    struct replay_vs_extends div;/* the first `sent` entries vs the applied */
    uint8_t prefix_pcr[BANK_COUNT][ALG_MAX_DIGEST]; /* replay of those entries */
    bool exact;                  /* div.kind == NONE and the list has them all */
};

/* Compare the list with the trace t (trace_load) up to the quote s. */
int replay_trace_exact(const struct replay_src *src,
                       const struct replay_opts *opts, const struct trace *t,
                       const struct trace_scan *s, struct trace_exact *out,
                       char **err);

/* One line for a human: "exact: ..." or what diverges and where. */
void trace_exact_describe(const struct trace_exact *x, char *buf, size_t size);

#endif
