#include "verify/imalist.h"

#include "tpm/alg.h"
#include "util/err.h"
#include "util/rd.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define FIELDS_MAX 8       /* the longest known template (ima-modsig) has 5 */
#define CHUNK (256u << 10) /* a FILE is read in chunks this big */

/* Where bytes come from: a FILE, read a chunk at a time into buf (p, n,
 * pos then describe the chunk), or a caller's buffer (p, n, pos). */
struct src {
    FILE *f;
    uint8_t *buf;          /* CHUNK bytes, FILE only */
    const uint8_t *p;
    size_t n, pos;
    uint64_t off;          /* bytes consumed: the offset in the list */
};

struct parser {
    struct src src;
    size_t digest_len;
    uint8_t digest[ALG_MAX_DIGEST];
    char tmpl_name[IMALIST_NAME_MAX + 1];
    char file_name[IMALIST_EVENT_NAME_MAX + 1];   /* "ima" template only */
    char file_alg[32];     /* d-ng's "<alg>", NUL-terminated (cut to 31) */
    char digest_type[16];  /* d-ngv2's "<type>", NUL-terminated (cut to 15) */
    uint8_t *data;         /* IMALIST_DATA_MAX bytes, allocated once */
    uint64_t index;
    uint64_t entry_off;
};

/* Refill the chunk from the FILE; false at its end or on an error. */
static bool src_fill(struct src *s)
{
    if (!s->f)
        return false;
    s->n = fread(s->buf, 1, CHUNK, s->f);
    s->p = s->buf;
    s->pos = 0;
    return s->n > 0;
}

static size_t src_read(struct src *s, void *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        if (s->pos == s->n && !src_fill(s))
            break;
        size_t k = s->n - s->pos < want - got ? s->n - s->pos : want - got;
        memcpy((uint8_t *)buf + got, s->p + s->pos, k);
        s->pos += k;
        got += k;
    }
    s->off += got;
    return got;
}

/* Read exactly n bytes of the field `what`, or fail naming its offset. */
static int read_field(struct parser *ps, void *buf, size_t n, const char *what,
                      char **err)
{
    uint64_t at = ps->src.off;
    size_t got = src_read(&ps->src, buf, n);
    if (got == n)
        return 0;
    if (ps->src.f && ferror(ps->src.f))
        return err_errno(err, "offset %" PRIu64 " (entry %" PRIu64 "): reading %s",
                         at, ps->index, what);
    return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): %s truncated: "
                   "%zu of %zu bytes", at, ps->index, what, got, n);
}

static int read_le32(struct parser *ps, uint32_t *v, const char *what,
                     char **err)
{
    uint8_t b[4];
    if (read_field(ps, b, sizeof b, what, err) < 0)
        return -1;
    struct rd r = rd_init(b, sizeof b);
    return rd_le32(&r, v);
}

/* Name → enum (IMA_TMPL_OTHER when unknown). */
static enum ima_tmpl tmpl_by_name(const char *name)
{
    static const struct { const char *name; enum ima_tmpl t; } names[] = {
        { "ima", IMA_TMPL_IMA },       { "ima-ng", IMA_TMPL_NG },
        { "ima-sig", IMA_TMPL_SIG },   { "ima-buf", IMA_TMPL_BUF },
        { "ima-modsig", IMA_TMPL_MODSIG }, { "ima-ngv2", IMA_TMPL_NGV2 },
        { "ima-sigv2", IMA_TMPL_SIGV2 },
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].t;
    return IMA_TMPL_OTHER;
}

static size_t tmpl_nfields(enum ima_tmpl t)
{
    switch (t) {
    case IMA_TMPL_NG: case IMA_TMPL_NGV2: return 2;
    case IMA_TMPL_SIG: case IMA_TMPL_BUF: case IMA_TMPL_SIGV2: return 3;
    case IMA_TMPL_MODSIG: return 5;
    default: return 0;     /* any number */
    }
}

/* pcr, template digest, template name: common to every template. */
static int read_head(struct parser *ps, struct ima_entry *e, char **err)
{
    uint32_t namelen;
    if (read_field(ps, ps->digest, ps->digest_len, "template digest", err) < 0)
        return -1;
    uint64_t at = ps->src.off;
    if (read_le32(ps, &namelen, "template name length", err) < 0)
        return -1;
    if (namelen == 0 || namelen > IMALIST_NAME_MAX)
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): template "
                       "name length %" PRIu32 " is not in 1..%d", at, ps->index,
                       namelen, IMALIST_NAME_MAX);
    at = ps->src.off;
    if (read_field(ps, ps->tmpl_name, namelen, "template name", err) < 0)
        return -1;
    ps->tmpl_name[namelen] = '\0';
    if (strlen(ps->tmpl_name) != namelen)
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): template "
                       "name contains a NUL byte", at, ps->index);
    e->digest = ps->digest;
    e->digest_len = ps->digest_len;
    e->violation = true;
    for (size_t i = 0; i < ps->digest_len; i++)
        if (ps->digest[i])
            e->violation = false;
    e->tmpl_name = ps->tmpl_name;
    e->tmpl = tmpl_by_name(ps->tmpl_name);
    return 0;
}

/* The "ima" template: d (20 bytes, no length), then n in the old string
 * format (u32 strlen + name without NUL).  We keep the wire bytes as the
 * entry's data so callers see what the list holds. */
static int read_ima_tmpl(struct parser *ps, struct ima_entry *e, char **err)
{
    uint8_t *d = ps->data;
    uint32_t nlen;
    if (read_field(ps, d, IMALIST_IMA_DIGEST, "\"ima\" template digest", err) < 0)
        return -1;
    uint64_t at = ps->src.off;
    if (read_le32(ps, &nlen, "\"ima\" file name length", err) < 0)
        return -1;
    if (nlen > IMALIST_EVENT_NAME_MAX)
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): \"ima\" "
                       "file name length %" PRIu32 " exceeds %d", at,
                       ps->index, nlen, IMALIST_EVENT_NAME_MAX);
    for (int i = 0; i < 4; i++)     /* keep the wire bytes (little-endian) */
        d[IMALIST_IMA_DIGEST + i] = (uint8_t)(nlen >> (8 * i));
    at = ps->src.off;
    if (read_field(ps, d + IMALIST_IMA_DIGEST + 4, nlen, "\"ima\" file name", err) < 0)
        return -1;
    if (memchr(d + IMALIST_IMA_DIGEST + 4, 0, nlen))
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): \"ima\" "
                       "file name contains a NUL byte", at, ps->index);
    memcpy(ps->file_name, d + IMALIST_IMA_DIGEST + 4, nlen);
    ps->file_name[nlen] = '\0';
    e->data = d;
    e->data_len = IMALIST_IMA_DIGEST + 4 + nlen;
    e->file_name = ps->file_name;
    e->file_name_len = nlen;
    e->file_alg = "sha1";
    e->file_digest = d;
    e->file_digest_len = IMALIST_IMA_DIGEST;
    return 0;
}

struct field { const uint8_t *p; uint32_t len; uint64_t off; };

/* Split template data into its u32-length-prefixed fields; they must tile
 * the data exactly. */
static int split_fields(const struct parser *ps, const struct ima_entry *e,
                        uint64_t data_off, struct field *f, size_t *nf,
                        char **err)
{
    struct rd r = rd_init(e->data, e->data_len);
    size_t n = 0;
    while (rd_left(&r) > 0) {
        uint64_t at = data_off + r.off;
        uint32_t len;
        const uint8_t *p;
        if (rd_le32(&r, &len) < 0)
            return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): field %zu "
                           "length truncated: %zu of 4 bytes", at, ps->index,
                           n, rd_left(&r));
        if (rd_bytes(&r, len, &p) < 0)
            return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): field %zu "
                           "length %" PRIu32 " exceeds the %zu bytes left in the "
                           "template data", at, ps->index, n, len, rd_left(&r));
        if (n < FIELDS_MAX)
            f[n] = (struct field){ p, len, at + 4 };
        n++;
    }
    *nf = n;
    return 0;
}

static void copy_cut(char *dst, size_t size, const uint8_t *src, size_t n)
{
    n = n < size ? n : size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* d-ng: "<alg>:\0<digest>"; d-ngv2: "<type>:<alg>:\0<digest>".  The prefix
 * ends at the first NUL; callers get NUL-terminated copies of its parts. */
static int parse_dng(struct parser *ps, const struct field *f, bool v2,
                     struct ima_entry *e, char **err)
{
    const uint8_t *nul = f->len ? memchr(f->p, 0, f->len) : NULL;
    size_t plen = nul ? (size_t)(nul - f->p) : 0;     /* with the last ':' */
    const uint8_t *sep = plen > 1 ? memchr(f->p, ':', plen - 1) : NULL;
    const uint8_t *alg = v2 && sep ? sep + 1 : f->p;
    size_t alen = plen ? (size_t)(f->p + plen - 1 - alg) : 0;
    if (!nul || plen < 2 || f->p[plen - 1] != ':' || plen + 1 >= f->len ||
        alen == 0 || memchr(alg, ':', alen) || (v2 && (!sep || sep == f->p)))
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): %s field "
                       "is not \"%s<alg>:\\0<digest>\"", f->off, ps->index,
                       v2 ? "d-ngv2" : "d-ng", v2 ? "<type>:" : "");
    copy_cut(ps->file_alg, sizeof ps->file_alg, alg, alen);
    copy_cut(ps->digest_type, sizeof ps->digest_type, f->p,
             v2 ? (size_t)(sep - f->p) : 0);
    e->file_alg = ps->file_alg;
    e->digest_type = ps->digest_type;
    e->file_digest = nul + 1;
    e->file_digest_len = f->len - plen - 1;
    return 0;
}

/* n-ng: the name with its terminating NUL, no NUL inside. */
static int parse_nng(const struct parser *ps, const struct field *f,
                     struct ima_entry *e, char **err)
{
    if (f->len == 0 || f->p[f->len - 1] != '\0' || strlen((const char *)f->p) != f->len - 1)
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): n-ng field "
                       "is not one NUL-terminated string", f->off, ps->index);
    e->file_name = (const char *)f->p;
    e->file_name_len = f->len - 1;
    return 0;
}

static int parse_fields(struct parser *ps, struct ima_entry *e,
                        uint64_t data_off, char **err)
{
    struct field f[FIELDS_MAX];
    size_t nf = 0, want = tmpl_nfields(e->tmpl);
    if (split_fields(ps, e, data_off, f, &nf, err) < 0)
        return -1;
    if (want == 0)
        return 0;
    if (nf != want)
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): template %s "
                       "data has %zu fields, expected %zu", data_off, ps->index,
                       e->tmpl_name, nf, want);
    bool v2 = e->tmpl == IMA_TMPL_NGV2 || e->tmpl == IMA_TMPL_SIGV2;
    if (parse_dng(ps, &f[0], v2, e, err) < 0 || parse_nng(ps, &f[1], e, err) < 0)
        return -1;
    if (e->tmpl == IMA_TMPL_SIG || e->tmpl == IMA_TMPL_MODSIG ||
        e->tmpl == IMA_TMPL_SIGV2) {
        e->sig = f[2].p;
        e->sig_len = f[2].len;
    }
    return 0;
}

static int read_data(struct parser *ps, struct ima_entry *e, char **err)
{
    uint32_t len;
    uint64_t at = ps->src.off;
    if (read_le32(ps, &len, "template data length", err) < 0)
        return -1;
    if (len > IMALIST_DATA_MAX)
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): template data "
                       "length %" PRIu32 " exceeds the maximum %u", at, ps->index,
                       len, IMALIST_DATA_MAX);
    uint64_t data_off = ps->src.off;
    size_t got = src_read(&ps->src, ps->data, len);
    if (got != len) {
        if (ps->src.f && ferror(ps->src.f))
            return err_errno(err, "offset %" PRIu64 " (entry %" PRIu64 "): reading "
                             "template data", data_off, ps->index);
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): template data "
                       "length %" PRIu32 " exceeds the %zu bytes left", at,
                       ps->index, len, got);
    }
    e->data = ps->data;
    e->data_len = len;
    return parse_fields(ps, e, data_off, err);
}

/* One entry; returns 1 at a clean end of list, 0 after an entry, -1. */
static int next_entry(struct parser *ps, struct ima_entry *e, char **err)
{
    uint8_t b[4];
    ps->entry_off = ps->src.off;
    size_t got = src_read(&ps->src, b, sizeof b);
    if (got == 0 && !(ps->src.f && ferror(ps->src.f)))
        return 1;
    if (got != sizeof b) {
        if (ps->src.f && ferror(ps->src.f))
            return err_errno(err, "offset %" PRIu64 ": reading pcr", ps->entry_off);
        return err_set(err, "offset %" PRIu64 " (entry %" PRIu64 "): pcr truncated: "
                       "%zu of 4 bytes", ps->entry_off, ps->index, got);
    }
    memset(e, 0, sizeof *e);
    struct rd r = rd_init(b, sizeof b);
    rd_le32(&r, &e->pcr);
    e->index = ps->index;
    e->offset = ps->entry_off;
    e->file_name = "";
    e->file_alg = "";
    e->digest_type = "";
    if (read_head(ps, e, err) < 0)
        return -1;
    if (e->tmpl == IMA_TMPL_IMA)
        return read_ima_tmpl(ps, e, err);
    return read_data(ps, e, err);
}

static int run(struct parser *ps, imalist_cb cb, void *ctx, char **err)
{
    if (ps->digest_len == 0)
        ps->digest_len = 20;
    if (ps->digest_len > ALG_MAX_DIGEST)
        return err_set(err, "template digest length %zu exceeds %d",
                       ps->digest_len, ALG_MAX_DIGEST);
    ps->data = malloc(IMALIST_DATA_MAX);
    ps->src.buf = ps->src.f ? malloc(CHUNK) : NULL;
    if (!ps->data || (ps->src.f && !ps->src.buf)) {
        free(ps->data);
        free(ps->src.buf);
        return err_set(err, "out of memory");
    }
    int rc;
    for (;;) {
        struct ima_entry e;
        rc = next_entry(ps, &e, err);
        if (rc != 0)
            break;
        rc = cb(&e, ctx, err);
        if (rc < 0) {
            err_prefix(err, "entry %" PRIu64 " at offset %" PRIu64, e.index, e.offset);
            break;
        }
        if (rc > 0)
            break;
        ps->index++;
    }
    free(ps->data);
    free(ps->src.buf);
    return rc < 0 ? -1 : 0;
}

int imalist_parse_file(FILE *f, size_t digest_len, imalist_cb cb, void *ctx,
                       char **err)
{
    struct parser ps = { .src = { .f = f }, .digest_len = digest_len };
    return run(&ps, cb, ctx, err);
}

int imalist_parse_buf(const void *p, size_t n, size_t digest_len,
                      imalist_cb cb, void *ctx, char **err)
{
    struct parser ps = { .src = { .p = p, .n = n }, .digest_len = digest_len };
    return run(&ps, cb, ctx, err);
}
