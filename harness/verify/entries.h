/* The list's PCR 10 entries held in memory, each with what it extends into
 * every bank: what the verdict compares with the shim's trace.  Scenario
 * lists are small; big lists go through the streaming replay instead. */
#ifndef TPMFAULT_ENTRIES_H
#define TPMFAULT_ENTRIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm/alg.h"
#include "verify/replay.h"
#include "verify/trace.h"

struct list_entry {
    int64_t index;                              /* 0 = boot_aggregate */
    char file[256];
    uint8_t ext[BANK_COUNT][ALG_MAX_DIGEST];    /* digest extended per bank */
};

struct list_entries {
    struct list_entry *v;
    size_t n, cap;
    size_t max;                                 /* keep at most this many; 0: all */
    uint64_t total;                             /* PCR entries in the whole list */
    unsigned banks;
    uint8_t replay[BANK_COUNT][ALG_MAX_DIGEST]; /* PCR 10 after all of them */
};

/* Replay the list at path once, keeping every PCR 10 entry; padded: the
 * banks IMA extends with the padded sha1 digest (replay.h). */
int list_entries_load(const char *path, unsigned banks, unsigned padded,
                      struct list_entries *le, char **err);
/* The same from any source with any replay options (their on_step is not
 * used), keeping only the first max entries (0: all); le->total counts
 * them all and le->replay is the whole list's. */
int list_entries_read(const struct replay_src *src, const struct replay_opts *o,
                      size_t max, struct list_entries *le, char **err);
void list_entries_free(struct list_entries *le);
/* The trace's extend carries exactly this entry's digest in every bank of
 * banks. */
bool list_entry_matches(const struct list_entry *d, const struct trace_cmd *e,
                        unsigned banks);

/* Each PCR 10 extend of t, in order, given to the entry it carries (the
 * digests of banks): entry_of[i] is an index into le->v (entry_of may be
 * NULL; else room for t->n_ext).  A driver's resend of the same
 * measurement goes to the same entry.  Returns t->n_ext when every extend
 * has its entry in order, else the index of the first that has none. */
size_t list_entries_map(const struct list_entries *le, const struct trace *t,
                        unsigned banks, size_t *entry_of);

#endif
