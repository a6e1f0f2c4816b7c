/* The TPM 1.2 bodies the shim must understand: TPM_Extend in (IMA's
 * extend: a PCR index and one sha1 digest), TPM_PcrRead out and back (the
 * TPM's truth before shutdown).  TPM Main Part 3, sections 16.1 and 16.2. */
#include "tpm/frame.h"

#include <string.h>

#include "util/err.h"
#include "util/rd.h"

int frame12_parse_extend(const struct tpm_hdr *h, const uint8_t *buf,
                         size_t len, struct pcr_extend *out, char **err)
{
    const uint8_t *d;
    if (h->tag != TPM12_TAG_RQU_COMMAND || h->code != TPM12_ORD_EXTEND)
        return err_set(err, "not a TPM_Extend: tag 0x%04x ordinal 0x%08x",
                       h->tag, h->code);
    if (h->size != len)
        return err_set(err, "TPM_Extend: size field %u, frame %zu bytes",
                       h->size, len);
    struct rd r = rd_init(buf, len);
    rd_skip(&r, TPM_HDR_SIZE);
    if (rd_be32(&r, &out->pcr) < 0 ||
        rd_bytes(&r, TPM12_DIGEST_SIZE, &d) < 0)
        return err_set(err, "TPM_Extend: body truncated at %zu", r.off);
    if (rd_left(&r) != 0)
        return err_set(err, "TPM_Extend: %zu trailing bytes", rd_left(&r));
    out->digests.count = 1;
    out->digests.v[0].bank = BANK_SHA1;
    memcpy(out->digests.v[0].d, d, TPM12_DIGEST_SIZE);
    return 0;
}

size_t frame12_build_pcr_read(uint8_t *buf, size_t cap, unsigned pcr)
{
    size_t len = TPM_HDR_SIZE + 4;
    if (len > cap || pcr > 23)
        return 0;
    frame_put_hdr(buf, TPM12_TAG_RQU_COMMAND, len, TPM12_ORD_PCR_READ);
    put_be32(buf + 10, pcr);
    return len;
}

int frame12_parse_pcr_read_rsp(const uint8_t *buf, size_t len,
                               struct pcr_digests *out, uint32_t *rc,
                               char **err)
{
    struct tpm_hdr h;
    const uint8_t *d;
    if (frame_hdr_parse(buf, len, 0, &h, err) < 0)
        return -1;
    *rc = h.code;
    if (h.tag != TPM12_TAG_RSP_COMMAND)
        return err_set(err, "TPM_PcrRead: response tag 0x%04x", h.tag);
    if (h.size != len)
        return err_set(err, "TPM_PcrRead: size field %u, frame %zu bytes",
                       h.size, len);
    if (h.code != 0)
        return err_set(err, "TPM_PcrRead: return code 0x%08x", h.code);
    struct rd r = rd_init(buf, len);
    rd_skip(&r, TPM_HDR_SIZE);
    if (rd_bytes(&r, TPM12_DIGEST_SIZE, &d) < 0)
        return err_set(err, "TPM_PcrRead: digest truncated at %zu", r.off);
    if (rd_left(&r) != 0)
        return err_set(err, "TPM_PcrRead: %zu trailing bytes", rd_left(&r));
    out->count = 1;
    out->v[0].bank = BANK_SHA1;
    memcpy(out->v[0].d, d, TPM12_DIGEST_SIZE);
    return 0;
}

/* TPM_GetCapability(TPM_CAP_PROPERTY, TPM_CAP_PROP_TIS_DURATION): the
 * request is tag, size, ordinal, capArea, subCapSize (4), subCap. */
#define TPM12_ORD_GET_CAPABILITY 0x65
#define TPM12_CAP_PROPERTY 5
#define TPM12_CAP_PROP_TIS_DURATION 0x120

static bool asks_durations(const uint8_t *cmd, size_t len)
{
    struct rd r = rd_init(cmd, len);
    struct tpm_hdr h;
    uint32_t area, n, sub;
    if (frame_hdr_parse(cmd, len, 0, &h, NULL) < 0 || h.size != len ||
        h.tag != TPM12_TAG_RQU_COMMAND || h.code != TPM12_ORD_GET_CAPABILITY)
        return false;
    rd_skip(&r, TPM_HDR_SIZE);
    return rd_be32(&r, &area) == 0 && rd_be32(&r, &n) == 0 &&
           rd_be32(&r, &sub) == 0 && rd_left(&r) == 0 &&
           area == TPM12_CAP_PROPERTY && n == 4 &&
           sub == TPM12_CAP_PROP_TIS_DURATION;
}

int frame12_cap_durations(const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                          size_t rsp_len, uint32_t max_us, uint32_t was[3])
{
    struct tpm_hdr h;
    if (!asks_durations(cmd, cmd_len) ||
        frame_hdr_parse(rsp, rsp_len, 0, &h, NULL) < 0 || h.size != rsp_len ||
        h.code != 0 || rsp_len != TPM_HDR_SIZE + 4 + 3 * 4 ||
        be32_at(rsp + TPM_HDR_SIZE) != 3 * 4)
        return 0;
    for (int i = 0; i < 3; i++) {
        uint8_t *p = rsp + TPM_HDR_SIZE + 4 + 4 * i;
        was[i] = be32_at(p);
        if (was[i] > max_us)
            put_be32(p, max_us);
    }
    return 1;
}
