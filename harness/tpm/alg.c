#include "tpm/alg.h"

#include <openssl/evp.h>
#include <string.h>

static const struct alg_info algs[BANK_COUNT] = {
    { BANK_SHA1, TPM_ALG_SHA1, "sha1", 20 },
    { BANK_SHA256, TPM_ALG_SHA256, "sha256", 32 },
    { BANK_SHA384, TPM_ALG_SHA384, "sha384", 48 },
    { BANK_SHA512, TPM_ALG_SHA512, "sha512", 64 },
};

const struct alg_info *alg_by_bank(enum bank b)
{
    return (unsigned)b < BANK_COUNT ? &algs[b] : NULL;
}

const struct alg_info *alg_by_tpm_id(uint16_t id)
{
    for (int i = 0; i < BANK_COUNT; i++)
        if (algs[i].tpm_id == id)
            return &algs[i];
    return NULL;
}

const struct alg_info *alg_by_name(const char *name)
{
    return alg_by_name_n(name, strlen(name));
}

const struct alg_info *alg_by_name_n(const char *name, size_t n)
{
    for (int i = 0; i < BANK_COUNT; i++)
        if (strlen(algs[i].name) == n && memcmp(algs[i].name, name, n) == 0)
            return &algs[i];
    return NULL;
}

/* The bank's digest, fetched once and kept for the process: a lookup by
 * name (and OpenSSL 3's implicit fetch) per hash cost more than the hash
 * itself on a replay of 10^6 entries.  The harness has no threads. */
static const EVP_MD *md_of(enum bank b)
{
    static EVP_MD *md[BANK_COUNT];
    const struct alg_info *a = alg_by_bank(b);
    if (a && !md[b])
        md[b] = EVP_MD_fetch(NULL, a->name, NULL);
    return a ? md[b] : NULL;
}

int alg_hash_new(struct alg_hash *h)
{
    memset(h->md_ctx, 0, sizeof h->md_ctx);
    h->bank = BANK_COUNT;
    return 0;
}

void alg_hash_free(struct alg_hash *h)
{
    for (int b = 0; b < BANK_COUNT; b++) {
        EVP_MD_CTX_free(h->md_ctx[b]);
        h->md_ctx[b] = NULL;
    }
}

/* The context of the digest in progress, or NULL. */
static EVP_MD_CTX *cur(const struct alg_hash *h)
{
    return (unsigned)h->bank < BANK_COUNT ? h->md_ctx[h->bank] : NULL;
}

int alg_hash_start(struct alg_hash *h, enum bank b)
{
    const EVP_MD *md = md_of(b);
    h->bank = b;
    if (!md)
        return -1;
    if (!h->md_ctx[b] && !(h->md_ctx[b] = EVP_MD_CTX_new()))
        return -1;
    return EVP_DigestInit_ex(h->md_ctx[b], md, NULL) ? 0 : -1;
}

int alg_hash_update(struct alg_hash *h, const void *data, size_t len)
{
    EVP_MD_CTX *c = cur(h);
    return c && EVP_DigestUpdate(c, data, len) ? 0 : -1;
}

int alg_hash_final(struct alg_hash *h, uint8_t *out)
{
    unsigned int n = 0;
    EVP_MD_CTX *c = cur(h);
    const struct alg_info *a = alg_by_bank(h->bank);
    return c && a && EVP_DigestFinal_ex(c, out, &n) && n == a->size ? 0 : -1;
}

int alg_hash_digest(struct alg_hash *h, enum bank b, const void *data,
                    size_t len, uint8_t *out)
{
    if (alg_hash_start(h, b) < 0 || alg_hash_update(h, data, len) < 0)
        return -1;
    return alg_hash_final(h, out);
}

int alg_hash_extend(struct alg_hash *h, enum bank b, uint8_t *pcr,
                    const uint8_t *digest)
{
    const struct alg_info *a = alg_by_bank(b);
    if (!a || alg_hash_start(h, b) < 0 || alg_hash_update(h, pcr, a->size) < 0 ||
        alg_hash_update(h, digest, a->size) < 0)
        return -1;
    return alg_hash_final(h, pcr);
}

int alg_extend(enum bank b, uint8_t *pcr, const uint8_t *digest)
{
    struct alg_hash h;
    if (alg_hash_new(&h) < 0)
        return -1;
    int rc = alg_hash_extend(&h, b, pcr, digest);
    alg_hash_free(&h);
    return rc;
}
