/* The facts of one run, read from its report directory: the guest's list,
 * the quote, the shim's trace (ground truth), the guest's dmesg. */
#ifndef TPMFAULT_FACTS_H
#define TPMFAULT_FACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "faults/scenario.h"
#include "runner/outcome.h"
#include "tpm/alg.h"
#include "verify/dmesg.h"
#include "verify/explain.h"
#include "verify/replay.h"
#include "verify/trace.h"

struct bank_facts {
    bool have_replay, have_quote, have_tpm;
    uint8_t replay[ALG_MAX_DIGEST];
    uint8_t quote[ALG_MAX_DIGEST];
    uint8_t tpm[ALG_MAX_DIGEST];
    struct replay_entry_ref diverge_tpm;    /* first entry the TPM lacks */
    struct replay_entry_ref diverge_quote;  /* first entry the quote lacks */
};

struct facts {
    unsigned banks;                 /* the scenario's banks */
    /* the list */
    bool have_list;
    char list_problem[256];         /* parse error, with the byte offset */
    uint64_t list_entries;
    uint64_t violations;
    bool list_complete;
    char list_complete_detail[256];
    char boot_aggregate[2 * ALG_MAX_DIGEST + 16];  /* "sha256:hex" */
    bool boot_aggregate_zero;
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

#endif
