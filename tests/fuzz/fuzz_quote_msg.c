/* quote.msg (TPMS_ATTEST, quote.c quote_parse_attest), then the whole
 * quote_check with the golden quote.sig, quote.pcrs and ak.pem: the
 * checks read the fuzzed selection and pcrDigest.
 *
 * Contract: the error convention, every rejection names "quote.msg offset",
 * lengths within their arrays, quote_check parses whatever the parser
 * accepted, and only the golden quote.msg passes every check. */
#include "quote_ref.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct quote_ref *r = quote_ref();
    TPMS_ATTEST a;
    char *err = NULL;
    int rc = quote_parse_attest(data, size, &a, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0) {
        FUZZ_CHECK(strncmp(err, "quote.msg offset ", 17) == 0, "'%s'", err);
        free(err);
        return 0;
    }
    const TPML_PCR_SELECTION *sel = quote_selection(&a);
    const TPM2B_DIGEST *pd = &a.attested.quote.pcrDigest;
    FUZZ_CHECK(a.qualifiedSigner.size <= sizeof(a.qualifiedSigner.name) &&
               a.extraData.size <= sizeof(a.extraData.buffer) &&
               pd->size <= sizeof(pd->buffer) && sel->count <= TPM2_NUM_PCR_BANKS,
               "lengths");
    for (size_t i = 0; i < sel->count; i++)
        FUZZ_CHECK(sel->pcrSelections[i].sizeofSelect <= TPM2_PCR_SELECT_MAX,
                   "sizeofSelect");

    struct ref_file msg = { (uint8_t *)data, size };
    struct quote_check *c = malloc(sizeof(*c));
    if (!c)
        abort();
    rc = ref_check(&msg, &r->sig, &r->pcrs, c, &err);
    FUZZ_CHECK(rc == 0 && !err, "quote_check of an accepted quote.msg: %s", err);
    FUZZ_CHECK(quote_check_ok(c) == same(data, size, &r->msg),
               "checks %s for a %s quote.msg", quote_check_ok(c) ? "pass" : "fail",
               same(data, size, &r->msg) ? "golden" : "changed");
    free(c);
    return 0;
}
