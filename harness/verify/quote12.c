/* TPM 1.2 quotes: the AIK from its TSS blob, TPM_QUOTE_INFO2 rebuilt from
 * the host's nonce and the quoted PCR value, the signature checked with
 * OpenSSL (quote_sig.c).  Layouts: TPM Main Part 2, TPM_PUBKEY,
 * TPM_PCR_COMPOSITE, TPM_QUOTE_INFO2. */
#include "verify/quote12.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/alg.h"
#include "util/err.h"
#include "util/hex.h"
#include "util/rd.h"
#include "util/textfile.h"
#include "verify/quote.h"

#define TPM_ALG_RSA12 1
#define TPM12_TAG_QUOTE_INFO2 0x0036
#define TPM12_LOC_ZERO 1              /* localityAtRelease: locality 0 */
#define PCR_SELECT_BYTES 3            /* what trousers sends: PCRs 0..23 */

/* One DER tag and length; *len gets the content length. */
static int der_item(struct rd *r, uint8_t want, size_t *len)
{
    uint8_t tag, b;
    if (rd_u8(r, &tag) < 0 || tag != want || rd_u8(r, &b) < 0)
        return -1;
    if (b < 0x80) {
        *len = b;
        return 0;
    }
    *len = 0;
    for (int i = 0; i < (b & 0x7f); i++) {
        uint8_t x;
        if ((b & 0x7f) > 4 || rd_u8(r, &x) < 0)
            return -1;
        *len = *len << 8 | x;
    }
    return *len <= rd_left(r) ? 0 : -1;
}

/* The TPM_PUBKEY inside the TSS wrapper: the SEQUENCE's OCTET STRING. */
static int tss_blob(const uint8_t *der, size_t n, const uint8_t **blob,
                    size_t *len)
{
    struct rd r = rd_init(der, n);
    size_t seq, l;
    if (der_item(&r, 0x30, &seq) < 0 || seq != rd_left(&r))
        return -1;
    for (int i = 0; i < 3; i++)
        if (der_item(&r, 0x02, &l) < 0 || rd_skip(&r, l) < 0)
            return -1;
    if (der_item(&r, 0x04, len) < 0 || *len != rd_left(&r))
        return -1;
    return rd_bytes(&r, *len, blob);
}

static EVP_PKEY *rsa_key(const uint8_t *mod, size_t mod_len, uint32_t e)
{
    OSSL_PARAM_BLD *b = OSSL_PARAM_BLD_new();
    BIGNUM *bn = BN_bin2bn(mod, (int)mod_len, NULL), *be = BN_new();
    OSSL_PARAM *p = NULL;
    EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
    EVP_PKEY *k = NULL;
    if (b && bn && be && c && BN_set_word(be, e) &&
        OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn) &&
        OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, be) &&
        (p = OSSL_PARAM_BLD_to_param(b)) && EVP_PKEY_fromdata_init(c) == 1 &&
        EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, p) != 1)
        k = NULL;
    OSSL_PARAM_free(p);
    OSSL_PARAM_BLD_free(b);
    BN_free(bn);
    BN_free(be);
    EVP_PKEY_CTX_free(c);
    return k;
}

EVP_PKEY *quote12_aik(const uint8_t *der, size_t n, char **err)
{
    const uint8_t *blob, *exp, *mod;
    size_t len;
    uint32_t alg, parm_size, bits, primes, exp_size, mod_len, e = 65537;
    uint16_t enc, sig;
    if (tss_blob(der, n, &blob, &len) < 0)
        return err_set(err, "aik.der: not a TSS DER wrapper of a key blob"),
               NULL;
    struct rd r = rd_init(blob, len);
    if (rd_be32(&r, &alg) < 0 || rd_be16(&r, &enc) < 0 ||
        rd_be16(&r, &sig) < 0 || rd_be32(&r, &parm_size) < 0 ||
        rd_be32(&r, &bits) < 0 || rd_be32(&r, &primes) < 0 ||
        rd_be32(&r, &exp_size) < 0 || rd_bytes(&r, exp_size, &exp) < 0 ||
        parm_size != 12 + exp_size || rd_be32(&r, &mod_len) < 0 ||
        rd_bytes(&r, mod_len, &mod) < 0 || rd_left(&r) != 0)
        return err_set(err, "aik.der: TPM_PUBKEY malformed at blob offset %zu",
                       r.off), NULL;
    if (alg != TPM_ALG_RSA12 || exp_size > 4 || mod_len * 8 != bits)
        return err_set(err, "aik.der: not an RSA key (algorithm %u, %u-byte "
                       "exponent, %u-byte modulus of %u bits)", alg, exp_size,
                       mod_len, bits), NULL;
    if (exp_size) {
        e = 0;
        for (uint32_t i = 0; i < exp_size; i++)
            e = e << 8 | exp[i];
    }
    EVP_PKEY *k = rsa_key(mod, mod_len, e);
    if (!k)
        err_set(err, "aik.der: OpenSSL refused the RSA key");
    return k;
}

int quote12_parse_pcrs(const char *text, uint8_t pcr10[QUOTE12_DIGEST],
                       char **err)
{
    bool found = false;
    int line = 0;
    for (const char *p = text; *p; ) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        char hex[2 * QUOTE12_DIGEST + 1];
        unsigned idx;
        int used = 0;
        line++;
        if (n != 3 + 2 * QUOTE12_DIGEST ||
            sscanf(p, "%2u=%40[0-9A-Fa-f]%n", &idx, hex, &used) != 2 ||
            (size_t)used != n || idx != 10 ||
            hex_decode(hex, pcr10, QUOTE12_DIGEST) < 0)
            return err_set(err, "quote12.pcrs:%d: not '10=' and 40 hex "
                           "digits", line);
        found = true;
        p = nl ? nl + 1 : p + n;
    }
    return found ? 0 : err_set(err, "quote12.pcrs: no PCR 10 value");
}

void quote12_info(const uint8_t ext[QUOTE12_DIGEST],
                  const uint8_t pcr10[QUOTE12_DIGEST],
                  uint8_t out[QUOTE12_INFO_LEN])
{
    /* TPM_PCR_SELECTION, then TPM_PCR_COMPOSITE = selection, valueSize,
     * the value */
    uint8_t sel[2 + PCR_SELECT_BYTES] = { 0, PCR_SELECT_BYTES, 0, 1u << 2, 0 };
    uint8_t comp[sizeof(sel) + 4 + QUOTE12_DIGEST];
    memcpy(comp, sel, sizeof(sel));
    put_be32(comp + sizeof(sel), QUOTE12_DIGEST);
    memcpy(comp + sizeof(sel) + 4, pcr10, QUOTE12_DIGEST);
    uint8_t *p = out;
    put_be16(p, TPM12_TAG_QUOTE_INFO2);
    memcpy(p + 2, "QUT2", 4);
    memcpy(p + 6, ext, QUOTE12_DIGEST);
    p += 6 + QUOTE12_DIGEST;
    memcpy(p, sel, sizeof(sel));
    p[sizeof(sel)] = TPM12_LOC_ZERO;
    SHA1(comp, sizeof(comp), p + sizeof(sel) + 1);
}

/* The three files; *pcrs NUL-terminated. */
static int read_all(const char *dir, uint8_t **aik, size_t *aik_len,
                    uint8_t **sig, size_t *sig_len, char **pcrs, char **err)
{
    char a[4200], s[4200], v[4200];
    snprintf(a, sizeof(a), "%s/aik.der", dir);
    snprintf(s, sizeof(s), "%s/quote12.sig", dir);
    snprintf(v, sizeof(v), "%s/quote12.pcrs", dir);
    *aik = *sig = NULL;
    *pcrs = NULL;
    if (quote_slurp(a, aik, aik_len, err) < 0 ||
        quote_slurp(s, sig, sig_len, err) < 0 ||
        !(*pcrs = text_file_read(v, err)))
        return -1;
    return 0;
}

int quote12_check_dir(const char *dir, const uint8_t *nonce, size_t nonce_len,
                      struct quote12_check *out, char **err)
{
    uint8_t *aik, *sigbuf, ext[QUOTE12_DIGEST], info[QUOTE12_INFO_LEN];
    size_t aik_len = 0, sig_len = 0;
    char *pcrs;
    EVP_PKEY *key = NULL;
    TPMT_SIGNATURE sig;
    int rc = -1;
    memset(out, 0, sizeof(*out));
    if (read_all(dir, &aik, &aik_len, &sigbuf, &sig_len, &pcrs, err) < 0 ||
        quote12_parse_pcrs(pcrs, out->pcr10, err) < 0 ||
        !(key = quote12_aik(aik, aik_len, err)))
        goto out;
    if (sig_len > sizeof(sig.signature.rsassa.sig.buffer)) {
        err_set(err, "quote12.sig: %zu bytes, more than an RSA signature",
                sig_len);
        goto out;
    }
    memset(&sig, 0, sizeof(sig));
    sig.sigAlg = TPM2_ALG_RSASSA;
    sig.signature.rsassa.hash = TPM2_ALG_SHA1;
    sig.signature.rsassa.sig.size = (UINT16)sig_len;
    memcpy(sig.signature.rsassa.sig.buffer, sigbuf, sig_len);
    SHA1(nonce, nonce_len, ext);   /* the guest quotes the nonce's SHA-1 */
    quote12_info(ext, out->pcr10, info);
    rc = quote_verify_sig_key(info, sizeof(info), &sig, key, &out->sig_valid,
                              err);
out:
    EVP_PKEY_free(key);
    free(aik);
    free(sigbuf);
    free(pcrs);
    return rc;
}
