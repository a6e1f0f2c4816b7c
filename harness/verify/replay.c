#include "verify/replay.h"

#include "util/err.h"

#include <inttypes.h>
#include <string.h>

#define IMA_HASHED_NAME 256    /* IMA_EVENT_NAME_LEN_MAX + 1 */

static unsigned default_banks(unsigned banks)
{
    return banks ? banks : (1u << BANK_SHA1) | (1u << BANK_SHA256);
}

/* The "ima" template is hashed without field lengths, with the name padded
 * to a fixed 256 bytes (ima_calc_field_array_hash_tfm). */
static int hash_ima_tmpl(struct alg_hash *h, const struct ima_entry *e,
                         enum bank b, uint8_t *out)
{
    static const uint8_t zeros[IMA_HASHED_NAME];
    size_t nlen = e->file_name_len;
    if (e->data_len < IMALIST_IMA_DIGEST || nlen >= IMA_HASHED_NAME ||
        alg_hash_start(h, b) < 0 ||
        alg_hash_update(h, e->data, IMALIST_IMA_DIGEST) < 0 ||
        alg_hash_update(h, e->file_name, nlen) < 0 ||
        alg_hash_update(h, zeros, IMA_HASHED_NAME - nlen) < 0)
        return -1;
    return alg_hash_final(h, out);
}

/* Hash of the template data in bank b, as the kernel computes it. */
static int template_hash(struct alg_hash *h, const struct ima_entry *e,
                         enum bank b, uint8_t *out)
{
    if (e->tmpl == IMA_TMPL_IMA)
        return hash_ima_tmpl(h, e, b, out);
    /* Every other template: each field's u32 length + bytes, which is the
     * template data exactly as the binary list carries it. */
    return alg_hash_digest(h, b, e->data, e->data_len, out);
}

struct run {
    const struct replay_opts *o;
    struct replay_result *r;
    uint32_t pcr;
    enum bank list_bank;
    struct alg_hash h;       /* one context for every hash of the replay */
};

/* What IMA puts into bank b for e, from its template data: that bank's hash,
 * or for a padded bank the sha1 one zero-padded (taken from the list when
 * the list is the sha1 one). */
static int computed_digest(struct run *run, const struct ima_entry *e,
                           enum bank b, uint8_t *out)
{
    if (!(run->o->padded_banks & (1u << b)))
        return template_hash(&run->h, e, b, out);
    memset(out, 0, alg_by_bank(b)->size);
    if (run->list_bank == BANK_SHA1 && e->digest_len == 20) {
        memcpy(out, e->digest, 20);
        return 0;
    }
    return template_hash(&run->h, e, BANK_SHA1, out);
}

/* The digest entry e extends into bank b (see the rules in replay.h). */
static int entry_digest(struct run *run, const struct ima_entry *e,
                        enum bank b, uint8_t *out, char **err)
{
    const struct alg_info *a = alg_by_bank(b);
    if (!a)
        return err_set(err, "unknown bank %d", (int)b);
    if (e->violation) {
        memset(out, 0xff, a->size);
        return 0;
    }
    if (b == run->list_bank) {
        if (e->digest_len != a->size)
            return err_set(err, "template digest is %zu bytes, the %s bank needs %zu",
                           e->digest_len, a->name, a->size);
        memcpy(out, e->digest, a->size);
        return 0;
    }
    if (computed_digest(run, e, b, out) < 0)
        return err_set(err, "hashing the template data with %s", a->name);
    return 0;
}

static int check_list_digest(struct run *run, const struct ima_entry *e)
{
    uint8_t h[ALG_MAX_DIGEST];
    const struct alg_info *a = alg_by_bank(run->list_bank);
    if (e->violation || !a || e->digest_len != a->size)
        return 0;
    if (computed_digest(run, e, run->list_bank, h) < 0)
        return -1;
    if (memcmp(h, e->digest, a->size) != 0) {
        if (run->r->digest_mismatches++ == 0)
            run->r->first_mismatch = (int64_t)e->index;
    }
    return 0;
}

static int on_entry(const struct ima_entry *e, void *ctx, char **err)
{
    struct run *run = ctx;
    struct replay_result *r = run->r;
    uint8_t ext[BANK_COUNT][ALG_MAX_DIGEST];
    if (run->o->max_entries && e->index >= run->o->max_entries)
        return 1;
    if (run->o->max_extends && r->extends >= run->o->max_extends &&
        e->pcr == run->pcr)
        return 1;
    r->entries++;
    if (e->pcr != run->pcr) {
        r->other_pcr++;
        return 0;
    }
    if (check_list_digest(run, e) < 0)
        return err_set(err, "hashing the template data");
    memset(ext, 0, sizeof ext);
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(r->banks & (1u << b)))
            continue;
        if (entry_digest(run, e, (enum bank)b, ext[b], err) < 0 ||
            alg_hash_extend(&run->h, (enum bank)b, r->pcr[b], ext[b]) < 0)
            return err_set(err, "extending the %s bank", alg_by_bank(b)->name);
    }
    r->violations += e->violation;
    struct replay_step s = { e, r->extends++, r->banks,
                             (const uint8_t (*)[ALG_MAX_DIGEST])ext,
                             (const uint8_t (*)[ALG_MAX_DIGEST])r->pcr };
    return run->o->on_step ? run->o->on_step(&s, run->o->ctx, err) : 0;
}

int replay_run(const struct replay_src *src, const struct replay_opts *opts,
               struct replay_result *res, char **err)
{
    static const struct replay_opts none;
    const struct replay_opts *o = opts ? opts : &none;
    struct run run = { .o = o, .r = res, .pcr = o->pcr ? o->pcr : 10,
                       .list_bank = o->list_bank };
    memset(res, 0, sizeof *res);
    res->banks = default_banks(o->banks);
    res->first_mismatch = -1;
    if (res->banks >> BANK_COUNT || !alg_by_bank(run.list_bank))
        return err_set(err, "replay: bad bank selection");
    if (o->padded_banks & (1u << BANK_SHA1))
        return err_set(err, "replay: the sha1 bank cannot be padded (IMA needs sha1)");
    size_t dlen = src->digest_len ? src->digest_len : 20;
    if (dlen != alg_by_bank(run.list_bank)->size)
        return err_set(err, "replay: a %zu-byte list digest cannot be the %s bank's",
                       dlen, alg_by_bank(run.list_bank)->name);
    if (alg_hash_new(&run.h) < 0)
        return err_set(err, "out of memory");
    int rc = src->f ? imalist_parse_file(src->f, src->digest_len, on_entry, &run, err)
                    : imalist_parse_buf(src->p, src->n, src->digest_len, on_entry,
                                        &run, err);
    alg_hash_free(&run.h);
    return rc;
}
