/* TPMT_SIGNATURE parsing (libtss2-mu) and verification (OpenSSL 3 EVP). */
#include "verify/quote.h"

#include "tpm/mu.h"
#include "util/err.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

uint16_t quote_sig_hash(const TPMT_SIGNATURE *s)
{
    switch (s->sigAlg) {
    case TPM2_ALG_RSASSA: return s->signature.rsassa.hash;
    case TPM2_ALG_RSAPSS: return s->signature.rsapss.hash;
    case TPM2_ALG_ECDSA:  return s->signature.ecdsa.hash;
    default:              return 0;
    }
}

/* TPMT_SIGNATURE with libtss2-mu: the scheme, then its union member. */
int quote_parse_sig(const uint8_t *p, size_t n, TPMT_SIGNATURE *s, char **err)
{
    size_t off = 0;
    memset(s, 0, sizeof *s);
    tpm_mu_quiet();
    if (tpm_mu_err(Tss2_MU_UINT16_Unmarshal(p, n, &off, &s->sigAlg),
                     "quote.sig", 0, "sigAlg", n, err) < 0)
        return -1;
    if (s->sigAlg != TPM2_ALG_RSASSA && s->sigAlg != TPM2_ALG_RSAPSS &&
        s->sigAlg != TPM2_ALG_ECDSA)
        return err_set(err, "quote.sig offset 0: unsupported sigAlg 0x%04x",
                       s->sigAlg);
    if (tpm_mu_err(Tss2_MU_TPMU_SIGNATURE_Unmarshal(p, n, &off, s->sigAlg,
                                                      &s->signature),
                     "quote.sig", 2, "signature", n, err) < 0)
        return -1;
    if (!alg_by_tpm_id(quote_sig_hash(s)))
        return err_set(err, "quote.sig offset 2: unsupported hash 0x%04x",
                       quote_sig_hash(s));
    if (off != n)
        return err_set(err, "quote.sig offset %zu: %zu trailing bytes", off,
                       n - off);
    return 0;
}

/* ECDSA r,s → the DER form OpenSSL verifies.  Returns its length or -1. */
static int ecdsa_der(const TPMS_SIGNATURE_ECC *e, uint8_t **der)
{
    ECDSA_SIG *es = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(e->signatureR.buffer, e->signatureR.size, NULL);
    BIGNUM *ss = BN_bin2bn(e->signatureS.buffer, e->signatureS.size, NULL);
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
static int do_verify(EVP_PKEY *key, const EVP_MD *md, const TPMT_SIGNATURE *s,
                     const uint8_t *msg, size_t n, bool *valid)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pc = NULL;
    uint8_t *der = NULL;
    /* rsassa and rsapss are the same TPMS_SIGNATURE_RSA */
    const uint8_t *sig = s->signature.rsassa.sig.buffer;
    size_t slen = s->signature.rsassa.sig.size;
    *valid = false;
    if (!c)
        return -1;
    if (s->sigAlg == TPM2_ALG_ECDSA) {
        int dn = ecdsa_der(&s->signature.ecdsa, &der);
        if (dn < 0)
            goto out;
        sig = der;
        slen = (size_t)dn;
    }
    if (EVP_DigestVerifyInit(c, &pc, md, NULL, key) != 1)
        goto out;
    if (s->sigAlg == TPM2_ALG_RSAPSS &&
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

int quote_verify_sig_key(const uint8_t *msg, size_t msg_len,
                         const TPMT_SIGNATURE *sig, EVP_PKEY *key,
                         bool *valid, char **err)
{
    const struct alg_info *a = alg_by_tpm_id(quote_sig_hash(sig));
    const EVP_MD *md = a ? EVP_get_digestbyname(a->name) : NULL;
    *valid = false;
    if (!md)
        return err_set(err, "quote.sig: unsupported hash 0x%04x",
                       quote_sig_hash(sig));
    if (do_verify(key, md, sig, msg, msg_len, valid) < 0)
        return err_set(err, "quote.sig: out of memory");
    return 0;
}

int quote_verify_sig(const uint8_t *msg, size_t msg_len,
                     const TPMT_SIGNATURE *sig, const char *pem,
                     size_t pem_len, bool *valid, char **err)
{
    *valid = false;
    EVP_PKEY *key = load_pem(pem, pem_len);
    if (!key)
        return err_set(err, "ak.pem: not a PEM public key");
    int rc = quote_verify_sig_key(msg, msg_len, sig, key, valid, err);
    EVP_PKEY_free(key);
    return rc;
}
