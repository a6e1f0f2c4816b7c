/* The PCR values file of tpm2_quote -o, and the pcrDigest over it. */
#include "verify/quote.h"

#include "util/err.h"
#include "util/rd.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* tpm2-tools writes -F serialized as fwrite() of tpm2-tss's C structs
 * (tpm2_quote and tpm2_checkquote share them: files_write_bytes of
 * sizeof(TPML_PCR_SELECTION), a u32 count, then count x TPML_DIGEST), in
 * the writer's byte order: little-endian on x86, like this host.  So the
 * file is read back into those same types, whose sizes pin the format. */
static_assert(sizeof(TPML_PCR_SELECTION) == 132, "tpm2-tools' serialized selection");
static_assert(sizeof(TPML_DIGEST) == 532, "tpm2-tools' serialized digest list");
#define SER_SELS sizeof(TPML_PCR_SELECTION)
#define SER_LIST_SIZE sizeof(TPML_DIGEST)
#define SER_DIGESTS_PER_LIST (sizeof(((TPML_DIGEST *)0)->digests) / \
                              sizeof(((TPML_DIGEST *)0)->digests[0]))

/* Walk the selection in order, calling take() for every selected PCR. */
static int each_selected(const TPML_PCR_SELECTION *sel,
                         int (*take)(void *ctx, uint16_t alg, uint8_t pcr),
                         void *ctx)
{
    for (size_t i = 0; i < sel->count; i++) {
        const TPMS_PCR_SELECTION *s = &sel->pcrSelections[i];
        for (unsigned pcr = 0; pcr < s->sizeofSelect * 8u; pcr++)
            if ((s->pcrSelect[pcr / 8] >> (pcr % 8)) & 1)
                if (take(ctx, s->hash, (uint8_t)pcr) < 0)
                    return -1;
    }
    return 0;
}

struct fill { struct quote_pcrs *out; const TPM2B_DIGEST *dig; size_t n; };

static int fill_one(void *ctx, uint16_t alg, uint8_t pcr)
{
    struct fill *f = ctx;
    size_t i = f->out->n;
    if (i >= f->n || i >= QUOTE_MAX_VALUES)
        return -1;
    f->out->v[i] = (struct quote_pcr){ .alg = alg, .pcr = pcr,
                                       .len = f->dig[i].size };
    memcpy(f->out->v[i].value, f->dig[i].buffer, f->dig[i].size);
    f->out->n++;
    return 0;
}

static int check_sels(const TPML_PCR_SELECTION *sel, char **err)
{
    if (sel->count > TPM2_NUM_PCR_BANKS)
        return err_set(err, "quote.pcrs offset 0: selection count %u exceeds %d",
                       sel->count, TPM2_NUM_PCR_BANKS);
    for (uint32_t i = 0; i < sel->count; i++)
        if (sel->pcrSelections[i].sizeofSelect > TPM2_PCR_SELECT_MAX)
            return err_set(err, "quote.pcrs offset %zu: sizeofSelect %u exceeds %d",
                           4 + i * sizeof(TPMS_PCR_SELECTION) + 2,
                           sel->pcrSelections[i].sizeofSelect, TPM2_PCR_SELECT_MAX);
    return 0;
}

/* One TPML_DIGEST at offset at: its digests appended to dig[*nd]. */
static int take_list(const uint8_t *p, size_t at, TPM2B_DIGEST *dig, size_t *nd,
                     char **err)
{
    TPML_DIGEST l;
    memcpy(&l, p + at, sizeof l);
    if (l.count > SER_DIGESTS_PER_LIST)
        return err_set(err, "quote.pcrs offset %zu: digest count %u exceeds %zu",
                       at, l.count, SER_DIGESTS_PER_LIST);
    for (uint32_t k = 0; k < l.count; k++) {
        if (l.digests[k].size > sizeof l.digests[k].buffer)
            return err_set(err, "quote.pcrs offset %zu: digest size %u exceeds %zu",
                           at + offsetof(TPML_DIGEST, digests) +
                               k * sizeof(TPM2B_DIGEST),
                           l.digests[k].size, sizeof l.digests[k].buffer);
        dig[(*nd)++] = l.digests[k];
    }
    return 0;
}

static int parse_serialized(const uint8_t *p, size_t n, struct quote_pcrs *out,
                            char **err)
{
    TPM2B_DIGEST dig[QUOTE_MAX_VALUES];
    uint32_t lists;
    size_t nd = 0;
    if (n < SER_SELS + 4)
        return err_set(err, "quote.pcrs: %zu bytes, a serialized file has at "
                       "least %zu", n, SER_SELS + 4);
    memcpy(&out->sel, p, SER_SELS);
    if (check_sels(&out->sel, err) < 0)
        return -1;
    memcpy(&lists, p + SER_SELS, 4);
    size_t left = n - SER_SELS - 4;
    if (lists > QUOTE_MAX_VALUES / SER_DIGESTS_PER_LIST ||
        left != (size_t)lists * SER_LIST_SIZE)
        return err_set(err, "quote.pcrs offset %zu: %u digest lists do not fit "
                       "the %zu bytes left", SER_SELS, lists, left);
    for (uint32_t l = 0; l < lists; l++)
        if (take_list(p, SER_SELS + 4 + l * SER_LIST_SIZE, dig, &nd, err) < 0)
            return -1;
    struct fill f = { out, dig, nd };
    if (each_selected(&out->sel, fill_one, &f) < 0 || out->n != nd)
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
static int parse_values(const uint8_t *p, size_t n, const TPMS_ATTEST *a,
                        struct quote_pcrs *out)
{
    struct vals v = { out, rd_init(p, n) };
    if (each_selected(quote_selection(a), take_value, &v) < 0 || rd_left(&v.r))
        return -1;
    return 0;
}

int quote_parse_pcrs(const uint8_t *p, size_t n, const TPMS_ATTEST *sel,
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

int quote_pcr_digest(const TPMS_ATTEST *a, const struct quote_pcrs *v,
                     uint16_t hash_alg, uint8_t *out, size_t *out_len,
                     char **err)
{
    const struct alg_info *ai = alg_by_tpm_id(hash_alg);
    struct hashing hs = { .v = v, .err = err };
    if (!ai || alg_hash_new(&hs.h) < 0 || alg_hash_start(&hs.h, ai->bank) < 0) {
        alg_hash_free(&hs.h);
        return err_set(err, "unsupported hash 0x%04x", hash_alg);
    }
    int rc = each_selected(quote_selection(a), hash_one, &hs) < 0
                 ? err_set(err, "hashing the PCR values")
                 : alg_hash_final(&hs.h, out);
    alg_hash_free(&hs.h);
    if (rc == 0)
        *out_len = ai->size;
    return rc;
}
