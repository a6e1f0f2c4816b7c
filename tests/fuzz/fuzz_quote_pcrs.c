/* quote.pcrs (quote_pcrs.c quote_parse_pcrs: tpm2-tools' serialized C
 * structs, or bare values read with the quote's selection), the
 * pcrDigest over it, and quote_check with the golden quote.msg and
 * quote.sig.
 *
 * Contract: the error convention; a rejection without a selection to fall
 * back on names "quote.pcrs"; values within their arrays; the digest is
 * computed or refused with a message; only the golden file, or the same
 * values in the values format, passes every check. */
#include "quote_ref.h"

static void check_values(const struct quote_pcrs *v)
{
    FUZZ_CHECK(v->n <= QUOTE_MAX_VALUES && v->sel.count <= TPM2_NUM_PCR_BANKS,
               "counts");
    for (size_t i = 0; i < v->n; i++) {
        FUZZ_CHECK(v->v[i].len <= ALG_MAX_DIGEST, "value length %u", v->v[i].len);
        FUZZ_CHECK(v->v[i].pcr < 8 * TPM2_PCR_SELECT_MAX, "pcr %u", v->v[i].pcr);
    }
    for (size_t i = 0; i < v->sel.count; i++)
        FUZZ_CHECK(v->sel.pcrSelections[i].sizeofSelect <= TPM2_PCR_SELECT_MAX,
                   "sizeofSelect");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct quote_ref *r = quote_ref();
    struct quote_pcrs *v = malloc(sizeof(*v));
    struct quote_check *c = malloc(sizeof(*c));
    if (!v || !c)
        abort();
    char *err = NULL;

    /* Without the quote's selection: the serialized format alone. */
    int rc = quote_parse_pcrs(data, size, NULL, v, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0)
        FUZZ_CHECK(strncmp(err, "quote.pcrs", 10) == 0, "'%s'", err);
    else
        check_values(v);
    free(err);
    err = NULL;

    rc = quote_parse_pcrs(data, size, &r->attest, v, &err);
    FUZZ_CHECK_ERR(rc, err);
    free(err);
    err = NULL;
    if (rc < 0)
        goto out;
    check_values(v);
    uint8_t dig[ALG_MAX_DIGEST];
    size_t dlen = 0;
    rc = quote_pcr_digest(&r->attest, v, TPM_ALG_SHA256, dig, &dlen, &err);
    FUZZ_CHECK_ERR(rc, err);
    FUZZ_CHECK(rc < 0 || dlen == 32, "digest length %zu", dlen);
    free(err);
    err = NULL;

    struct ref_file pcrs = { (uint8_t *)data, size };
    rc = ref_check(&r->msg, &r->sig, &pcrs, c, &err);
    FUZZ_CHECK(rc == 0 && !err, "quote_check of an accepted quote.pcrs: %s", err);
    if (same(data, size, &r->pcrs))
        FUZZ_CHECK(quote_check_ok(c), "the golden quote fails");
out:
    free(c);
    free(v);
    return 0;
}
