/* TPMS_ATTEST parsing and the quote checks. */
#include "verify/quote.h"

#include "tpm/mu.h"
#include "util/err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tss2/tss2_mu.h>

#define FILE_MAX (64u * 1024)

/* TPMS_ATTEST field by field with libtss2-mu, so that an error names the
 * field and its offset; the magic and type are checked as they come. */
int quote_parse_attest(const uint8_t *p, size_t n, TPMS_ATTEST *a, char **err)
{
    size_t off = 0, at = 0;
    memset(a, 0, sizeof *a);
    tpm_mu_quiet();
#define MU(call, what) \
    do { at = off; if (tpm_mu_err((call), "quote.msg", at, (what), n, err) < 0) \
             return -1; } while (0)
    MU(Tss2_MU_UINT32_Unmarshal(p, n, &off, &a->magic), "magic");
    if (a->magic != TPM2_GENERATED_VALUE)
        return err_set(err, "quote.msg offset 0: magic 0x%08x is not "
                       "TPM_GENERATED_VALUE", a->magic);
    MU(Tss2_MU_TPM2_ST_Unmarshal(p, n, &off, &a->type), "type");
    if (a->type != TPM2_ST_ATTEST_QUOTE)
        return err_set(err, "quote.msg offset 4: type 0x%04x is not "
                       "TPM_ST_ATTEST_QUOTE", a->type);
    MU(Tss2_MU_TPM2B_NAME_Unmarshal(p, n, &off, &a->qualifiedSigner),
       "qualifiedSigner");
    MU(Tss2_MU_TPM2B_DATA_Unmarshal(p, n, &off, &a->extraData), "extraData");
    MU(Tss2_MU_TPMS_CLOCK_INFO_Unmarshal(p, n, &off, &a->clockInfo), "clockInfo");
    MU(Tss2_MU_UINT64_Unmarshal(p, n, &off, &a->firmwareVersion),
       "firmwareVersion");
    MU(Tss2_MU_TPMU_ATTEST_Unmarshal(p, n, &off, a->type, &a->attested),
       "attested (pcrSelect, pcrDigest)");
#undef MU
    const TPML_PCR_SELECTION *sel = quote_selection(a);
    for (uint32_t i = 0; i < sel->count; i++)   /* the selection is read in bits */
        if (sel->pcrSelections[i].sizeofSelect > TPM2_PCR_SELECT_MAX)
            return err_set(err, "quote.msg offset %zu: pcrSelect[%u] sizeofSelect "
                           "%u exceeds %d", at, i,
                           sel->pcrSelections[i].sizeofSelect, TPM2_PCR_SELECT_MAX);
    if (off != n)
        return err_set(err, "quote.msg offset %zu: %zu trailing bytes", off,
                       n - off);
    return 0;
}

static bool sel_has(const TPMS_PCR_SELECTION *s, uint32_t pcr)
{
    return pcr / 8 < s->sizeofSelect && (s->pcrSelect[pcr / 8] >> (pcr % 8)) & 1;
}

static bool sel_equal(const TPML_PCR_SELECTION *a, const TPML_PCR_SELECTION *b)
{
    if (a->count != b->count)
        return false;
    for (size_t i = 0; i < a->count; i++) {
        const TPMS_PCR_SELECTION *x = &a->pcrSelections[i], *y = &b->pcrSelections[i];
        if (x->hash != y->hash || x->sizeofSelect != y->sizeofSelect ||
            memcmp(x->pcrSelect, y->pcrSelect, x->sizeofSelect) != 0)
            return false;
    }
    return true;
}

/* The PCR is selected in every wanted bank. */
static bool covers(const TPMS_ATTEST *a, unsigned banks, uint32_t pcr)
{
    const TPML_PCR_SELECTION *sel = quote_selection(a);
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(banks & (1u << b)))
            continue;
        bool found = false;
        for (size_t i = 0; i < sel->count; i++)
            if (sel->pcrSelections[i].hash == alg_by_bank(b)->tpm_id &&
                sel_has(&sel->pcrSelections[i], pcr))
                found = true;
        if (!found)
            return false;
    }
    return true;
}

static void take_pcr(const struct quote_pcrs *v, uint32_t pcr,
                     struct quote_check *out)
{
    for (size_t i = 0; i < v->n; i++) {
        const struct alg_info *ai = alg_by_tpm_id(v->v[i].alg);
        if (!ai || v->v[i].pcr != pcr || v->v[i].len != ai->size)
            continue;
        out->have_pcr[ai->bank] = true;
        memcpy(out->pcr[ai->bank], v->v[i].value, ai->size);
    }
}

static void run_checks(const struct quote_in *in, const struct quote_pcrs *v,
                       struct quote_check *out)
{
    uint8_t dig[ALG_MAX_DIGEST];
    size_t dlen = 0;
    uint32_t pcr = in->pcr ? in->pcr : 10;
    const TPM2B_DATA *nonce = &out->attest.extraData;
    const TPM2B_DIGEST *pd = &out->attest.attested.quote.pcrDigest;
    out->nonce_ok = nonce->size == in->nonce_len &&
                    (in->nonce_len == 0 ||
                     memcmp(nonce->buffer, in->nonce, in->nonce_len) == 0);
    out->selection_ok = covers(&out->attest, in->banks, pcr);
    out->pcrs_sel_ok = v->sel.count == 0 ||
                       sel_equal(&v->sel, quote_selection(&out->attest));
    char *derr = NULL;       /* a missing value is a failed check, not an error */
    out->digest_ok = quote_pcr_digest(&out->attest, v, quote_sig_hash(&out->sig),
                                      dig, &dlen, &derr) == 0 &&
                     dlen == pd->size && memcmp(dig, pd->buffer, dlen) == 0;
    free(derr);
    take_pcr(v, pcr, out);
}

int quote_check(const struct quote_in *in, struct quote_check *out, char **err)
{
    struct quote_pcrs *v = malloc(sizeof *v);   /* 5 KiB: off the stack */
    memset(out, 0, sizeof *out);
    if (!v)
        return err_set(err, "out of memory");
    int rc = -1;
    if (quote_parse_attest(in->msg, in->msg_len, &out->attest, err) == 0 &&
        quote_parse_sig(in->sig, in->sig_len, &out->sig, err) == 0 &&
        quote_parse_pcrs(in->pcrs, in->pcrs_len, &out->attest, v, err) == 0 &&
        quote_verify_sig(in->msg, in->msg_len, &out->sig, in->pem, in->pem_len,
                         &out->sig_valid, err) == 0) {
        out->type_ok = true;
        run_checks(in, v, out);
        rc = 0;
    }
    free(v);
    return rc;
}

bool quote_check_ok(const struct quote_check *c)
{
    return c->sig_valid && c->type_ok && c->nonce_ok && c->selection_ok &&
           c->pcrs_sel_ok && c->digest_ok;
}

int quote_slurp(const char *path, uint8_t **buf, size_t *len, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return err_errno(err, "%s", path);
    *buf = malloc(FILE_MAX + 1);
    *len = *buf ? fread(*buf, 1, FILE_MAX + 1, f) : 0;
    int bad = !*buf || ferror(f);
    fclose(f);
    if (bad || *len > FILE_MAX) {
        free(*buf);
        *buf = NULL;
        return bad ? err_set(err, "%s: read error", path)
                   : err_set(err, "%s: larger than %u bytes", path, FILE_MAX);
    }
    return 0;
}

int quote_check_files(const char *msg, const char *sig, const char *pcrs,
                      const char *pem, const uint8_t *nonce, size_t nonce_len,
                      unsigned banks, struct quote_check *out, char **err)
{
    uint8_t *b[4] = { NULL, NULL, NULL, NULL };
    size_t n[4] = { 0, 0, 0, 0 };
    const char *paths[4] = { msg, sig, pcrs, pem };
    int rc = -1;
    for (int i = 0; i < 4; i++)
        if (quote_slurp(paths[i], &b[i], &n[i], err) < 0)
            goto out;
    struct quote_in in = { b[0], n[0], b[1], n[1], b[2], n[2],
                           (const char *)b[3], n[3], nonce, nonce_len, banks, 10 };
    rc = quote_check(&in, out, err);
out:
    for (int i = 0; i < 4; i++)
        free(b[i]);
    return rc;
}
