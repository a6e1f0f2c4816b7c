/* The TPM 2.0 bodies the shim must understand: PCR_Extend in (its
 * TPML_DIGEST_VALUES), PCR_Read out (TPML_PCR_SELECTION) and its answer
 * back (TPML_PCR_SELECTION, TPML_DIGEST).  The structures are read and
 * written by libtss2-mu; an error names the field and its offset in the
 * frame.  TPM 2.0 Part 3, sections 22.2 and 22.4. */
#include "tpm/frame.h"

#include <stdio.h>
#include <string.h>

#include "tpm/mu.h"
#include "util/err.h"
#include "util/rd.h"

#define EXTEND "PCR_Extend"
#define READ   "PCR_Read"

/* TPML_DIGEST_VALUES at r, its count then each TPMT_HA read by libtss2-mu
 * one at a time (as quote.c reads TPMS_ATTEST field by field): the list's
 * own unmarshaller says neither which digest it refused nor where, and
 * takes algorithms (SM3, TPM_ALG_NULL, ...) that are no bank here. */
static int parse_digest_values(struct rd *r, struct pcr_digests *out,
                               char **err)
{
    TPML_DIGEST_VALUES v;
    size_t off = r->off;
    char what[24];
    tpm_mu_quiet();
    if (tpm_mu_err(Tss2_MU_UINT32_Unmarshal(r->p, r->len, &off, &v.count),
                   EXTEND, r->off, "digest count", r->len, err) < 0)
        return -1;
    if (v.count > BANK_COUNT)
        return err_set(err, EXTEND " offset %zu: %u digests, at most %d "
                       "banks known", r->off, v.count, BANK_COUNT);
    for (out->count = 0; out->count < v.count; out->count++) {
        TPMT_HA *d = &v.digests[out->count];
        size_t at = off;   /* the library moves off only past what it read */
        TSS2_RC rc = Tss2_MU_TPMT_HA_Unmarshal(r->p, r->len, &off, d);
        const struct alg_info *a = rc ? NULL : alg_by_tpm_id(d->hashAlg);
        snprintf(what, sizeof(what), "digest %u", out->count);
        if ((rc == TSS2_MU_RC_BAD_VALUE && r->len - at >= 2) || (!rc && !a))
            return err_set(err, EXTEND " offset %zu: %s: unknown hash alg "
                           "0x%04x", at, what, rc ? be16_at(r->p + at)
                                                  : d->hashAlg);
        if (tpm_mu_err(rc, EXTEND, at, what, r->len, err) < 0)
            return -1;
        out->v[out->count].bank = a->bank;
        memcpy(out->v[out->count].d, (const uint8_t *)&d->digest, a->size);
    }
    r->off = off;
    return 0;
}

int frame_parse_pcr_extend(const uint8_t *buf, size_t len,
                           struct pcr_extend *out, char **err)
{
    struct tpm_hdr h;
    if (frame_hdr_parse(buf, len, 0, &h, err) < 0)
        return -1;
    if (frame_tag_is_tpm12(h.tag))
        return frame12_parse_extend(&h, buf, len, out, err);
    if (h.code != TPM2_CC_PCR_EXTEND)
        return err_set(err, "not a PCR_Extend: cc 0x%08x", h.code);
    if (h.size != len)
        return err_set(err, EXTEND ": size field %u, frame %zu bytes",
                       h.size, len);
    struct rd r = rd_init(buf, len);
    uint32_t auth_size;
    rd_skip(&r, TPM_HDR_SIZE);
    if (rd_be32(&r, &out->pcr) < 0 || rd_be32(&r, &auth_size) < 0)
        return err_set(err, EXTEND ": handle area truncated");
    if (rd_skip(&r, auth_size) < 0)
        return err_set(err, EXTEND ": auth area of %u bytes truncated",
                       auth_size);
    if (parse_digest_values(&r, &out->digests, err) < 0)
        return -1;
    if (rd_left(&r) != 0)
        return err_set(err, EXTEND ": %zu trailing bytes", rd_left(&r));
    return 0;
}

size_t frame_build_pcr_read(uint8_t *buf, size_t cap, unsigned pcr,
                            const enum bank *banks, unsigned nbanks)
{
    TPML_PCR_SELECTION sel;
    size_t off = TPM_HDR_SIZE;
    if (pcr > 23 || nbanks > TPM2_NUM_PCR_BANKS || cap < off)
        return 0;
    memset(&sel, 0, sizeof(sel));
    sel.count = nbanks;
    for (unsigned i = 0; i < nbanks; i++) {
        const struct alg_info *a = alg_by_bank(banks[i]);
        if (!a)
            return 0;
        sel.pcrSelections[i].hash = a->tpm_id;
        sel.pcrSelections[i].sizeofSelect = 3;        /* PCRs 0..23 */
        sel.pcrSelections[i].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
    }
    if (Tss2_MU_TPML_PCR_SELECTION_Marshal(&sel, buf, cap, &off) !=
        TSS2_RC_SUCCESS)
        return 0;
    frame_put_hdr(buf, TPM2_ST_NO_SESSIONS, off, TPM2_CC_PCR_READ);
    return off;
}

/* PCRs below `below` that s selects. */
static unsigned selected(const TPMS_PCR_SELECTION *s, unsigned below)
{
    unsigned n = 0;
    for (unsigned i = 0; i < below && i < 8u * s->sizeofSelect; i++)
        n += (s->pcrSelect[i / 8] >> (i % 8)) & 1;
    return n;
}

/* The answer's digests come one per selected PCR, bank by bank in the
 * selection's order: keep pcr's in each bank this harness knows (the TPM
 * drops unallocated banks from its selection). */
static int take_digests(const TPML_PCR_SELECTION *sel, const TPML_DIGEST *dig,
                        unsigned pcr, struct pcr_digests *out, char **err)
{
    uint32_t want = 0, first = 0;
    for (uint32_t i = 0; i < sel->count; i++)
        want += selected(&sel->pcrSelections[i], TPM2_MAX_PCRS);
    if (dig->count != want)
        return err_set(err, READ ": %u digests for %u selected PCRs",
                       dig->count, want);
    out->count = 0;
    for (uint32_t i = 0; i < sel->count; i++) {
        const TPMS_PCR_SELECTION *s = &sel->pcrSelections[i];
        const struct alg_info *a = alg_by_tpm_id(s->hash);
        const TPM2B_DIGEST *d = &dig->digests[first + selected(s, pcr)];
        bool has = selected(s, pcr + 1) > selected(s, pcr);
        first += selected(s, TPM2_MAX_PCRS);
        if (!a || !has)
            continue;
        if (d->size != a->size || out->count >= BANK_COUNT)
            return err_set(err, READ ": %s digest of %u bytes", a->name,
                           d->size);
        out->v[out->count].bank = a->bank;
        memcpy(out->v[out->count].d, d->buffer, a->size);
        out->count++;
    }
    return 0;
}

int frame_parse_pcr_read_rsp(const uint8_t *buf, size_t len, unsigned pcr,
                             struct pcr_digests *out, uint32_t *rc,
                             char **err)
{
    struct tpm_hdr h;
    if (frame_hdr_parse(buf, len, 0, &h, err) < 0)
        return -1;
    *rc = h.code;
    if (h.size != len)
        return err_set(err, READ ": size field %u, frame %zu bytes",
                       h.size, len);
    if (h.code != 0)
        return err_set(err, READ ": response code 0x%08x", h.code);
    uint32_t counter;
    TPML_PCR_SELECTION sel;
    TPML_DIGEST dig;
    size_t off = TPM_HDR_SIZE;
    tpm_mu_quiet();
    /* the library moves off only past what it read: on a refusal, off is
     * where the field began */
    if (tpm_mu_err(Tss2_MU_UINT32_Unmarshal(buf, len, &off, &counter), READ,
                   TPM_HDR_SIZE, "pcrUpdateCounter", len, err) < 0)
        return -1;
    TSS2_RC mu = Tss2_MU_TPML_PCR_SELECTION_Unmarshal(buf, len, &off, &sel);
    if (tpm_mu_err(mu, READ, off, "pcrSelectionOut", len, err) < 0)
        return -1;
    mu = Tss2_MU_TPML_DIGEST_Unmarshal(buf, len, &off, &dig);
    if (tpm_mu_err(mu, READ, off, "pcrValues", len, err) < 0)
        return -1;
    if (off != len)
        return err_set(err, READ " offset %zu: %zu trailing bytes", off,
                       len - off);
    return take_digests(&sel, &dig, pcr, out, err);
}
