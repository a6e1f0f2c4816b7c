/* Bounded readers over a byte buffer.  Every wire field is read through
 * these after the length check they do themselves: never cast packed
 * structs over wire bytes.  TPM fields are big-endian; the IMA binary
 * measurement list is little-endian (x86 guests, no ima_canonical_fmt). */
#ifndef TPMFAULT_RD_H
#define TPMFAULT_RD_H

#include <stddef.h>
#include <stdint.h>

struct rd {
    const uint8_t *p;
    size_t len;
    size_t off;   /* bytes consumed so far: the offset for error messages */
};

static inline struct rd rd_init(const void *p, size_t len)
{
    struct rd r = { (const uint8_t *)p, len, 0 };
    return r;
}

static inline size_t rd_left(const struct rd *r) { return r->len - r->off; }

/* Each returns 0, or -1 (consuming nothing) when too few bytes are left. */
int rd_u8(struct rd *r, uint8_t *v);
int rd_be16(struct rd *r, uint16_t *v);
int rd_be32(struct rd *r, uint32_t *v);
int rd_be64(struct rd *r, uint64_t *v);
int rd_le32(struct rd *r, uint32_t *v);
/* Point *p at the next n bytes without copying. */
int rd_bytes(struct rd *r, size_t n, const uint8_t **p);
/* A TPM2B: be16 size then that many bytes. */
int rd_tpm2b(struct rd *r, const uint8_t **p, uint16_t *n);
int rd_skip(struct rd *r, size_t n);

/* Big-endian accessors on a buffer the caller has length-checked. */
static inline uint16_t be16_at(const uint8_t *p)
{
    return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t be32_at(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | p[3];
}
static inline void put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}
static inline void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

#endif
