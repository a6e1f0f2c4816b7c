/* TPM2 quote evidence as tpm2-tools 5.4 writes it, and its verification.
 *
 *   tpm2_quote -c ak.ctx -l sha1:10+sha256:10 -q NONCEHEX \
 *              -m quote.msg -s quote.sig -o quote.pcrs -g sha256
 *   quote.msg  TPMS_ATTEST, TPM wire format (big-endian)
 *   quote.sig  TPMT_SIGNATURE, TPM wire format (-f tss, the default)
 *   quote.pcrs -F serialized (the default): a host-endian dump of the C
 *              structs TPML_PCR_SELECTION (4 + 16 x 8 bytes), a u32 count
 *              and that many TPML_DIGEST (4 + 8 x (2 + 64) bytes);
 *              -F values (bare digests in selection order) is accepted too,
 *              interpreted with the quote's own selection.
 *   ak.pem     the AK public key (tpm2_createak -u ak.pem -f pem) */
#ifndef TPMFAULT_QUOTE_H
#define TPMFAULT_QUOTE_H

#include "tpm/alg.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TPM_GENERATED_VALUE 0xff544347u
#define TPM_ST_ATTEST_QUOTE 0x8018
#define TPM_ALG_RSASSA 0x0014
#define TPM_ALG_RSAPSS 0x0016
#define TPM_ALG_ECDSA  0x0018

#define QUOTE_MAX_SEL 16          /* TPM2_NUM_PCR_BANKS in tpm2-tss */
#define QUOTE_SELECT_MAX 4        /* TPM2_PCR_SELECT_MAX: 32 PCRs */
#define QUOTE_MAX_VALUES 64

struct quote_sel {
    uint16_t alg;                 /* TPM_ALG_ID of the bank */
    uint8_t size;                 /* sizeofSelect */
    uint8_t bits[QUOTE_SELECT_MAX];
};

struct quote_attest {
    uint16_t type;
    uint8_t signer[2 + ALG_MAX_DIGEST];     /* qualifiedSigner (TPM2B_NAME) */
    uint16_t signer_len;
    uint8_t nonce[ALG_MAX_DIGEST];          /* extraData */
    uint16_t nonce_len;
    uint64_t clock;
    uint32_t reset_count, restart_count;
    uint8_t safe;
    uint64_t firmware;
    size_t nsel;
    struct quote_sel sel[QUOTE_MAX_SEL];
    uint8_t pcr_digest[ALG_MAX_DIGEST];
    uint16_t pcr_digest_len;
};

struct quote_sig {
    uint16_t sig_alg;             /* TPM_ALG_RSASSA / RSAPSS / ECDSA */
    uint16_t hash_alg;
    uint8_t sig[1024];            /* RSA signature */
    uint16_t sig_len;
    uint8_t r[ALG_MAX_DIGEST + 2], s[ALG_MAX_DIGEST + 2];   /* ECDSA */
    uint16_t r_len, s_len;
};

struct quote_pcr {
    uint16_t alg;
    uint8_t pcr;
    uint8_t value[ALG_MAX_DIGEST];
    uint16_t len;
};

struct quote_pcrs {
    size_t nsel;                  /* 0 for the values format */
    struct quote_sel sel[QUOTE_MAX_SEL];
    size_t n;
    struct quote_pcr v[QUOTE_MAX_VALUES];
};

/* Parsers: 0, or -1 with *err naming the byte offset and field.  Each
 * rejects trailing bytes. */
int quote_parse_attest(const uint8_t *p, size_t n, struct quote_attest *a,
                       char **err);
int quote_parse_sig(const uint8_t *p, size_t n, struct quote_sig *s,
                    char **err);
/* sel: the quote's selection, used only for the values format (may be
 * NULL: then only the serialized format is accepted). */
int quote_parse_pcrs(const uint8_t *p, size_t n, const struct quote_attest *sel,
                     struct quote_pcrs *out, char **err);

/* For the parsers in quote*.c: a TPM2B from r into dst (at most cap bytes),
 * or -1 with *err "<file> offset N: <what> truncated|size ... exceeds ...". */
struct rd;
int quote_tpm2b(struct rd *r, const char *file, const char *what, uint8_t *dst,
                uint16_t *len, size_t cap, char **err);

/* Verify sig over msg with the PEM public key.  Returns -1 (with *err) only
 * when it cannot try (bad key, unknown algorithm); otherwise 0 and *valid. */
int quote_verify_sig(const uint8_t *msg, size_t msg_len,
                     const struct quote_sig *sig, const char *pem,
                     size_t pem_len, bool *valid, char **err);

/* pcrDigest as the TPM computes it: hash_alg over the selected values in
 * selection order.  Fails when a selected value is missing. */
int quote_pcr_digest(const struct quote_attest *a, const struct quote_pcrs *v,
                     uint16_t hash_alg, uint8_t *out, size_t *out_len,
                     char **err);

struct quote_in {
    const uint8_t *msg; size_t msg_len;
    const uint8_t *sig; size_t sig_len;
    const uint8_t *pcrs; size_t pcrs_len;
    const char *pem; size_t pem_len;
    const uint8_t *nonce; size_t nonce_len;    /* expected extraData */
    unsigned banks;       /* 1u << BANK_*: banks PCR 10 must be quoted in */
    uint32_t pcr;         /* 0 means 10 */
};

/* Every check, each on its own, and the quoted PCR value per bank. */
struct quote_check {
    bool sig_valid;       /* signature over quote.msg verifies with ak.pem */
    bool type_ok;         /* magic and TPM_ST_ATTEST_QUOTE (parse checks them) */
    bool nonce_ok;        /* extraData == expected nonce */
    bool selection_ok;    /* the PCR is selected in every bank of in.banks */
    bool pcrs_sel_ok;     /* quote.pcrs selection == the quote's (serialized) */
    bool digest_ok;       /* pcrDigest == hash of quote.pcrs values */
    bool have_pcr[BANK_COUNT];
    uint8_t pcr[BANK_COUNT][ALG_MAX_DIGEST];   /* from quote.pcrs */
    struct quote_attest attest;
    struct quote_sig sig;
};

/* Parse everything and run every check.  Returns -1 (with *err) when a file
 * cannot be parsed (truncated, wrong magic/type, bad key); 0 otherwise,
 * with the result of each check in *out. */
int quote_check(const struct quote_in *in, struct quote_check *out, char **err);
/* All checks passed. */
bool quote_check_ok(const struct quote_check *c);
/* Read the files (each at most 64 KiB) and quote_check them. */
int quote_check_files(const char *msg, const char *sig, const char *pcrs,
                      const char *pem, const uint8_t *nonce, size_t nonce_len,
                      unsigned banks, struct quote_check *out, char **err);

#endif
