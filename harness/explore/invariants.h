/* The properties every run should have, each a named pure function over a
 * run's facts.  A run can violate several; an invariant whose facts the run
 * did not give (no quote, no explanation of PCR 10) is unknown, not held. */
#ifndef TPMFAULT_INVARIANTS_H
#define TPMFAULT_INVARIANTS_H

#include "explore/runfacts.h"

enum inv_result { INV_HOLDS, INV_VIOLATED, INV_UNKNOWN };

struct invariant {
    const char *name;
    enum inv_result (*check)(const struct run_facts *rf);
    const char *violated;       /* "violated: ...", for a found script's comment */
};

extern const struct invariant invariants[];
extern const size_t n_invariants;

enum inv_result inv_list_complete(const struct run_facts *rf);
enum inv_result inv_no_silent_divergence(const struct run_facts *rf);
enum inv_result inv_no_false_alarm(const struct run_facts *rf);
enum inv_result inv_exact_verifier_rejects(const struct run_facts *rf);
enum inv_result inv_prefix_verifier_fooled(const struct run_facts *rf);
enum inv_result inv_bypass_only_without_tpm(const struct run_facts *rf);
enum inv_result inv_boot_aggregate_honest(const struct run_facts *rf);
enum inv_result inv_guest_survives(const struct run_facts *rf);
enum inv_result inv_quote_when_tpm_works(const struct run_facts *rf);

const char *inv_result_name(enum inv_result r);

#endif
