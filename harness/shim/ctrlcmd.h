/* The control-channel command table (tpm_ioctl.h CMD_*): how long each
 * request and response is on the wire, from tpm_ioctl.h's structs the way
 * swtpm sizes its replies.  Lengths were checked against
 * QEMU's backends/tpm/tpm_emulator.c (what it writes and reads exactly)
 * and swtpm's src/swtpm/ctrlchannel.c (what it needs and sends):
 *  - every request is a be32 code plus a payload QEMU writes in one go;
 *    SET_LOCALITY and RESET_TPMESTABLISHED carry a 1-byte field but QEMU
 *    sends the whole 4-byte union, swtpm accepts >= 1 (req_min/req_max);
 *  - HASH_DATA and SET_STATEBLOB carry a be32 length of trailing data;
 *  - a successful response has a fixed size (GET_TPMESTABLISHED: 8, the
 *    struct's padding included), GET_STATEBLOB and GET_INFO add trailing
 *    data whose length is a be32 in the fixed part;
 *  - GET_CAPABILITY's 8 bytes are the caps, with no result field;
 *  - on a non-zero result swtpm usually sends the 4-byte result alone (its
 *    error paths), sometimes the full struct: it always writes a response
 *    in one write, so the shim relays what arrived with the result. */
#ifndef TPMFAULT_SHIM_CTRLCMD_H
#define TPMFAULT_SHIM_CTRLCMD_H

#include <stddef.h>
#include <stdint.h>

/* The command codes (CMD_*) and request/response layouts (ptm_*) are
 * swtpm's own, from swtpm-dev; ctrlcmd.c sizes its table from them. */
#include <swtpm/tpm_ioctl.h>

/* Newer than swtpm 0.7.1's header (QEMU >= 8 sends it after migration). */
#define CTRL_CMD_LOCK_STORAGE     0x13

/* Results the shim itself answers with (TPM 1.2 codes, as swtpm). */
#define CTRL_TPM_SUCCESS       0x00
#define CTRL_TPM_BAD_PARAMETER 0x03
#define CTRL_TPM_FAIL          0x09
#define CTRL_TPM_BAD_ORDINAL   0x0A
#define CTRL_TPM_IOERROR       0x1F

#define CTRL_F_NO_RESULT 1   /* response has no leading result */
#define CTRL_F_PASS_FD   2   /* request carries an fd (SCM_RIGHTS) */

#define CTRL_NO_LEN (-1)

struct ctrl_spec {
    uint32_t code;
    const char *name;
    uint32_t req_min, req_max;   /* fixed payload after the code */
    int req_len_at;              /* payload offset of a be32 trailing len */
    uint32_t req_var_max;
    uint32_t rsp_len;            /* fixed response on success */
    int rsp_len_at;              /* response offset of a be32 trailing len */
    uint32_t rsp_var_max;
    unsigned flags;
};

/* NULL for an unknown code. */
const struct ctrl_spec *ctrl_spec_find(uint32_t code);

/* Given the first `have` bytes of a request (have >= 4, code included),
 * set *need (bytes for a complete request) and *cap (at most this many
 * may be consumed: QEMU's full size).  -1 with *err when a length field
 * exceeds the table's bound. */
int ctrl_req_need(const struct ctrl_spec *s, const uint8_t *buf, size_t have,
                  size_t *need, size_t *cap, char **err);

/* The same for a response: *need is complete, *cap the most to read in
 * one go.  After a non-zero result *need is `have` (what came with it). */
int ctrl_rsp_need(const struct ctrl_spec *s, const uint8_t *buf, size_t have,
                  size_t *need, size_t *cap, char **err);

#endif
