/* TPMS_ATTEST parsing and the quote checks. */
#include "verify/quote.h"

#include "util/err.h"
#include "util/rd.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_MAX (64u * 1024)

static int short_at(char **err, const struct rd *r, const char *what)
{
    return err_set(err, "quote.msg offset %zu: %s truncated (%zu bytes left)",
                   r->off, what, rd_left(r));
}

int quote_tpm2b(struct rd *r, const char *file, const char *what, uint8_t *dst,
                uint16_t *len, size_t cap, char **err)
{
    size_t at = r->off;
    const uint8_t *p;
    uint16_t n;
    if (rd_tpm2b(r, &p, &n) < 0)
        return err_set(err, "%s offset %zu: %s truncated (%zu bytes left)",
                       file, at, what, rd_left(r));
    if (n > cap)
        return err_set(err, "%s offset %zu: %s size %u exceeds %zu", file, at,
                       what, n, cap);
    memcpy(dst, p, n);
    *len = n;
    return 0;
}

static int parse_selection(struct rd *r, size_t *nsel, struct quote_sel *sel,
                           char **err)
{
    uint32_t count;
    size_t at = r->off;
    if (rd_be32(r, &count) < 0)
        return short_at(err, r, "pcrSelect count");
    if (count > QUOTE_MAX_SEL)
        return err_set(err, "quote.msg offset %zu: pcrSelect count %u exceeds %d",
                       at, count, QUOTE_MAX_SEL);
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *bits;
        at = r->off;
        if (rd_be16(r, &sel[i].alg) < 0 || rd_u8(r, &sel[i].size) < 0)
            return short_at(err, r, "pcrSelections[]");
        if (sel[i].size > QUOTE_SELECT_MAX)
            return err_set(err, "quote.msg offset %zu: sizeofSelect %u exceeds %d",
                           at + 2, sel[i].size, QUOTE_SELECT_MAX);
        if (rd_bytes(r, sel[i].size, &bits) < 0)
            return short_at(err, r, "pcrSelect");
        memset(sel[i].bits, 0, sizeof sel[i].bits);
        memcpy(sel[i].bits, bits, sel[i].size);
    }
    *nsel = count;
    return 0;
}

int quote_parse_attest(const uint8_t *p, size_t n, struct quote_attest *a,
                       char **err)
{
    struct rd r = rd_init(p, n);
    uint32_t magic;
    memset(a, 0, sizeof *a);
    if (rd_be32(&r, &magic) < 0)
        return short_at(err, &r, "magic");
    if (magic != TPM_GENERATED_VALUE)
        return err_set(err, "quote.msg offset 0: magic 0x%08x is not "
                       "TPM_GENERATED_VALUE", magic);
    if (rd_be16(&r, &a->type) < 0)
        return short_at(err, &r, "type");
    if (a->type != TPM_ST_ATTEST_QUOTE)
        return err_set(err, "quote.msg offset 4: type 0x%04x is not "
                       "TPM_ST_ATTEST_QUOTE", a->type);
    if (quote_tpm2b(&r, "quote.msg", "qualifiedSigner", a->signer,
                    &a->signer_len, sizeof a->signer, err) < 0 ||
        quote_tpm2b(&r, "quote.msg", "extraData", a->nonce, &a->nonce_len,
                    sizeof a->nonce, err) < 0)
        return -1;
    if (rd_be64(&r, &a->clock) < 0 || rd_be32(&r, &a->reset_count) < 0 ||
        rd_be32(&r, &a->restart_count) < 0 || rd_u8(&r, &a->safe) < 0)
        return short_at(err, &r, "clockInfo");
    if (rd_be64(&r, &a->firmware) < 0)
        return short_at(err, &r, "firmwareVersion");
    if (parse_selection(&r, &a->nsel, a->sel, err) < 0 ||
        quote_tpm2b(&r, "quote.msg", "pcrDigest", a->pcr_digest,
                    &a->pcr_digest_len, sizeof a->pcr_digest, err) < 0)
        return -1;
    if (rd_left(&r))
        return err_set(err, "quote.msg offset %zu: %zu trailing bytes", r.off,
                       rd_left(&r));
    return 0;
}

static bool sel_has(const struct quote_sel *s, uint32_t pcr)
{
    return pcr / 8 < s->size && (s->bits[pcr / 8] >> (pcr % 8)) & 1;
}

static bool sel_equal(const struct quote_sel *a, size_t na,
                      const struct quote_sel *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++)
        if (a[i].alg != b[i].alg || a[i].size != b[i].size ||
            memcmp(a[i].bits, b[i].bits, a[i].size) != 0)
            return false;
    return true;
}

/* The PCR is selected in every wanted bank. */
static bool covers(const struct quote_attest *a, unsigned banks, uint32_t pcr)
{
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(banks & (1u << b)))
            continue;
        bool found = false;
        for (size_t i = 0; i < a->nsel; i++)
            if (a->sel[i].alg == alg_by_bank(b)->tpm_id && sel_has(&a->sel[i], pcr))
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
    out->nonce_ok = out->attest.nonce_len == in->nonce_len &&
                    (in->nonce_len == 0 ||
                     memcmp(out->attest.nonce, in->nonce, in->nonce_len) == 0);
    out->selection_ok = covers(&out->attest, in->banks, pcr);
    out->pcrs_sel_ok = v->nsel == 0 ||
                       sel_equal(v->sel, v->nsel, out->attest.sel, out->attest.nsel);
    char *derr = NULL;       /* a missing value is a failed check, not an error */
    out->digest_ok = quote_pcr_digest(&out->attest, v, out->sig.hash_alg, dig,
                                      &dlen, &derr) == 0 &&
                     dlen == out->attest.pcr_digest_len &&
                     memcmp(dig, out->attest.pcr_digest, dlen) == 0;
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

static int slurp(const char *path, uint8_t **buf, size_t *len, char **err)
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
        if (slurp(paths[i], &b[i], &n[i], err) < 0)
            goto out;
    struct quote_in in = { b[0], n[0], b[1], n[1], b[2], n[2],
                           (const char *)b[3], n[3], nonce, nonce_len, banks, 10 };
    rc = quote_check(&in, out, err);
out:
    for (int i = 0; i < 4; i++)
        free(b[i]);
    return rc;
}
