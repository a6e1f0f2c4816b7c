/* quote.sig (TPMT_SIGNATURE, quote_sig.c quote_parse_sig), then its
 * verification with OpenSSL over the golden quote.msg and ak.pem.
 *
 * Contract: the error convention, every rejection names "quote.sig",
 * lengths within their arrays, verification gives an answer (or an error
 * with a message) for anything the parser accepted, and only the golden
 * signature verifies. */
#include "quote_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct quote_ref *r = quote_ref();
    TPMT_SIGNATURE s;
    char *err = NULL;
    int rc = quote_parse_sig(data, size, &s, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0) {
        FUZZ_CHECK(strncmp(err, "quote.sig offset ", 17) == 0, "'%s'", err);
        free(err);
        return 0;
    }
    const TPMS_SIGNATURE_ECC *e = &s.signature.ecdsa;
    FUZZ_CHECK(s.sigAlg == TPM2_ALG_ECDSA
                   ? e->signatureR.size <= sizeof(e->signatureR.buffer) &&
                         e->signatureS.size <= sizeof(e->signatureS.buffer)
                   : s.signature.rsassa.sig.size <= sizeof(s.signature.rsassa.sig.buffer),
               "lengths");
    bool valid = true;
    rc = quote_verify_sig(r->msg.p, r->msg.n, &s, (const char *)r->pem.p,
                          r->pem.n, &valid, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0) {
        /* RSASSA with the golden bytes verifies; PKCS#1 v1.5 is
         * deterministic, so no other signature does. */
        FUZZ_CHECK(valid == same(data, size, &r->sig), "valid %d", valid);
    } else {
        FUZZ_CHECK(!valid, "an error, and valid");
    }
    free(err);
    return 0;
}
