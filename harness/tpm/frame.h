/* TPM command/response frames: the 10-byte header, command and response
 * code names, and the two bodies the shim must understand (PCR_Extend in,
 * PCR_Read out and back).  Headers and TPM 1.2 bodies are read with the
 * bounded readers of util/rd.h (frame.c, frame12.c), TPM 2.0 structures by
 * libtss2-mu (frame2.c); nothing here touches sockets. */
#ifndef TPMFAULT_FRAME_H
#define TPMFAULT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tpm/alg.h"

#define TPM_HDR_SIZE 10

/* Tags: TPM 2.0 and TPM 1.2 (QEMU probes with both kinds). */
#define TPM2_ST_NO_SESSIONS 0x8001
#define TPM2_ST_SESSIONS    0x8002
#define TPM12_TAG_RQU_COMMAND 0x00C1
#define TPM12_TAG_RSP_COMMAND 0x00C4

#define TPM2_CC_PCR_EXTEND 0x00000182
#define TPM2_CC_PCR_READ   0x0000017E
#define TPM2_CC_STARTUP    0x00000144
#define TPM2_CC_READ_CLOCK 0x00000181
#define TPM2_CC_QUOTE      0x00000158
#define TPM12_ORD_EXTEND   0x00000014
#define TPM12_ORD_PCR_READ 0x00000015
#define TPM12_ORD_QUOTE    0x00000016
#define TPM12_ORD_QUOTE2   0x0000003E
#define TPM12_DIGEST_SIZE  20

#define TPM2_RC_SUCCESS      0x000
#define TPM2_RC_FAILURE      0x101
#define TPM2_RC_COMMAND_SIZE 0x142
#define TPM2_RC_CANCELED     0x909
#define TPM2_RC_TESTING      0x90A
#define TPM2_RC_RETRY        0x922
#define TPM12_FAIL           0x009
#define TPM12_BAD_PARAM_SIZE 0x019

/* The PCR handle is the PCR index for PCRs 0..31. */
#define TPM2_MAX_PCR 31

struct tpm_hdr {
    uint16_t tag;
    uint32_t size;   /* whole frame, header included */
    uint32_t code;   /* command code or response code */
};

/* Parse the header at buf[0..len).  len may be just the header; the size
 * field is checked only against TPM_HDR_SIZE and max_size (0 = no limit). */
int frame_hdr_parse(const uint8_t *buf, size_t len, uint32_t max_size,
                    struct tpm_hdr *h, char **err);

/* True for the TPM 1.2 request/response tags (0x00C1..0x00C6). */
int frame_tag_is_tpm12(uint16_t tag);

/* Which TPM's names: a 2.0 command code and a 1.2 ordinal may share a
 * number, and so may response codes. */
enum tpm_family { TPM_FAMILY_20, TPM_FAMILY_12 };

/* The family a frame's tag belongs to. */
static inline enum tpm_family frame_family(uint16_t tag)
{
    return frame_tag_is_tpm12(tag) ? TPM_FAMILY_12 : TPM_FAMILY_20;
}

/* A PCR extend in family f: TPM2_PCR_Extend, TPM_Extend. */
static inline bool tpm_cc_is_extend(enum tpm_family f, uint32_t code)
{
    return code == (f == TPM_FAMILY_12 ? TPM12_ORD_EXTEND : TPM2_CC_PCR_EXTEND);
}

/* A quote in family f: TPM2_Quote, TPM_Quote, TPM_Quote2. */
static inline bool tpm_cc_is_quote(enum tpm_family f, uint32_t code)
{
    if (f == TPM_FAMILY_12)
        return code == TPM12_ORD_QUOTE || code == TPM12_ORD_QUOTE2;
    return code == TPM2_CC_QUOTE;
}

/* A PCR extend of either family, by the frame's tag. */
static inline bool frame_is_extend(uint16_t tag, uint32_t code)
{
    return tpm_cc_is_extend(frame_family(tag), code);
}

/* "PCR_Extend", "TPM_ORD_Extend", ... or "unknown". */
const char *tpm_cc_name(uint32_t cc, enum tpm_family f);
bool tpm_cc_known(uint32_t cc, enum tpm_family f);
/* "TPM_RC_SUCCESS", "TPM_RC_RETRY", "TPM_FAIL", ... or NULL when unknown.
 * TPM 2.0 format-one codes are named without their parameter/handle/session
 * number. */
const char *tpm_rc_name(uint32_t rc, enum tpm_family f);
/* The code of an exact name in one family's table; -1 when it has none. */
int tpm_cc_by_name(const char *name, enum tpm_family f, uint32_t *cc);
int tpm_rc_by_name(const char *name, enum tpm_family f, uint32_t *rc);

/* Write a frame's 10-byte header (tag, size, command or response code):
 * the one writer for every frame the harness builds. */
void frame_put_hdr(uint8_t *buf, uint16_t tag, size_t size, uint32_t code);

/* Write a 10-byte error response matching the request's TPM family.
 * Returns the number of bytes written (TPM_HDR_SIZE). */
size_t frame_build_error(uint8_t *buf, uint16_t cmd_tag, uint32_t rc2,
                         uint32_t rc12);

/* One digest per bank from a TPML_DIGEST_VALUES or a PCR_Read answer. */
struct pcr_digests {
    unsigned count;
    struct {
        enum bank bank;
        uint8_t d[ALG_MAX_DIGEST];
    } v[BANK_COUNT];
};

struct pcr_extend {
    uint32_t pcr;          /* handle; an index when <= TPM2_MAX_PCR */
    struct pcr_digests digests;
};

/* Parse a whole TPM2_PCR_Extend command frame, or a TPM 1.2 TPM_Extend
 * (by its tag: one sha1 digest). */
int frame_parse_pcr_extend(const uint8_t *buf, size_t len,
                           struct pcr_extend *out, char **err);

/* Build TPM2_PCR_Read of one PCR in the given banks.  Returns the frame
 * length, or 0 when cap is too small. */
size_t frame_build_pcr_read(uint8_t *buf, size_t cap, unsigned pcr,
                            const enum bank *banks, unsigned nbanks);

/* Parse a TPM2_PCR_Read response for one PCR.  Only the banks the TPM
 * selected in its answer come back (unallocated banks are dropped by the
 * TPM).  A non-zero response code is an error; *rc gets it either way. */
int frame_parse_pcr_read_rsp(const uint8_t *buf, size_t len, unsigned pcr,
                             struct pcr_digests *out, uint32_t *rc,
                             char **err);

/* TPM 1.2 bodies (frame12.c). */
/* When cmd asks for the TIS command durations (TPM_GetCapability,
 * TPM_CAP_PROP_TIS_DURATION) and rsp is its successful answer: caps the
 * short, medium and long durations (microseconds) in rsp at max_us, puts
 * the TPM's own values in was[] and returns 1.  Else 0, rsp unchanged.
 * The 1.2 driver times a command out after its ordinal's duration. */
int frame12_cap_durations(const uint8_t *cmd, size_t cmd_len, uint8_t *rsp,
                          size_t rsp_len, uint32_t max_us, uint32_t was[3]);
/* A TPM_Extend whose header h frame_parse_pcr_extend already read. */
int frame12_parse_extend(const struct tpm_hdr *h, const uint8_t *buf,
                         size_t len, struct pcr_extend *out, char **err);
/* TPM_PcrRead of one PCR.  Returns the frame length, or 0 when cap is too
 * small. */
size_t frame12_build_pcr_read(uint8_t *buf, size_t cap, unsigned pcr);
/* Its answer: one sha1 digest.  *rc gets the return code either way. */
int frame12_parse_pcr_read_rsp(const uint8_t *buf, size_t len,
                               struct pcr_digests *out, uint32_t *rc,
                               char **err);

#endif
