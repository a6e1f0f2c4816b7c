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

#include <openssl/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tss2/tss2_tpm2_types.h>

#define QUOTE_MAX_VALUES 64

/* The TPM structures are tpm2-tss's own (TPMS_ATTEST, TPMT_SIGNATURE,
 * TPML_PCR_SELECTION), filled by libtss2-mu's unmarshalers. */
struct quote_pcr {
    uint16_t alg;
    uint8_t pcr;
    uint8_t value[ALG_MAX_DIGEST];
    uint16_t len;
};

struct quote_pcrs {
    TPML_PCR_SELECTION sel;       /* count 0 for the values format */
    size_t n;
    struct quote_pcr v[QUOTE_MAX_VALUES];
};

/* The quote's PCR selection, digest and nonce inside a TPMS_ATTEST. */
static inline const TPML_PCR_SELECTION *quote_selection(const TPMS_ATTEST *a)
{
    return &a->attested.quote.pcrSelect;
}

/* The hash the signature was made with (0 for an unknown scheme). */
uint16_t quote_sig_hash(const TPMT_SIGNATURE *s);

/* Parsers: 0, or -1 with *err naming the byte offset and field.  Each
 * rejects trailing bytes. */
int quote_parse_attest(const uint8_t *p, size_t n, TPMS_ATTEST *a, char **err);
int quote_parse_sig(const uint8_t *p, size_t n, TPMT_SIGNATURE *s, char **err);
/* sel: the quote's selection, used only for the values format (may be
 * NULL: then only the serialized format is accepted). */
int quote_parse_pcrs(const uint8_t *p, size_t n, const TPMS_ATTEST *sel,
                     struct quote_pcrs *out, char **err);

/* Verify sig over msg with the PEM public key.  Returns -1 (with *err) only
 * when it cannot try (bad key, unknown algorithm); otherwise 0 and *valid. */
int quote_verify_sig(const uint8_t *msg, size_t msg_len,
                     const TPMT_SIGNATURE *sig, const char *pem,
                     size_t pem_len, bool *valid, char **err);

/* The same with a key already loaded (TPM 1.2: quote12.c). */
int quote_verify_sig_key(const uint8_t *msg, size_t msg_len,
                         const TPMT_SIGNATURE *sig, EVP_PKEY *key,
                         bool *valid, char **err);

/* pcrDigest as the TPM computes it: hash_alg over the selected values in
 * selection order.  Fails when a selected value is missing. */
int quote_pcr_digest(const TPMS_ATTEST *a, const struct quote_pcrs *v,
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
    TPMS_ATTEST attest;
    TPMT_SIGNATURE sig;
};

/* Parse everything and run every check.  Returns -1 (with *err) when a file
 * cannot be parsed (truncated, wrong magic/type, bad key); 0 otherwise,
 * with the result of each check in *out. */
int quote_check(const struct quote_in *in, struct quote_check *out, char **err);
/* All checks passed. */
bool quote_check_ok(const struct quote_check *c);
/* A whole evidence file of at most 64 KiB; the caller frees *buf. */
int quote_slurp(const char *path, uint8_t **buf, size_t *len, char **err);
/* Read the files (each at most 64 KiB) and quote_check them. */
int quote_check_files(const char *msg, const char *sig, const char *pcrs,
                      const char *pem, const uint8_t *nonce, size_t nonce_len,
                      unsigned banks, struct quote_check *out, char **err);

#endif
