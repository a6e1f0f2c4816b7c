/* Replay of PCR 10 from an IMA binary measurement list, one value per bank.
 *
 * Rules (kernel ima_crypto.c ima_calc_field_array_hash, ima_queue.c):
 *  - each entry of the replayed PCR extends every bank: pcr = H(pcr || d);
 *  - the sha1 bank's d is the template digest in the list (for a per-bank
 *    list, binary_runtime_measurements_<alg>, the list's digest belongs to
 *    that bank: opts.list_bank);
 *  - other banks' d is that bank's hash over the template data: for every
 *    template but "ima" each field's u32 length + bytes, i.e. exactly the
 *    template data bytes of the list; for "ima" the 20-byte digest then the
 *    file name zero-padded to 256 bytes (IMA_EVENT_NAME_LEN_MAX + 1), no
 *    lengths;
 *  - a bank IMA had no hash algorithm for at boot (opts.padded_banks: the
 *    kernel logged "ima: Can not allocate <alg>", e.g. sha512 built as a
 *    module with no module loadable yet) gets the sha1 template digest
 *    zero-padded to the bank's size ("for unmapped TPM algorithms digest is
 *    still a padded SHA1"), and a per-bank list of it carries that digest;
 *  - a violation (all-zero template digest) extends 0xff.. (bank size) in
 *    every bank. */
#ifndef TPMFAULT_REPLAY_H
#define TPMFAULT_REPLAY_H

#include "tpm/alg.h"
#include "verify/imalist.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define REPLAY_NAME_MAX 256          /* file names are copied, truncated */

/* Where the list comes from: a FILE (f != NULL) or a buffer. */
struct replay_src {
    FILE *f;
    const void *p;
    size_t n;
    size_t digest_len;      /* 0 or 20: classic list; bank size: per-bank list */
};

/* Handed to opts.on_step after each entry that extended the PCR. */
struct replay_step {
    const struct ima_entry *entry;
    uint64_t extend_no;                          /* 0-based */
    unsigned banks;
    const uint8_t (*ext)[ALG_MAX_DIGEST];        /* [BANK_COUNT]: digest extended */
    const uint8_t (*pcr)[ALG_MAX_DIGEST];        /* [BANK_COUNT]: value after it */
};

struct replay_opts {
    unsigned banks;         /* mask of 1u << BANK_*; 0 means sha1 + sha256 */
    uint32_t pcr;           /* PCR whose entries are replayed; 0 means 10 */
    enum bank list_bank;    /* bank of the list's digest field (BANK_SHA1) */
    unsigned padded_banks;  /* banks extended with the padded sha1 digest */
    uint64_t max_entries;   /* replay only entries with index < this; 0: all */
    uint64_t max_extends;   /* stop after this many extends of the PCR; 0: all */
    /* Optional: 0 to go on, 1 to stop (replay returns 0), -1 to fail. */
    int (*on_step)(const struct replay_step *s, void *ctx, char **err);
    void *ctx;
};

struct replay_result {
    unsigned banks;
    uint8_t pcr[BANK_COUNT][ALG_MAX_DIGEST];   /* final values */
    uint64_t entries;          /* entries read, any PCR */
    uint64_t extends;          /* entries that extended the replayed PCR */
    uint64_t violations;       /* of those, violations */
    uint64_t other_pcr;        /* entries for other PCRs (skipped) */
    /* Non-violation entries whose list digest is not the hash of their
     * template data (a tampered or mis-parsed list). */
    uint64_t digest_mismatches;
    int64_t first_mismatch;    /* its index, or -1 */
};

/* Replay the list (or its first opts->max_entries entries).  Returns 0 or
 * -1 with *err (a parse error names the offset). */
int replay_run(const struct replay_src *src, const struct replay_opts *opts,
               struct replay_result *res, char **err);

/* --- comparisons -------------------------------------------------------- */

struct replay_entry_ref {
    int64_t index;                 /* -1: none */
    char file_name[REPLAY_NAME_MAX];
};

/* Against a final PCR value per bank (a quote, or the TPM's PCR read). */
/* opts->on_step, if any, is called after the comparison's own step. */
struct replay_vs_pcr {
    bool equal[BANK_COUNT];        /* whole replay == target */
    /* First / last entry after which the running value equals the target
     * (-1: never; the initial all-zero value counts as index -1 and is
     * reported through zero_matches). */
    int64_t first_match[BANK_COUNT];
    int64_t last_match[BANK_COUNT];
    /* Extends of the PCR up to and including last_match (0 when only the
     * initial value matched). */
    uint64_t matched_extends[BANK_COUNT];
    bool zero_matches[BANK_COUNT];
    /* When not equal and a prefix matched: the first entry after the last
     * matching prefix (the first one the PCR does not reflect). */
    struct replay_entry_ref diverge[BANK_COUNT];
};
int replay_compare_pcr(const struct replay_src *src,
                       const struct replay_opts *opts,
                       const uint8_t target[BANK_COUNT][ALG_MAX_DIGEST],
                       struct replay_vs_pcr *out, struct replay_result *res,
                       char **err);

/* Against the sequence of PCR extends the TPM really received (from the
 * shim's trace): ext[i][bank] is the i-th extend of the PCR, in the banks
 * of opts->banks.  Names the first entry whose digest differs, or says
 * that the list or the TPM has more. */
enum replay_div_kind {
    REPLAY_DIV_NONE,        /* same sequence */
    REPLAY_DIV_DIGEST,      /* entry `at` extended something else */
    REPLAY_DIV_LIST_LONGER, /* entry `at` and later never reached the TPM */
    REPLAY_DIV_TPM_LONGER,  /* the TPM received extends the list lacks */
};
struct replay_vs_extends {
    enum replay_div_kind kind;
    struct replay_entry_ref at;
    uint64_t extend_no;     /* position in the extend sequence */
    enum bank bank;         /* for REPLAY_DIV_DIGEST: the first differing bank */
};
int replay_compare_extends(const struct replay_src *src,
                           const struct replay_opts *opts,
                           const uint8_t (*ext)[BANK_COUNT][ALG_MAX_DIGEST],
                           size_t n_ext, struct replay_vs_extends *out,
                           struct replay_result *res, char **err);

#endif
