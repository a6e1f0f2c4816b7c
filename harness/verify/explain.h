/* Explaining a PCR 10 that does not match the list, from the ground truth:
 * align the extends swtpm really applied (the trace) with the list's
 * entries, in order.  An entry no applied extend matches was never in the
 * PCR; an entry two consecutive applied extends match was applied twice (a
 * driver resend of a command swtpm had executed).  The explanation counts
 * only when replaying the list with exactly those changes gives the PCR 10
 * it explains in every bank.
 *
 * One engine for every caller: the run's verdict explains the TPM's PCR 10
 * at shutdown over the whole list (explain_run); `tpmfault replay --trace`
 * explains the entries measured before the quote against the quoted values
 * (explain_scoped).  Entries are named by their list index, 0 being
 * boot_aggregate, everywhere. */
#ifndef TPMFAULT_EXPLAIN_H
#define TPMFAULT_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "verify/entries.h"
#include "verify/trace.h"

#define EXPLAIN_MAX_LIST 64

struct explanation {
    bool aligned;                  /* every applied extend matched an entry, in order */
    bool found;                    /* aligned, and it replays to the target */
    char why[256];                 /* when not found: what went wrong */
    int64_t not_in_pcr[EXPLAIN_MAX_LIST];
    size_t n_not_in_pcr;
    int64_t applied_twice[EXPLAIN_MAX_LIST];
    size_t n_applied_twice;
    size_t more;                   /* indices beyond the arrays' room */
    int64_t first_divergent;       /* first entry not applied exactly once, or -1 */
    unsigned first_times;          /* how often swtpm applied it */
    char first_file[256];
    char first_why[320];           /* why it diverges, from its frames */
};

/* What PCR 10 value the alignment must replay to. */
enum explain_target {
    EXPLAIN_VS_TRUTH,              /* the trace's pcr_truth (swtpm at shutdown) */
    EXPLAIN_VS_VALUES,             /* scope.values, in the banks scope.value_banks */
    EXPLAIN_VS_NOTHING,            /* none: the alignment alone decides */
};

struct explain_scope {
    unsigned before_ord;           /* only extends before this ordinal (the
                                    * quote); 0: every extend */
    size_t entries;                /* the first this-many list entries; 0: all */
    enum explain_target target;
    unsigned value_banks;
    const uint8_t (*values)[ALG_MAX_DIGEST];   /* [BANK_COUNT] */
};

/* Align the trace's applied extends with le (in le's banks) and explain
 * the TPM's PCR 10 at shutdown: the whole list, every extend. */
void explain_run(const struct list_entries *le, const struct trace *t,
                 struct explanation *x);

/* The same within a scope (above). */
void explain_scoped(const struct list_entries *le, const struct trace *t,
                    const struct explain_scope *sc, struct explanation *x);

/* How often swtpm applied each entry of le (times: le->n zeroed counters),
 * by the alignment explain_run makes, over every extend.  0, or -1 with why
 * (n bytes) when an applied extend matches no entry in order. */
int explain_times(const struct list_entries *le, const struct trace *t,
                  unsigned *times, char *why, size_t n);

/* "first divergent entry 3 (/work/file3): <why>" when x found one, else
 * "" (the console, the JUnit failure and the suite's summary say it so). */
const char *explain_divergence_text(const struct explanation *x, char *buf,
                                    size_t n);

/* In words, why list entry le->v[i] (which swtpm applied `times` times)
 * diverges: the trace frames that carried it and what decided their fate;
 * for an entry none of whose extends reached the shim, the frame that kept
 * the guest's TPM device busy (held, dropped, or the channel closed) and
 * QEMU's cancels, or that the trace shows no such frame. */
void explain_entry_fate(const struct list_entries *le, size_t i, unsigned times,
                        const struct trace *t, char *buf, size_t n);

#endif
