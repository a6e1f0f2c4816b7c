/* TPMT_SIGNATURE parsing and verification with OpenSSL 3 EVP. */
#include "verify/quote.h"

#include "util/err.h"
#include "util/rd.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>

int quote_parse_sig(const uint8_t *p, size_t n, struct quote_sig *s, char **err)
{
    struct rd r = rd_init(p, n);
    memset(s, 0, sizeof *s);
    if (rd_be16(&r, &s->sig_alg) < 0 || rd_be16(&r, &s->hash_alg) < 0)
        return err_set(err, "quote.sig offset %zu: sigAlg/hash truncated", r.off);
    if (!alg_by_tpm_id(s->hash_alg))
        return err_set(err, "quote.sig offset 2: unsupported hash 0x%04x",
                       s->hash_alg);
    switch (s->sig_alg) {
    case TPM_ALG_RSASSA:
    case TPM_ALG_RSAPSS:
        if (quote_tpm2b(&r, "quote.sig", "signature", s->sig, &s->sig_len,
                        sizeof s->sig, err) < 0)
            return -1;
        break;
    case TPM_ALG_ECDSA:
        if (quote_tpm2b(&r, "quote.sig", "signatureR", s->r, &s->r_len,
                        sizeof s->r, err) < 0 ||
            quote_tpm2b(&r, "quote.sig", "signatureS", s->s, &s->s_len,
                        sizeof s->s, err) < 0)
            return -1;
        break;
    default:
        return err_set(err, "quote.sig offset 0: unsupported sigAlg 0x%04x",
                       s->sig_alg);
    }
    if (rd_left(&r))
        return err_set(err, "quote.sig offset %zu: %zu trailing bytes", r.off,
                       rd_left(&r));
    return 0;
}

/* ECDSA r,s → the DER form OpenSSL verifies.  Returns its length or -1. */
static int ecdsa_der(const struct quote_sig *s, uint8_t **der)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(s->r, s->r_len, NULL), *ss = BN_bin2bn(s->s, s->s_len, NULL);
    if (!es || !r || !ss || !ECDSA_SIG_set0(es, r, ss)) {
        BN_free(r);
        BN_free(ss);
        ECDSA_SIG_free(es);
        return -1;
    }
    *der = NULL;
    int n = i2d_ECDSA_SIG(es, der);
    ECDSA_SIG_free(es);
    return n;
}

static EVP_PKEY *load_pem(const char *pem, size_t len)
{
    if (!pem || len > INT32_MAX)
        return NULL;
    BIO *bio = BIO_new_mem_buf(pem, (int)len);
    EVP_PKEY *k = bio ? PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    return k;
}

/* One EVP_DigestVerify; *valid is false for any mismatch of key, padding
 * or bytes (OpenSSL says "no" in several ways; all of them mean invalid). */
static int do_verify(EVP_PKEY *key, const EVP_MD *md, const struct quote_sig *s,
                     const uint8_t *msg, size_t n, bool *valid)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    uint8_t *der = NULL;
    const uint8_t *sig = s->sig;
    size_t slen = s->sig_len;
    *valid = false;
    if (!c)
        return -1;
    if (s->sig_alg == TPM_ALG_ECDSA) {
        int dn = ecdsa_der(s, &der);
        if (dn < 0)
            goto out;
        sig = der;
        slen = (size_t)dn;
    }
    if (EVP_DigestVerifyInit(c, &pc, md, NULL, key) != 1)
        goto out;
    if (s->sig_alg == TPM_ALG_RSAPSS &&
        (EVP_PKEY_CTX_set_rsa_padding(pc, RSA_PKCS1_PSS_PADDING) != 1 ||
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pc, RSA_PSS_SALTLEN_AUTO) != 1))
        goto out;
    *valid = EVP_DigestVerify(c, sig, slen, msg, n) == 1;
out:
    ERR_clear_error();       /* a "no" leaves reasons queued: drop them */
    OPENSSL_free(der);
    EVP_MD_CTX_free(c);
    return 0;
}

int quote_verify_sig(const uint8_t *msg, size_t msg_len,
                     const struct quote_sig *sig, const char *pem,
                     size_t pem_len, bool *valid, char **err)
{
    const struct alg_info *a = alg_by_tpm_id(sig->hash_alg);
    const EVP_MD *md = a ? EVP_get_digestbyname(a->name) : NULL;
    *valid = false;
    if (!md)
        return err_set(err, "quote.sig: unsupported hash 0x%04x", sig->hash_alg);
    EVP_PKEY *key = load_pem(pem, pem_len);
    if (!key)
        return err_set(err, "ak.pem: not a PEM public key");
    int rc = do_verify(key, md, sig, msg, msg_len, valid);
    EVP_PKEY_free(key);
    if (rc < 0)
        return err_set(err, "quote.sig: out of memory");
    return 0;
}
