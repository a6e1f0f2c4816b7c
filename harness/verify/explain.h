/* Explaining a PCR 10 that does not match the list, from the ground truth:
 * align the extends swtpm really applied (the trace) with the list's
 * entries, in order.  An entry no applied extend matches was never in the
 * PCR; an entry two consecutive applied extends match was applied twice (a
 * driver resend of a command swtpm had executed).  The explanation counts
 * only when replaying the list with exactly those changes gives the TPM's
 * PCR 10 in every bank. */
#ifndef TPMFAULT_EXPLAIN_H
#define TPMFAULT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/entries.h"
#include "verify/trace.h"

#define EXPLAIN_MAX_LIST 64

struct explanation {
    bool found;                    /* an alignment exists and replays to the TPM */
    char why[256];                 /* when not found: what went wrong */
    int64_t not_in_pcr[EXPLAIN_MAX_LIST];
    size_t n_not_in_pcr;
    int64_t applied_twice[EXPLAIN_MAX_LIST];
    size_t n_applied_twice;
    size_t more;                   /* indices beyond the arrays' room */
    int64_t first_divergent;       /* first entry not applied exactly once, or -1 */
    char first_file[256];
    char first_why[320];           /* why it diverges, from its frames */
};

/* Align the trace's applied extends with le (in le's banks). */
void explain_run(const struct list_entries *le, const struct trace *t,
                 struct explanation *x);

/* In words, why entry (which swtpm applied `times` times) diverges:
 * the trace frames that carried it and what decided their fate. */
void explain_entry_fate(const struct list_entry *entry, unsigned times,
                        const struct trace *t, unsigned banks, char *buf,
                        size_t n);

#endif
