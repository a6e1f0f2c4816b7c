/* The exact comparison a trace makes possible.
 *
 * evmctl and Keylime accept a list when some prefix of it replays to the
 * quoted PCR 10: entries whose extends never reached the TPM then pass as
 * "measured after the quote".  The shim's trace knows better: which PCR 10
 * extends the guest sent before the quote, and which of them swtpm applied.
 * The PCR 10 entries measured before the quote (up to the one its last
 * extend frame before it carried) must be exactly the extends swtpm applied
 * before the quote, one for one, in every bank; entries after them were
 * measured after the quote and are not covered by it.  The list's PCR 10
 * entries are held in memory.  The
 * alignment is the runner's (explain.h): an entry applied twice (a resend
 * of an extend swtpm had executed) or never is named as such.  A trace
 * with no quote (swtpm died, the guest never quoted) covers the whole list:
 * the TPM's last value must reflect every entry. */
#ifndef TPMFAULT_REPLAY_TRACE_H
#define TPMFAULT_REPLAY_TRACE_H

#include "verify/boot_aggregate.h"
#include "verify/explain.h"
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
/* From trace_load's commands: the firmware's folds and the quote. */
void trace_scan(const struct trace *t, struct trace_scan *s);
/* trace_load, then trace_scan: -1 with *err naming the file and line when
 * the trace cannot be read. */
int trace_scan_file(const char *path, struct trace_scan *s, char **err);

struct trace_exact {
    size_t sent;                 /* PCR 10 measurements that reached the shim
                                  * before the quote (a driver's resend of
                                  * the same digests counts once) */
    size_t covered;              /* list entries measured before the quote:
                                  * up to the one the last extend frame before
                                  * it carried; with no quote, the whole list */
    size_t frames;               /* PCR 10 extend frames before the quote */
    size_t applied;              /* of those, applied by swtpm */
    uint64_t list_extends;       /* PCR 10 entries in the whole list */
    unsigned banks;              /* banks compared (the trace's and opts') */
    bool have_quote;             /* the trace has one (else: the end) */
    bool have_values;            /* values were given to explain */
    /* The covered entries aligned with the applied extends, by the
     * run's own explanation engine (explain.h), against the values given */
    struct explanation expl;
    uint8_t prefix_pcr[BANK_COUNT][ALG_MAX_DIGEST]; /* replay of those entries,
                                                     * each applied once */
    bool exact;                  /* every one of them applied exactly once,
                                  * and the values are their replay */
};

/* Compare the list with the trace t (trace_load) up to the quote s; values
 * (the quoted PCR 10, in value_banks; NULL: none) must be what the applied
 * extends give. */
int replay_trace_exact(const struct replay_src *src,
                       const struct replay_opts *opts, const struct trace *t,
                       const struct trace_scan *s,
                       const uint8_t (*values)[ALG_MAX_DIGEST],
                       unsigned value_banks, struct trace_exact *out,
                       char **err);

/* One line for a human: "exact: ..." or the first entry that diverges
 * (numbered from 0, as everywhere), why, and which are not in PCR 10 or
 * applied twice. */
void trace_exact_describe(const struct trace_exact *x, char *buf, size_t size);

#endif
