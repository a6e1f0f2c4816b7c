#include "rd.h"

int rd_bytes(struct rd *r, size_t n, const uint8_t **p)
{
    if (rd_left(r) < n)
        return -1;
    if (p)
        *p = r->p + r->off;
    r->off += n;
    return 0;
}

int rd_skip(struct rd *r, size_t n)
{
    return rd_bytes(r, n, NULL);
}

int rd_u8(struct rd *r, uint8_t *v)
{
    const uint8_t *p;
    if (rd_bytes(r, 1, &p) < 0)
        return -1;
    *v = p[0];
    return 0;
}

int rd_be16(struct rd *r, uint16_t *v)
{
    const uint8_t *p;
    if (rd_bytes(r, 2, &p) < 0)
        return -1;
    *v = be16_at(p);
    return 0;
}

int rd_be32(struct rd *r, uint32_t *v)
{
    const uint8_t *p;
    if (rd_bytes(r, 4, &p) < 0)
        return -1;
    *v = be32_at(p);
    return 0;
}

int rd_be64(struct rd *r, uint64_t *v)
{
    const uint8_t *p;
    if (rd_bytes(r, 8, &p) < 0)
        return -1;
    *v = ((uint64_t)be32_at(p) << 32) | be32_at(p + 4);
    return 0;
}

int rd_le32(struct rd *r, uint32_t *v)
{
    const uint8_t *p;
    if (rd_bytes(r, 4, &p) < 0)
        return -1;
    *v = (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
         ((uint32_t)p[3] << 24);
    return 0;
}

int rd_tpm2b(struct rd *r, const uint8_t **p, uint16_t *n)
{
    size_t start = r->off;
    uint16_t size;
    if (rd_be16(r, &size) < 0)
        return -1;
    if (rd_bytes(r, size, p) < 0) {
        r->off = start;
        return -1;
    }
    *n = size;
    return 0;
}
