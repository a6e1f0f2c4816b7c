/* The facts of one run, read from its report directory: the guest's list,
 * the quote, the shim's trace (ground truth), the guest's dmesg. */
#ifndef TPMFAULT_FACTS_H
#define TPMFAULT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults/scenario.h"
#include "tpm/alg.h"
#include "verdict/outcome.h"
#include "verify/dmesg.h"
#include "verify/explain.h"
#include "verify/replay.h"
#include "verify/trace.h"

/* One bank's own list, binary_runtime_measurements_<alg> (kernels 6.10+). */
struct bank_list_facts {
    bool present;                   /* the guest sent it */
    bool read;                      /* parsed and replayed */
    uint64_t entries;
    uint8_t replay[ALG_MAX_DIGEST]; /* the bank replayed from this list */
    uint64_t digest_mismatches;     /* digests not the bank's hash of the data */
    int64_t first_mismatch;         /* its index, or -1 */
};

struct bank_facts {
    bool have_replay, have_quote, have_tpm;
    bool padded;                    /* IMA extends it with the padded sha1 digest */
    bool replay_own_list;           /* replay comes from the bank's own list */
    /* PCR 10 replayed: from the bank's own list when the lists agree, else
     * from the sha1 list (this bank's hash of each entry's template data) */
    uint8_t replay[ALG_MAX_DIGEST];
    uint8_t quote[ALG_MAX_DIGEST];
    uint8_t tpm[ALG_MAX_DIGEST];
    struct replay_entry_ref diverge_tpm;    /* first entry the TPM lacks */
    struct replay_entry_ref diverge_quote;  /* first entry the quote lacks */
    struct bank_list_facts list;
};

struct facts {
    unsigned banks;                 /* the scenario's banks */
    /* the guest's kernel */
    char kernel_release[128];       /* uname -r, "" when the guest never said */
    int kernel_series;              /* facts_kernel_series */
    unsigned padded_banks;          /* of banks: IMA had no hash for them */
    /* the per-bank lists: enum scn_lists (SCN_LISTS_UNSET: no sha1 list) */
    int bank_lists;
    char bank_lists_detail[320];
    /* the list */
    bool have_list;
    char list_problem[256];         /* parse error, with the byte offset */
    uint64_t list_entries;
    uint64_t violations;
    bool list_complete;
    char list_complete_detail[256];
    char boot_aggregate[2 * ALG_MAX_DIGEST + 16];  /* "sha256:hex" */
    bool boot_aggregate_zero;
    uint8_t boot_aggregate_digest[ALG_MAX_DIGEST];
    size_t boot_aggregate_len;
    const struct alg_info *boot_aggregate_alg;  /* its bank; NULL: unknown */
    /* what it is (boot_aggregate_judge, against the firmware's extends in
     * the trace): enum boot_aggregate_kind, BA_UNKNOWN without an entry 0 */
    int boot_aggregate_kind;
    char boot_aggregate_why[192];
    /* the trace */
    bool have_trace;
    char trace_problem[256];
    size_t extends_seen;            /* PCR 10 extends the guest sent */
    size_t extends_applied;         /* of those, executed by swtpm */
    bool trace_in_list;
    char trace_in_list_detail[256];
    struct trace trace;             /* the shim's trace, fault firings included */
    bool have_explanation;          /* explain_run ran */
    struct explanation expl;
    /* the quote */
    bool quote_present;
    bool quote_valid;
    char quote_problem[256];
    /* dmesg */
    struct dmesg_facts dmesg;
    bool guest_alive;
    struct bank_facts bank[BANK_COUNT];
};

/* Read everything in dir; problems are recorded in the facts, not errors.
 * facts_free releases what the facts own (the trace). */
void facts_collect(const char *dir, const struct scenario *s,
                   const struct run_outcome *o, struct facts *f);
void facts_free(struct facts *f);
/* Whose expectation overrides apply: the series of the release the guest
 * reported, else of the Debian kernel the run booted; an index in
 * scn_kernel_series, or -1. */
int facts_kernel_series(const struct run_outcome *o);

#endif
