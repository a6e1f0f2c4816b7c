/* IMA's boot_aggregate (the first list entry) recomputed from PCR values.
 *
 * Kernel security/integrity/ima/ima_crypto.c ima_calc_boot_aggregate_tfm:
 * the hash, in the bank's algorithm, of the bank-sized values of PCRs 0-7
 * for the sha1 bank and of PCRs 0-9 for any other bank, concatenated.
 * The entry's d-ng field names the bank ("sha256:<digest>"); the old "ima"
 * template's is sha1.  With no TPM, IMA writes an all-zero aggregate
 * (TPM-bypass).
 *
 * Where the PCR values come from (tpmfault replay --boot-pcrs FILE):
 *  - tpm2_pcrread output:      "  sha256:" then "    0 : 0x3A3F...";
 *  - the TPM 1.2 sysfs file or evmctl's --pcrs file:
 *                               "PCR-00: 3A 3F ..." (sha1 unless a bank
 *                               header came before);
 *  - the shim's trace (boot_pcrs_from_trace in replay_trace.h).
 * Blank lines and '#' comments are skipped; PCRs above 9 are ignored; any
 * other line is an error naming its line number. */
#ifndef TPMFAULT_BOOT_AGGREGATE_H
#define TPMFAULT_BOOT_AGGREGATE_H

#include "tpm/alg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BOOT_PCRS 10

struct boot_pcrs {
    unsigned have[BANK_COUNT];                      /* bit i: PCR i known */
    uint8_t v[BANK_COUNT][BOOT_PCRS][ALG_MAX_DIGEST];
};

/* How many PCRs bank b's aggregate covers: 8 for sha1, 10 otherwise. */
unsigned boot_aggregate_pcrs(enum bank b);

/* True when every PCR bank b's aggregate needs is known. */
bool boot_pcrs_complete(const struct boot_pcrs *p, enum bank b);

/* Read PCR values (formats above) into p, adding to what it holds.
 * name is the file's name for messages. */
int boot_pcrs_read(FILE *f, const char *name, struct boot_pcrs *p, char **err);

/* The aggregate in bank b (bank-sized) into out; -1 when a PCR is missing. */
int boot_aggregate_calc(const struct boot_pcrs *p, enum bank b, uint8_t *out,
                        char **err);

/* What an entry-0 boot_aggregate is, judged in this order (the values are
 * those of the scenario key boot-aggregate, faults/scenario.h):
 *  zero       all zeros: IMA had no TPM (TPM-bypass);
 *  zero-pcrs  the hash of all-zero PCRs: IMA had a TPM but read none of
 *             PCRs 0-9 (6.1 when every PCR_Read fails), or the firmware
 *             extended none;
 *  firmware   the hash of fw's PCRs (the firmware's extends, e.g. folded
 *             from the trace), as the kernel computes it;
 *  other      none of those (or fw lacks the PCRs: see why). */
enum boot_aggregate_kind { BA_UNKNOWN, BA_FIRMWARE, BA_ZERO, BA_ZERO_PCRS,
                           BA_OTHER };
/* The names of BA_FIRMWARE..BA_ZERO_PCRS (index kind - 1), as scripts
 * write them; NULL-terminated. */
extern const char *const boot_aggregate_names[];
/* Those, "other" for BA_OTHER, NULL for BA_UNKNOWN. */
const char *boot_aggregate_kind_name(int kind);
/* Judge digest (len bytes, of bank b); a sentence for a human into why. */
enum boot_aggregate_kind boot_aggregate_judge(const struct boot_pcrs *fw,
                                              enum bank b, const uint8_t *digest,
                                              size_t len, char *why, size_t n);

#endif
