/* The PCR values file of tpm2_quote -o, and the pcrDigest over it. */
#include "verify/quote.h"

#include "util/err.h"
#include "util/rd.h"

#include <stdlib.h>
#include <string.h>

/* tpm2-tools writes -F serialized as fwrite() of C structs (tpm2-tss
 * layout, little-endian on x86): TPMS_PCR_SELECTION is 2+1+4 bytes padded
 * to 8, TPM2B_DIGEST is 2+64 bytes, TPML_DIGEST holds 8 of them. */
#define SER_SEL_SIZE 8
#define SER_SELS (4 + QUOTE_MAX_SEL * SER_SEL_SIZE)     /* 132 */
#define SER_DIGEST_SIZE (2 + 64)
#define SER_DIGESTS_PER_LIST 8
#define SER_LIST_SIZE (4 + SER_DIGESTS_PER_LIST * SER_DIGEST_SIZE)   /* 532 */

static int rd_le16(struct rd *r, uint16_t *v)
{
    const uint8_t *p;
    if (rd_bytes(r, 2, &p) < 0)
        return -1;
    *v = (uint16_t)(p[0] | (p[1] << 8));
    return 0;
}

/* Walk the selection in order, calling take() for every selected PCR. */
static int each_selected(const struct quote_sel *sel, size_t nsel,
                         int (*take)(void *ctx, uint16_t alg, uint8_t pcr),
                         void *ctx)
{
    for (size_t i = 0; i < nsel; i++)
        for (unsigned pcr = 0; pcr < sel[i].size * 8u; pcr++)
            if ((sel[i].bits[pcr / 8] >> (pcr % 8)) & 1)
                if (take(ctx, sel[i].alg, (uint8_t)pcr) < 0)
                    return -1;
    return 0;
}

struct fill { struct quote_pcrs *out; const uint8_t (*dig)[64]; const uint16_t *len; size_t n; };

static int fill_one(void *ctx, uint16_t alg, uint8_t pcr)
{
    struct fill *f = ctx;
    size_t i = f->out->n;
    if (i >= f->n || i >= QUOTE_MAX_VALUES)
        return -1;
    f->out->v[i].alg = alg;
    f->out->v[i].pcr = pcr;
    f->out->v[i].len = f->len[i];
    memcpy(f->out->v[i].value, f->dig[i], f->len[i]);
    f->out->n++;
    return 0;
}

static int parse_sels(struct rd *r, struct quote_pcrs *out, char **err)
{
    uint32_t count;
    if (rd_le32(r, &count) < 0)
        return err_set(err, "quote.pcrs offset 0: selection count truncated");
    if (count > QUOTE_MAX_SEL)
        return err_set(err, "quote.pcrs offset 0: selection count %u exceeds %d",
                       count, QUOTE_MAX_SEL);
    for (uint32_t i = 0; i < QUOTE_MAX_SEL; i++) {
        struct quote_sel s;
        const uint8_t *bits;
        size_t at = r->off;
        if (rd_le16(r, &s.alg) < 0 || rd_u8(r, &s.size) < 0 ||
            rd_bytes(r, QUOTE_SELECT_MAX + 1, &bits) < 0)   /* select[4] + pad */
            return err_set(err, "quote.pcrs offset %zu: selection truncated", at);
        if (i >= count)
            continue;
        if (s.size > QUOTE_SELECT_MAX)
            return err_set(err, "quote.pcrs offset %zu: sizeofSelect %u exceeds %d",
                           at + 2, s.size, QUOTE_SELECT_MAX);
        memset(s.bits, 0, sizeof s.bits);
        memcpy(s.bits, bits, s.size);
        out->sel[i] = s;
    }
    out->nsel = count;
    return 0;
}

static int parse_serialized(const uint8_t *p, size_t n, struct quote_pcrs *out,
                            char **err)
{
    uint8_t dig[QUOTE_MAX_VALUES][64];
    uint16_t len[QUOTE_MAX_VALUES];
    struct rd r = rd_init(p, n);
    uint32_t lists;
    size_t nd = 0;
    if (n < SER_SELS + 4)
        return err_set(err, "quote.pcrs: %zu bytes, a serialized file has at "
                       "least %d", n, SER_SELS + 4);
    if (parse_sels(&r, out, err) < 0)
        return -1;
    if (rd_le32(&r, &lists) < 0)
        return err_set(err, "quote.pcrs offset %d: digest list count truncated",
                       SER_SELS);
    if (lists > QUOTE_MAX_VALUES / SER_DIGESTS_PER_LIST ||
        rd_left(&r) != (size_t)lists * SER_LIST_SIZE)
        return err_set(err, "quote.pcrs offset %d: %u digest lists do not fit "
                       "the %zu bytes left", SER_SELS, lists, rd_left(&r));
    for (uint32_t l = 0; l < lists; l++) {
        uint32_t count;
        size_t at = r.off;
        if (rd_le32(&r, &count) < 0)
            return err_set(err, "quote.pcrs offset %zu: digest count truncated", at);
        if (count > SER_DIGESTS_PER_LIST)
            return err_set(err, "quote.pcrs offset %zu: digest count %u exceeds %d",
                           at, count, SER_DIGESTS_PER_LIST);
        for (uint32_t k = 0; k < SER_DIGESTS_PER_LIST; k++) {
            const uint8_t *d;
            uint16_t sz;
            at = r.off;
            if (rd_le16(&r, &sz) < 0 || rd_bytes(&r, 64, &d) < 0)
                return err_set(err, "quote.pcrs offset %zu: digest truncated", at);
            if (k >= count)
                continue;
            if (sz > 64)
                return err_set(err, "quote.pcrs offset %zu: digest size %u exceeds 64",
                               at, sz);
            memcpy(dig[nd], d, sz);
            len[nd++] = sz;
        }
    }
    struct fill f = { out, (const uint8_t (*)[64])dig, len, nd };
    if (each_selected(out->sel, out->nsel, fill_one, &f) < 0 || out->n != nd)
        return err_set(err, "quote.pcrs: %zu digests for the selection's PCRs", nd);
    return 0;
}

struct vals { struct quote_pcrs *out; struct rd r; };

static int take_value(void *ctx, uint16_t alg, uint8_t pcr)
{
    struct vals *v = ctx;
    const struct alg_info *a = alg_by_tpm_id(alg);
    const uint8_t *d;
    size_t i = v->out->n;
    if (!a || i >= QUOTE_MAX_VALUES || rd_bytes(&v->r, a->size, &d) < 0)
        return -1;
    v->out->v[i] = (struct quote_pcr){ .alg = alg, .pcr = pcr, .len = (uint16_t)a->size };
    memcpy(v->out->v[i].value, d, a->size);
    v->out->n++;
    return 0;
}

/* -F values: bare digests in the quote's selection order, nothing after.
 * Only a fallback, so it fails without a message: the caller reports why
 * the file is not the default serialized format. */
static int parse_values(const uint8_t *p, size_t n, const struct quote_attest *a,
                        struct quote_pcrs *out)
{
    struct vals v = { out, rd_init(p, n) };
    if (each_selected(a->sel, a->nsel, take_value, &v) < 0 || rd_left(&v.r))
        return -1;
    return 0;
}

int quote_parse_pcrs(const uint8_t *p, size_t n, const struct quote_attest *sel,
                     struct quote_pcrs *out, char **err)
{
    char *serr = NULL;
    memset(out, 0, sizeof *out);
    if (parse_serialized(p, n, out, &serr) == 0)
        return 0;
    int rc = -1;
    if (sel) {
        memset(out, 0, sizeof *out);
        rc = parse_values(p, n, sel, out);
    }
    if (rc == 0 || !err || *err)
        free(serr);
    else
        *err = serr;           /* report the serialized reading: the default */
    return rc;
}

struct hashing { struct alg_hash h; const struct quote_pcrs *v; char **err; };

static int hash_one(void *ctx, uint16_t alg, uint8_t pcr)
{
    struct hashing *hs = ctx;
    for (size_t i = 0; i < hs->v->n; i++)
        if (hs->v->v[i].alg == alg && hs->v->v[i].pcr == pcr)
            return alg_hash_update(&hs->h, hs->v->v[i].value, hs->v->v[i].len);
    return err_set(hs->err, "no value for PCR %u of bank 0x%04x", pcr, alg);
}

int quote_pcr_digest(const struct quote_attest *a, const struct quote_pcrs *v,
                     uint16_t hash_alg, uint8_t *out, size_t *out_len,
                     char **err)
{
    const struct alg_info *ai = alg_by_tpm_id(hash_alg);
    struct hashing hs = { .v = v, .err = err };
    if (!ai || alg_hash_new(&hs.h) < 0 || alg_hash_start(&hs.h, ai->bank) < 0) {
        alg_hash_free(&hs.h);
        return err_set(err, "unsupported hash 0x%04x", hash_alg);
    }
    int rc = each_selected(a->sel, a->nsel, hash_one, &hs) < 0
                 ? err_set(err, "hashing the PCR values")
                 : alg_hash_final(&hs.h, out);
    alg_hash_free(&hs.h);
    if (rc == 0)
        *out_len = ai->size;
    return rc;
}
