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
    for (int i = 0; i < BANK_COUNT; i++)
        if (strcmp(algs[i].name, name) == 0)
            return &algs[i];
    return NULL;
}

int alg_digest(enum bank b, const void *data, size_t len, uint8_t *out)
{
    const struct alg_info *a = alg_by_bank(b);
    if (!a)
        return -1;
    const EVP_MD *md = EVP_get_digestbyname(a->name);
    unsigned int n = 0;
    if (!md || !EVP_Digest(data, len, out, &n, md, NULL) || n != a->size)
        return -1;
    return 0;
}
