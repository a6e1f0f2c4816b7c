#include "shim/ctrlcmd.h"

#include "util/err.h"
#include "util/rd.h"

#include <assert.h>
#include <stddef.h>

#define MiB (1024u * 1024u)

/* The sizes swtpm reads and writes: the request or response member of each
 * ptm_* union (a non-CUSE response is the resp part alone, big-endian). */
#define REQ(t) sizeof(((t *)0)->u.req)
#define RSP(t) sizeof(((t *)0)->u.resp)
#define AT(t, m) ((int)offsetof(t, m))

/* What QEMU's tpm_emulator.c writes and reads, checked against the header
 * so that a different swtpm-dev fails the build instead of the relay. */
static_assert(sizeof(ptm_cap) == 8, "GET_CAPABILITY");
static_assert(RSP(ptm_est) == 8, "GET_TPMESTABLISHED: result, bit, padding");
static_assert(sizeof(ptm_loc) == 4 && REQ(ptm_loc) == 1, "SET_LOCALITY");
static_assert(REQ(ptm_getstate) == 12 && offsetof(ptm_getstate, u.resp.data) == 16,
              "GET_STATEBLOB");
static_assert(offsetof(ptm_setstate, u.req.data) == 12, "SET_STATEBLOB");
static_assert(REQ(ptm_setbuffersize) == 4 && RSP(ptm_setbuffersize) == 16,
              "SET_BUFFERSIZE");
static_assert(REQ(ptm_getinfo) == 16 && offsetof(ptm_getinfo, u.resp.buffer) == 12,
              "GET_INFO");

static const struct ctrl_spec specs[] = {
    /* code, name, request min/max, its trailing length (offset, bound),
     * response on success, its trailing length (offset, bound), flags */
    { CMD_GET_CAPABILITY, "CMD_GET_CAPABILITY", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_cap), CTRL_NO_LEN, 0, CTRL_F_NO_RESULT },
    { CMD_INIT, "CMD_INIT", REQ(ptm_init), REQ(ptm_init), CTRL_NO_LEN, 0,
      RSP(ptm_init), CTRL_NO_LEN, 0, 0 },
    { CMD_SHUTDOWN, "CMD_SHUTDOWN", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
    { CMD_GET_TPMESTABLISHED, "CMD_GET_TPMESTABLISHED", 0, 0, CTRL_NO_LEN, 0,
      RSP(ptm_est), CTRL_NO_LEN, 0, 0 },
    /* QEMU sends the whole 4-byte union, swtpm needs the 1-byte field */
    { CMD_SET_LOCALITY, "CMD_SET_LOCALITY", REQ(ptm_loc), sizeof(ptm_loc),
      CTRL_NO_LEN, 0, RSP(ptm_loc), CTRL_NO_LEN, 0, 0 },
    { CMD_HASH_START, "CMD_HASH_START", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
    { CMD_HASH_DATA, "CMD_HASH_DATA", AT(ptm_hdata, u.req.data),
      AT(ptm_hdata, u.req.data), AT(ptm_hdata, u.req.length),
      sizeof(((ptm_hdata *)0)->u.req.data), RSP(ptm_hdata), CTRL_NO_LEN, 0, 0 },
    { CMD_HASH_END, "CMD_HASH_END", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
    { CMD_CANCEL_TPM_CMD, "CMD_CANCEL_TPM_CMD", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
    { CMD_STORE_VOLATILE, "CMD_STORE_VOLATILE", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
    { CMD_RESET_TPMESTABLISHED, "CMD_RESET_TPMESTABLISHED", REQ(ptm_reset_est),
      sizeof(ptm_reset_est), CTRL_NO_LEN, 0, RSP(ptm_reset_est), CTRL_NO_LEN, 0, 0 },
    { CMD_GET_STATEBLOB, "CMD_GET_STATEBLOB", REQ(ptm_getstate), REQ(ptm_getstate),
      CTRL_NO_LEN, 0, AT(ptm_getstate, u.resp.data),
      AT(ptm_getstate, u.resp.length), 16 * MiB, 0 },
    { CMD_SET_STATEBLOB, "CMD_SET_STATEBLOB", AT(ptm_setstate, u.req.data),
      AT(ptm_setstate, u.req.data), AT(ptm_setstate, u.req.length), 16 * MiB,
      RSP(ptm_setstate), CTRL_NO_LEN, 0, 0 },
    { CMD_STOP, "CMD_STOP", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
    { CMD_GET_CONFIG, "CMD_GET_CONFIG", 0, 0, CTRL_NO_LEN, 0,
      RSP(ptm_getconfig), CTRL_NO_LEN, 0, 0 },
    { CMD_SET_DATAFD, "CMD_SET_DATAFD", 0, 0, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, CTRL_F_PASS_FD },
    { CMD_SET_BUFFERSIZE, "CMD_SET_BUFFERSIZE", REQ(ptm_setbuffersize),
      REQ(ptm_setbuffersize), CTRL_NO_LEN, 0, RSP(ptm_setbuffersize),
      CTRL_NO_LEN, 0, 0 },
    { CMD_GET_INFO, "CMD_GET_INFO", REQ(ptm_getinfo), REQ(ptm_getinfo),
      CTRL_NO_LEN, 0, AT(ptm_getinfo, u.resp.buffer),
      AT(ptm_getinfo, u.resp.length), 64 * 1024, 0 },
    /* newer protocol (QEMU >= 8 after migration); swtpm 0.7.1 refuses it */
    { CTRL_CMD_LOCK_STORAGE, "CMD_LOCK_STORAGE", 4, 4, CTRL_NO_LEN, 0,
      sizeof(ptm_res), CTRL_NO_LEN, 0, 0 },
};

const struct ctrl_spec *ctrl_spec_find(uint32_t code)
{
    for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++)
        if (specs[i].code == code)
            return &specs[i];
    return NULL;
}

/* Add the trailing length found at buf[at..at+4) once it has arrived. */
static int add_var(const uint8_t *buf, size_t have, size_t at, uint32_t max,
                   const char *what, size_t *need, char **err)
{
    if (have < at + 4)
        return 0;
    uint32_t v = be32_at(buf + at);
    if (v > max)
        return err_set(err, "%s length %u exceeds %u", what, v, max);
    *need += v;
    return 0;
}

int ctrl_req_need(const struct ctrl_spec *s, const uint8_t *buf, size_t have,
                  size_t *need, size_t *cap, char **err)
{
    *need = 4 + s->req_min;
    *cap = 4 + s->req_max;
    if (s->req_len_at == CTRL_NO_LEN)
        return 0;
    size_t at = 4 + (size_t)s->req_len_at;
    if (add_var(buf, have, at, s->req_var_max, s->name, need, err) < 0)
        return -1;
    /* Until the length is known, read no further than the fixed part. */
    *cap = *need > *cap ? *need : *cap;
    return 0;
}

int ctrl_rsp_need(const struct ctrl_spec *s, const uint8_t *buf, size_t have,
                  size_t *need, size_t *cap, char **err)
{
    *need = *cap = s->rsp_len;
    if (s->flags & CTRL_F_NO_RESULT)
        return 0;
    if (have < 4) {
        *need = 4;   /* the result decides the rest; read up to rsp_len */
        return 0;
    }
    if (be32_at(buf) != 0) {
        *need = have < s->rsp_len ? have : s->rsp_len;
        return 0;
    }
    if (s->rsp_len_at == CTRL_NO_LEN)
        return 0;
    if (add_var(buf, have, (size_t)s->rsp_len_at, s->rsp_var_max, s->name,
                need, err) < 0)
        return -1;
    *cap = *need;
    return 0;
}
