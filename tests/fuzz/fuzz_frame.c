/* What a hostile peer can put in front of the shim's parsers: TPM frames
 * (tpm/frame.c, frame2.c: the header, PCR_Extend from the guest,
 * PCR_Read's answer from swtpm) and control-channel lengths
 * (shim/ctrlcmd.c).
 *
 * Input: the bytes of one frame; for the control channel the first four
 * bytes are also a control code (its request) and a control response.
 *
 * Contract: the error convention; a header within the size limit; an
 * extend's PCR and banks as parsed lie in their tables; a PCR_Read answer
 * is refused with its rc or gives at most one digest per bank; the
 * control lengths never ask for less than was already consumed on a
 * request and stay within the command's bounds. */
#include "fuzz.h"

#include "shim/ctrlcmd.h"
#include "tpm/frame.h"
#include "util/rd.h"

static void check_frames(const uint8_t *data, size_t size)
{
    struct tpm_hdr h;
    char *err = NULL;
    int rc = frame_hdr_parse(data, size, 4096, &h, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0)
        FUZZ_CHECK(h.size >= TPM_HDR_SIZE && h.size <= 4096, "size %u", h.size);
    free(err);
    err = NULL;

    struct pcr_extend e;
    rc = frame_parse_pcr_extend(data, size, &e, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0) {
        FUZZ_CHECK(e.digests.count <= BANK_COUNT, "count %u", e.digests.count);
        for (unsigned i = 0; i < e.digests.count; i++)
            FUZZ_CHECK(alg_by_bank(e.digests.v[i].bank), "bank");
    }
    free(err);
    err = NULL;

    struct pcr_digests d;
    uint32_t tpm_rc = 0;
    rc = frame_parse_pcr_read_rsp(data, size, 10, &d, &tpm_rc, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0) {
        FUZZ_CHECK(tpm_rc == 0 && d.count <= BANK_COUNT, "rc %u, count %u",
                   tpm_rc, d.count);
        for (unsigned i = 0; i < d.count; i++)
            FUZZ_CHECK(alg_by_bank(d.v[i].bank), "bank");
    }
    free(err);
    err = NULL;
    rc = frame12_parse_pcr_read_rsp(data, size, &d, &tpm_rc, &err);
    FUZZ_CHECK_ERR(rc, err);
    FUZZ_CHECK(rc < 0 || (tpm_rc == 0 && d.count == 1), "1.2 PcrRead");
    free(err);
    err = NULL;
    uint8_t rsp[64];
    uint32_t was[3];
    size_t n = size < sizeof(rsp) ? size : sizeof(rsp);
    memcpy(rsp, data, n);   /* the fuzz input as both request and answer */
    (void)frame12_cap_durations(data, size, rsp, n, 1000000, was);
    enum tpm_family fam = size && data[0] == 0 ? TPM_FAMILY_12 : TPM_FAMILY_20;
    (void)tpm_cc_name(size >= 10 ? be32_at(data + 6) : 0, fam);
    (void)tpm_rc_name(size >= 4 ? be32_at(data) : 0, fam);
}

static void check_ctrl(const uint8_t *data, size_t size)
{
    if (size < 4)
        return;
    const struct ctrl_spec *sp = ctrl_spec_find(be32_at(data));
    if (!sp)
        return;
    size_t need, cap;
    char *err = NULL;
    int rc = ctrl_req_need(sp, data, size, &need, &cap, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0)
        FUZZ_CHECK(need >= 4 + sp->req_min && cap >= need &&
                   need <= 4 + sp->req_max + (size_t)sp->req_var_max,
                   "%s: need %zu cap %zu", sp->name, need, cap);
    free(err);
    err = NULL;
    /* The same bytes as swtpm's answer to that command. */
    rc = ctrl_rsp_need(sp, data + 4, size - 4, &need, &cap, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0)
        FUZZ_CHECK(need <= sp->rsp_len + (size_t)sp->rsp_var_max &&
                   cap <= sp->rsp_len + (size_t)sp->rsp_var_max,
                   "%s: response need %zu cap %zu", sp->name, need, cap);
    free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_frames(data, size);
    check_ctrl(data, size);
    return 0;
}
