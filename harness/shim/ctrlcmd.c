#include "shim/ctrlcmd.h"

#include "util/err.h"
#include "util/rd.h"

#define MiB (1024u * 1024u)

static const struct ctrl_spec specs[] = {
    /* code  name                      req min/max  len@ varmax  rsp len@  varmax  flags */
    { 0x01, "CMD_GET_CAPABILITY",       0, 0,  CTRL_NO_LEN, 0,      8,  CTRL_NO_LEN, 0, CTRL_F_NO_RESULT },
    { 0x02, "CMD_INIT",                 4, 4,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x03, "CMD_SHUTDOWN",             0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x04, "CMD_GET_TPMESTABLISHED",   0, 0,  CTRL_NO_LEN, 0,      8,  CTRL_NO_LEN, 0, 0 },
    { 0x05, "CMD_SET_LOCALITY",         1, 4,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x06, "CMD_HASH_START",           0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x07, "CMD_HASH_DATA",            4, 4,  0,        4096,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x08, "CMD_HASH_END",             0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x09, "CMD_CANCEL_TPM_CMD",       0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x0a, "CMD_STORE_VOLATILE",       0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x0b, "CMD_RESET_TPMESTABLISHED", 1, 4,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x0c, "CMD_GET_STATEBLOB",       12, 12, CTRL_NO_LEN, 0,     16,  12, 16 * MiB, 0 },
    { 0x0d, "CMD_SET_STATEBLOB",       12, 12, 8,     16 * MiB,     4,  CTRL_NO_LEN, 0, 0 },
    { 0x0e, "CMD_STOP",                 0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
    { 0x0f, "CMD_GET_CONFIG",           0, 0,  CTRL_NO_LEN, 0,      8,  CTRL_NO_LEN, 0, 0 },
    { 0x10, "CMD_SET_DATAFD",           0, 0,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, CTRL_F_PASS_FD },
    { 0x11, "CMD_SET_BUFFERSIZE",       4, 4,  CTRL_NO_LEN, 0,     16,  CTRL_NO_LEN, 0, 0 },
    { 0x12, "CMD_GET_INFO",            16, 16, CTRL_NO_LEN, 0,     12,  8,  64 * 1024, 0 },
    /* newer protocol (QEMU >= 8 after migration); swtpm 0.7.1 refuses it */
    { 0x13, "CMD_LOCK_STORAGE",         4, 4,  CTRL_NO_LEN, 0,      4,  CTRL_NO_LEN, 0, 0 },
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
