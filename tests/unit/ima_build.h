/* Test helper: build IMA binary measurement lists in memory, the way the
 * kernel writes them, with every digest computed here by OpenSSL.
 * Included by test_imalist.c and test_replay.c. */
#ifndef TPMFAULT_TEST_IMA_BUILD_H
#define TPMFAULT_TEST_IMA_BUILD_H

#include <openssl/evp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct lbuf {
    uint8_t *p;
    size_t n, cap;
    size_t offs[64];       /* entry start offsets */
    size_t count;
};

static inline void lb_put(struct lbuf *b, const void *d, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    if (n)
        memcpy(b->p + b->n, d, n);
    b->n += n;
}

static inline void lb_le32(struct lbuf *b, uint32_t v)
{
    uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                     (uint8_t)(v >> 24) };
    lb_put(b, x, 4);
}

static inline void md(const char *alg, const void *d, size_t n, uint8_t *out)
{
    unsigned int len;
    if (!EVP_Digest(d, n, out, &len, EVP_get_digestbyname(alg), NULL))
        abort();
}

/* Template data of an ima-ng/ima-sig entry: per field u32 length + bytes. */
static inline void ng_data(struct lbuf *t, const char *alg, const uint8_t *fd,
                           size_t fdlen, const char *name, const uint8_t *sig,
                           size_t siglen, int with_sig)
{
    size_t alen = strlen(alg);
    lb_le32(t, (uint32_t)(alen + 2 + fdlen));
    lb_put(t, alg, alen);
    lb_put(t, ":", 2);                       /* ':' and its NUL */
    lb_put(t, fd, fdlen);
    lb_le32(t, (uint32_t)strlen(name) + 1);
    lb_put(t, name, strlen(name) + 1);
    if (with_sig) {
        lb_le32(t, (uint32_t)siglen);
        lb_put(t, sig, siglen);
    }
}

/* Append one ima-ng (sig == NULL && !with_sig) or ima-sig entry.  The
 * template digest is sha1 over the template data, or zeros (violation). */
static inline void add_ng(struct lbuf *b, uint32_t pcr, const char *tmpl,
                          const char *alg, const uint8_t *fd, size_t fdlen,
                          const char *name, const uint8_t *sig, size_t siglen,
                          int violation)
{
    struct lbuf t = { 0 };
    ng_data(&t, alg, fd, fdlen, name, sig, siglen, strcmp(tmpl, "ima-sig") == 0);
    uint8_t dig[20] = { 0 };
    if (!violation)
        md("sha1", t.p, t.n, dig);
    b->offs[b->count++] = b->n;
    lb_le32(b, pcr);
    lb_put(b, dig, 20);
    lb_le32(b, (uint32_t)strlen(tmpl));
    lb_put(b, tmpl, strlen(tmpl));
    lb_le32(b, (uint32_t)t.n);
    lb_put(b, t.p, t.n);
    free(t.p);
}

/* The hashed form of an "ima" entry: d (20) || name zero-padded to 256. */
static inline void ima_hashed(const uint8_t *d20, const char *name,
                              uint8_t out[276])
{
    memset(out, 0, 276);
    memcpy(out, d20, 20);
    memcpy(out + 20, name, strlen(name));
}

/* Append one old "ima" template entry (no data length on the wire). */
static inline void add_ima(struct lbuf *b, const uint8_t *d20, const char *name,
                           int violation)
{
    uint8_t h[276], dig[20] = { 0 };
    ima_hashed(d20, name, h);
    if (!violation)
        md("sha1", h, sizeof h, dig);
    b->offs[b->count++] = b->n;
    lb_le32(b, 10);
    lb_put(b, dig, 20);
    lb_le32(b, 3);
    lb_put(b, "ima", 3);
    lb_put(b, d20, 20);
    lb_le32(b, (uint32_t)strlen(name));
    lb_put(b, name, strlen(name));
}

#endif
