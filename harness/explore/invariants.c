#include "explore/invariants.h"

#include <string.h>

static enum inv_result holds_if(bool ok)
{
    return ok ? INV_HOLDS : INV_VIOLATED;
}

/* Every measured file has its list entry, in order (unknown when no list
 * arrived: a guest that died first says nothing of it). */
enum inv_result inv_list_complete(const struct run_facts *rf)
{
    if (!rf->list_received)
        return INV_UNKNOWN;
    return holds_if(rf->list_complete);
}

static bool diverges(const struct run_facts *rf, int64_t k)
{
    return rf_has(&rf->not_in_pcr, k) || rf_has(&rf->applied_twice, k);
}

static bool all_logged(const struct run_facts *rf, const struct rf_idxset *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (!rf_has(&rf->error_entries, s->v[i]))
            return false;
    return true;
}

/* Every entry missing from PCR 10 or applied twice has a kernel error
 * logged for its measurement: the guest knows what went wrong. */
enum inv_result inv_no_silent_divergence(const struct run_facts *rf)
{
    if (!rf->explained)
        return INV_UNKNOWN;
    return holds_if(all_logged(rf, &rf->not_in_pcr) &&
                    all_logged(rf, &rf->applied_twice));
}

/* Every kernel error belongs to an entry that really is missing or
 * doubled; an error of no known entry is an alarm only when nothing
 * diverged at all. */
enum inv_result inv_no_false_alarm(const struct run_facts *rf)
{
    if (!rf->explained)
        return INV_UNKNOWN;
    for (size_t i = 0; i < rf->error_entries.n; i++)
        if (!diverges(rf, rf->error_entries.v[i]))
            return INV_VIOLATED;
    bool any = rf->not_in_pcr.n + rf->applied_twice.n > 0;
    return holds_if(rf->errors_unplaced == 0 || any);
}

/* An exact verifier (the whole list must replay to the quote) rejects
 * every run whose PCR differs from the list: a quote never equals the
 * replay while the TPM's PCR 10 does not. */
enum inv_result inv_exact_verifier_rejects(const struct run_facts *rf)
{
    bool judged = false;
    for (size_t b = 0; b < rf->n_banks; b++) {
        const struct rf_bank *k = &rf->bank[b];
        if (!k->replay[0] || !k->tpm[0] || !k->quote[0])
            continue;
        judged = true;
        if (strcmp(k->replay, k->tpm) != 0 && strcmp(k->replay, k->quote) == 0)
            return INV_VIOLATED;
    }
    return judged ? INV_HOLDS : INV_UNKNOWN;
}

/* The entries not in PCR 10 are the list's last ones and none was
 * applied twice: the PCR is the replay of a strict prefix. */
static bool tail_missing(const struct run_facts *rf)
{
    return rf->not_in_pcr.n > 0 && rf->applied_twice.n == 0 && rf_only_tail(rf);
}

static bool quote_is_tpm(const struct run_facts *rf)
{
    for (size_t b = 0; b < rf->n_banks; b++)
        if (!rf->bank[b].quote[0] || strcmp(rf->bank[b].quote, rf->bank[b].tpm) != 0)
            return false;
    return rf->n_banks > 0;
}

/* Violated when evmctl-style prefix matching (what evmctl and Keylime do)
 * accepts the list: a valid quote of the TPM's PCR 10, and that PCR is a
 * strict prefix's replay, so the tail never reached the TPM. */
enum inv_result inv_prefix_verifier_fooled(const struct run_facts *rf)
{
    if (!rf->explained)
        return INV_UNKNOWN;
    bool fooled = rf->quote_valid && quote_is_tpm(rf) && tail_missing(rf);
    return holds_if(!fooled);
}

/* IMA's TPM-bypass mode only when the guest really has no TPM. */
enum inv_result inv_bypass_only_without_tpm(const struct run_facts *rf)
{
    return holds_if(!rf->bypass || !rf->tpm_present);
}

/* boot_aggregate is the hash of the PCRs the firmware really extended, or
 * says it had no TPM (all zeros).  The hash of all-zero PCRs is not: here
 * the firmware (SeaBIOS) always extends PCRs 0-7, so it means IMA read
 * none of them. */
enum inv_result inv_boot_aggregate_honest(const struct run_facts *rf)
{
    const char *is = rf->boot_aggregate_is;
    if (!is[0])
        return INV_UNKNOWN;
    return holds_if(strcmp(is, "firmware") == 0 || strcmp(is, "zero") == 0);
}

/* The guest agent finished and powered off. */
enum inv_result inv_guest_survives(const struct run_facts *rf)
{
    return holds_if(rf->guest_alive);
}

/* With a TPM and no fault on anything but PCR_Extend, none that ends the
 * TPM's service (the TPM itself works: only measurements were disturbed),
 * the guest gets a valid quote. */
enum inv_result inv_quote_when_tpm_works(const struct run_facts *rf)
{
    if (!rf->tpm_present || rf->faults_tpm_broken > 0)
        return INV_HOLDS;
    if (!rf->guest_alive && !rf->quote_present)
        return INV_UNKNOWN;     /* the guest died before it asked: guest-survives says so */
    return holds_if(rf->quote_present && rf->quote_valid);
}

const struct invariant invariants[] = {
    { "list-complete", inv_list_complete, "a measured file has no list entry" },
    { "no-silent-divergence", inv_no_silent_divergence,
      "an entry missing from PCR 10 or applied twice has no kernel error" },
    { "no-false-alarm", inv_no_false_alarm,
      "a kernel error belongs to an entry that is neither missing nor doubled" },
    { "exact-verifier-rejects", inv_exact_verifier_rejects,
      "the quote equals the replay although the TPM's PCR 10 does not" },
    { "prefix-verifier-fooled", inv_prefix_verifier_fooled,
      "a valid quote is the replay of a strict prefix: evmctl and Keylime accept it" },
    { "bypass-only-without-tpm", inv_bypass_only_without_tpm,
      "IMA went into TPM-bypass with a TPM present" },
    { "boot-aggregate-honest", inv_boot_aggregate_honest,
      "boot_aggregate is neither the firmware's PCRs' hash nor zero" },
    { "guest-survives", inv_guest_survives, "the guest agent did not finish" },
    { "quote-when-tpm-works", inv_quote_when_tpm_works,
      "no valid quote although the TPM itself worked" },
};
const size_t n_invariants = sizeof(invariants) / sizeof(invariants[0]);

const char *inv_result_name(enum inv_result r)
{
    static const char *const names[] = { "holds", "violated", "unknown" };
    return names[r];
}
