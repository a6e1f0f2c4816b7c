/* The IMA binary measurement list: the streaming parser (imalist.c) from a
 * buffer and from a FILE, the replay (replay.c) and its comparisons
 * (replay_cmp.c).
 *
 * Input: one selector byte, then the list.  Selector bits 0-1 pick the
 * bank of the list's digest field (sha1, sha256, sha384, sha512: a
 * per-bank list of 6.10+ kernels for the last three); bit 2 passes
 * digest_len 0 ("the classic list") instead of 20 for sha1.
 *
 * Contract checked: the error convention, every parse error names its
 * byte offset, entry fields lie inside their bounds (touched byte by
 * byte), the FILE and buffer readers agree, a replay succeeds exactly
 * when the parse does and counts the same entries, a replay compared with
 * its own final value is equal in every bank, and compared with its own
 * extends (all, or a prefix) diverges exactly where the prefix ends. */
#include "fuzz.h"

#include "tpm/alg.h"
#include "verify/imalist.h"
#include "verify/replay.h"

#define ALL_BANKS ((1u << BANK_COUNT) - 1)
#define MAX_EXT 64

struct seen {
    uint64_t entries;
    unsigned sum;
};

static int on_entry(const struct ima_entry *e, void *ctx, char **err)
{
    (void)err;
    struct seen *s = ctx;
    FUZZ_CHECK(e->index == s->entries, "index %llu after %llu entries",
               (unsigned long long)e->index, (unsigned long long)s->entries);
    FUZZ_CHECK(e->digest_len <= ALG_MAX_DIGEST, "digest_len %zu", e->digest_len);
    FUZZ_CHECK(e->data_len <= IMALIST_DATA_MAX, "data_len %u", e->data_len);
    FUZZ_CHECK(strlen(e->file_name) == e->file_name_len, "file name length");
    FUZZ_CHECK(strlen(e->tmpl_name) >= 1 &&
               strlen(e->tmpl_name) <= IMALIST_NAME_MAX, "template name");
    bool zero = true;
    for (size_t i = 0; i < e->digest_len; i++)
        zero = zero && e->digest[i] == 0;
    FUZZ_CHECK(zero == e->violation, "violation flag");
    s->sum += fuzz_touch(e->digest, e->digest_len);
    s->sum += fuzz_touch(e->data, e->data_len);
    s->sum += fuzz_touch(e->file_alg, strlen(e->file_alg));
    if (e->file_digest)
        s->sum += fuzz_touch(e->file_digest, e->file_digest_len);
    if (e->sig)
        s->sum += fuzz_touch(e->sig, e->sig_len);
    s->entries++;
    return 0;
}

struct rec {
    uint8_t ext[MAX_EXT][BANK_COUNT][ALG_MAX_DIGEST];
    size_t n;
};

static int record(const struct replay_step *s, void *ctx, char **err)
{
    (void)err;
    struct rec *r = ctx;
    FUZZ_CHECK(s->extend_no == r->n || r->n == MAX_EXT, "extend_no");
    if (r->n < MAX_EXT) {
        for (int b = 0; b < BANK_COUNT; b++)
            if (s->banks & (1u << b))
                memcpy(r->ext[r->n][b], s->ext[b], alg_by_bank(b)->size);
        r->n++;
    }
    return 0;
}

static void check_compare(const struct replay_src *src, enum bank lb,
                          const struct replay_result *whole,
                          const struct rec *rec)
{
    struct replay_opts o = { .banks = ALL_BANKS, .list_bank = lb };
    struct replay_result res;
    struct replay_vs_pcr vp;
    char *err = NULL;
    int rc = replay_compare_pcr(src, &o, whole->pcr, &vp, &res, &err);
    FUZZ_CHECK(rc == 0, "compare_pcr after a good replay: %s", err);
    for (int b = 0; b < BANK_COUNT; b++)
        FUZZ_CHECK(vp.equal[b] && vp.diverge[b].index == -1,
                   "bank %d: replay != itself", b);

    /* Its own extends: the same sequence; one fewer: the list is longer
     * exactly at the last recorded extend. */
    size_t n = rec->n;
    struct replay_vs_extends ve;
    rc = replay_compare_extends(src, &o, rec->ext, n, &ve, &res, &err);
    FUZZ_CHECK(rc == 0, "compare_extends: %s", err);
    if (whole->extends <= MAX_EXT)
        FUZZ_CHECK(ve.kind == REPLAY_DIV_NONE, "own extends: kind %d", ve.kind);
    else
        FUZZ_CHECK(ve.kind == REPLAY_DIV_LIST_LONGER && ve.extend_no == MAX_EXT,
                   "own extends, cut at %d: kind %d", MAX_EXT, ve.kind);
    if (n > 0) {
        rc = replay_compare_extends(src, &o, rec->ext, n - 1, &ve, &res, &err);
        FUZZ_CHECK(rc == 0, "compare_extends: %s", err);
        FUZZ_CHECK(ve.kind == REPLAY_DIV_LIST_LONGER && ve.extend_no == n - 1 &&
                   ve.at.index >= 0, "prefix of own extends: kind %d", ve.kind);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    enum bank lb = (enum bank)(data[0] & 3);
    size_t dlen = alg_by_bank(lb)->size;
    if (lb == BANK_SHA1 && (data[0] & 4))
        dlen = 0;
    const uint8_t *list = data + 1;
    size_t n = size - 1;

    struct seen s = { 0, 0 };
    char *err = NULL;
    int rc = imalist_parse_buf(list, n, dlen, on_entry, &s, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0)
        FUZZ_CHECK(strstr(err, "offset ") != NULL, "no offset in '%s'", err);

    /* The FILE reader must tell the same story. */
    FILE *f = n ? fmemopen((void *)list, n, "rb") : NULL;
    if (f) {
        struct seen sf = { 0, 0 };
        char *ferr = NULL;
        int frc = imalist_parse_file(f, dlen, on_entry, &sf, &ferr);
        fclose(f);
        FUZZ_CHECK(frc == rc && sf.entries == s.entries && sf.sum == s.sum &&
                   (rc == 0 || strcmp(err, ferr) == 0),
                   "FILE: rc %d, %llu entries, '%s'; buffer: rc %d, %llu, '%s'",
                   frc, (unsigned long long)sf.entries, ferr ? ferr : "",
                   rc, (unsigned long long)s.entries, err ? err : "");
        free(ferr);
    }

    struct replay_src src = { .p = list, .n = n, .digest_len = dlen };
    struct rec *rec = calloc(1, sizeof(*rec));
    if (!rec)
        abort();
    struct replay_opts o = { .banks = ALL_BANKS, .list_bank = lb,
                             .on_step = record, .ctx = rec };
    struct replay_result res;
    char *rerr = NULL;
    int rrc = replay_run(&src, &o, &res, &rerr);
    FUZZ_CHECK_ERR(rrc, rerr);
    FUZZ_CHECK(rrc == rc, "replay rc %d, parse rc %d (%s)", rrc, rc,
               rerr ? rerr : "");
    if (rrc == 0) {
        FUZZ_CHECK(res.entries == s.entries, "replay read %llu entries of %llu",
                   (unsigned long long)res.entries,
                   (unsigned long long)s.entries);
        FUZZ_CHECK(res.extends + res.other_pcr == res.entries &&
                   res.violations <= res.extends, "replay counts");
        check_compare(&src, lb, &res, rec);
    }
    free(rec);
    free(rerr);
    free(err);
    return 0;
}
