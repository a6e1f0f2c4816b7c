/* Streaming parser of the IMA binary runtime measurement list
 * (/sys/kernel/security/ima/binary_runtime_measurements[_<alg>]).
 *
 * Layout of one entry (kernel ima_fs.c ima_measurements_show; fields are
 * CPU-endian, i.e. little-endian on the x86 guests we run, no
 * ima_canonical_fmt):
 *   u32  pcr
 *   u8   template digest[digest_len]   20 (sha1) in the classic list; the
 *                                      bank's size in a per-bank list (6.10+)
 *   u32  template name length, then the name (no NUL)
 *   for every template except "ima":
 *     u32 template data length, then the data: per field u32 length + bytes
 *   d-ng is "<alg>:\0<digest>", d-ngv2 "<ima|verity>:<alg>:\0<digest>"
 *   (kernel ima_template_lib.c ima_eventdigest_init_common);
 *   for the old "ima" template (no data length on the wire!):
 *     u8 digest[20]  (field "d", written without a length)
 *     u32 length + file name without its NUL (field "n", old string format)
 *
 * The parser holds one entry at a time in a fixed buffer: memory does not
 * grow with the list. */
#ifndef TPMFAULT_IMALIST_H
#define TPMFAULT_IMALIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IMALIST_NAME_MAX 255            /* template name length bound */
#define IMALIST_DATA_MAX (1u << 20)     /* template data length bound */
#define IMALIST_EVENT_NAME_MAX 255      /* kernel IMA_EVENT_NAME_LEN_MAX ("ima" template) */
#define IMALIST_IMA_DIGEST 20           /* "d" field of the "ima" template */

enum ima_tmpl {
    IMA_TMPL_OTHER,     /* unknown/custom: fields tiled but not interpreted */
    IMA_TMPL_IMA,       /* "ima":        d|n          (old binary layout) */
    IMA_TMPL_NG,        /* "ima-ng":     d-ng|n-ng */
    IMA_TMPL_SIG,       /* "ima-sig":    d-ng|n-ng|sig */
    IMA_TMPL_BUF,       /* "ima-buf":    d-ng|n-ng|buf */
    IMA_TMPL_MODSIG,    /* "ima-modsig": d-ng|n-ng|sig|d-modsig|modsig */
    IMA_TMPL_NGV2,      /* "ima-ngv2":   d-ngv2|n-ng (5.19+) */
    IMA_TMPL_SIGV2,     /* "ima-sigv2":  d-ngv2|n-ng|sig (5.19+) */
};

/* One entry, valid only during the callback (it points into the parser's
 * buffer). */
struct ima_entry {
    uint64_t index;              /* 0-based; boot_aggregate is 0 */
    uint64_t offset;             /* byte offset of the entry's pcr field */
    uint32_t pcr;
    const uint8_t *digest;       /* template digest from the list */
    size_t digest_len;
    bool violation;              /* template digest all zeros */
    const char *tmpl_name;       /* NUL-terminated copy */
    enum ima_tmpl tmpl;
    /* Template data exactly as in the list (for "ima": the 20-byte digest,
     * the u32 name length and the name, as written on the wire). */
    const uint8_t *data;
    uint32_t data_len;
    /* Parsed fields; file_name is "" and the rest NULL/0 for IMA_TMPL_OTHER. */
    const char *file_name;       /* NUL-terminated */
    size_t file_name_len;        /* strlen(file_name) */
    const char *file_alg;        /* "sha256" from d-ng; "sha1" for "ima"'s d; "" */
    const char *digest_type;     /* d-ngv2's "ima" or "verity"; "" otherwise */
    const uint8_t *file_digest;  /* digest bytes after "alg:\0" */
    size_t file_digest_len;      /* as present (20 zero bytes for a violation) */
    const uint8_t *sig;          /* ima-sig/ima-modsig sig field, may be empty */
    size_t sig_len;
};

/* Return 0 to go on, 1 to stop early (the parse then returns 0), -1 to fail
 * (set *err; the parse returns -1 with the message prefixed by the entry). */
typedef int (*imalist_cb)(const struct ima_entry *e, void *ctx, char **err);

/* digest_len: size of the template digest field: 0 or 20 for the classic
 * list, the bank size for binary_runtime_measurements_<alg>.  Returns 0 at
 * a clean end of list, -1 with *err ("offset N (entry I): <field> ...") on
 * a truncated or malformed entry or a read error. */
int imalist_parse_file(FILE *f, size_t digest_len, imalist_cb cb, void *ctx,
                       char **err);
int imalist_parse_buf(const void *p, size_t n, size_t digest_len,
                      imalist_cb cb, void *ctx, char **err);

#endif
