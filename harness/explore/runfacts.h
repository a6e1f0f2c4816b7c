/* What the explorer needs of one run: a flat view of report.json's facts,
 * so the invariants are pure functions over plain data (and unit tests can
 * build a run by hand). */
#ifndef TPMFAULT_RUNFACTS_H
#define TPMFAULT_RUNFACTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RF_MAX_IDX 64           /* entries kept per index set */
#define RF_MAX_BANKS 4
#define RF_HEX 129              /* sha512 in hex, and the NUL */

struct rf_idxset {
    size_t n;
    int64_t v[RF_MAX_IDX];
};

struct rf_bank {
    char name[8];
    /* PCR 10 in hex: replayed from the list, held by the TPM before
     * shutdown (the shim's read), quoted; "" when unknown */
    char replay[RF_HEX], tpm[RF_HEX], quote[RF_HEX];
};

struct run_facts {
    bool tpm_present;           /* the guest had a TPM (scenario tpm=present) */
    bool list_complete;
    bool list_received;         /* the guest's list arrived (no list_problem, or entries) */
    uint64_t list_entries;
    /* entries_not_in_pcr / entries_applied_twice: known only when the
     * trace explains the TPM's PCR 10 (report: explanation.found) */
    bool explained;
    struct rf_idxset not_in_pcr, applied_twice;
    struct rf_idxset error_entries;     /* kernel errors placed on an entry */
    unsigned errors_unplaced;           /* kernel errors of no known entry */
    bool bypass;
    /* report's boot_aggregate_is: what the list's boot_aggregate is
     * against the firmware's extends in the trace (firmware, zero,
     * zero-pcrs, other); "" when the report could not judge it */
    char boot_aggregate_is[16];
    bool quote_present, quote_valid;
    bool guest_alive;
    /* the run is broken by the guest (report's broken_by: it hung,
     * panicked or stopped short), not by the harness: its facts count */
    bool guest_failed;
    unsigned faults_fired;              /* firings of any rule */
    unsigned faults_tpm_broken;         /* of those, on a command other than PCR_Extend */
    size_t n_banks;
    struct rf_bank bank[RF_MAX_BANKS];
};

bool rf_has(const struct rf_idxset *s, int64_t k);
/* The entries not in PCR 10 are exactly the list's last ones (true for
 * none). */
bool rf_only_tail(const struct run_facts *rf);

/* Fill rf from the text of a report.json.  0, or -1 with *err naming the
 * field that is missing or of the wrong type. */
int runfacts_parse(const char *json, struct run_facts *rf, char **err);

#endif
