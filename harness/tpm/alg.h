/* PCR bank hash algorithms: the one table both the shim (PCR_Extend and
 * PCR_Read frames) and the verifier (replay, quote) use. */
#ifndef TPMFAULT_ALG_H
#define TPMFAULT_ALG_H

#include <stddef.h>
#include <stdint.h>

#define TPM_ALG_SHA1   0x0004
#define TPM_ALG_SHA256 0x000B
#define TPM_ALG_SHA384 0x000C
#define TPM_ALG_SHA512 0x000D

#define ALG_MAX_DIGEST 64

enum bank { BANK_SHA1, BANK_SHA256, BANK_SHA384, BANK_SHA512, BANK_COUNT };

struct alg_info {
    enum bank bank;
    uint16_t tpm_id;      /* TPM_ALG_ID */
    const char *name;     /* "sha1", "sha256", ... as in reports and lists */
    size_t size;          /* digest size in bytes */
};

/* NULL when unknown. */
const struct alg_info *alg_by_bank(enum bank b);
const struct alg_info *alg_by_tpm_id(uint16_t id);
const struct alg_info *alg_by_name(const char *name);
/* The same for the first n bytes of name ("sha256:..." with n = 6). */
const struct alg_info *alg_by_name_n(const char *name, size_t n);

/* Hashing on OpenSSL contexts that are allocated once and reused for any
 * number of digests in any bank: a hot loop (the replay of 10^6 entries)
 * keeps one for the whole list.  There is one EVP_MD_CTX per bank, made on
 * first use: OpenSSL 3 frees and reallocates a context's provider state
 * whenever its digest changes, which a replay alternating sha1 and sha256
 * would pay on every hash.  Each returns 0 or -1; a context from a
 * successful alg_hash_new ends with alg_hash_free (harmless twice). */
struct alg_hash {
    void *md_ctx[BANK_COUNT]; /* EVP_MD_CTX *, opaque to callers */
    enum bank bank;           /* of the digest in progress */
};
int alg_hash_new(struct alg_hash *h);
void alg_hash_free(struct alg_hash *h);
/* Begin a digest in bank b (dropping any unfinished one). */
int alg_hash_start(struct alg_hash *h, enum bank b);
int alg_hash_update(struct alg_hash *h, const void *data, size_t len);
/* Write the digest (alg size bytes) to out; h is ready for the next start. */
int alg_hash_final(struct alg_hash *h, uint8_t *out);
/* start + update + final.  out holds ALG_MAX_DIGEST. */
int alg_hash_digest(struct alg_hash *h, enum bank b, const void *data,
                    size_t len, uint8_t *out);
/* PCR extend in bank b on h: pcr = H(pcr || digest), both bank-sized. */
int alg_hash_extend(struct alg_hash *h, enum bank b, uint8_t *pcr,
                    const uint8_t *digest);

/* One PCR extend with a context of its own. */
int alg_extend(enum bank b, uint8_t *pcr, const uint8_t *digest);

#endif
