#include "verdict/facts_banks.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/str.h"
#include "util/vec.h"
#include "verify/imalist.h"
#include "verify/replay.h"

#define LIST "binary_runtime_measurements"
#define PRINT_LEN 32     /* sha256 of what every list holds alike */

/* Entry i of every list must hold the same PCR, template name and template
 * data; only the digest is the bank's.  A print is the sha256 of those. */
struct prints {
    uint8_t (*v)[PRINT_LEN];
    size_t n, cap;
    struct alg_hash h;
    /* comparing another list against v */
    uint64_t seen;              /* entries compared */
    int64_t differ;             /* first differing index, or -1 */
    char name[128];             /* that entry's file name in the other list */
};

static int print_entry(struct alg_hash *h, const struct ima_entry *e,
                       uint8_t *out)
{
    const uint8_t pcr[4] = { (uint8_t)e->pcr, (uint8_t)(e->pcr >> 8),
                             (uint8_t)(e->pcr >> 16), (uint8_t)(e->pcr >> 24) };
    if (alg_hash_start(h, BANK_SHA256) < 0 || alg_hash_update(h, pcr, 4) < 0 ||
        alg_hash_update(h, e->tmpl_name, strlen(e->tmpl_name) + 1) < 0 ||
        alg_hash_update(h, e->data, e->data_len) < 0)
        return -1;
    return alg_hash_final(h, out);
}

static int keep_print(const struct ima_entry *e, void *ctx, char **err)
{
    struct prints *p = ctx;
    uint8_t (*v)[PRINT_LEN] = vec_room(p->v, p->n, &p->cap, PRINT_LEN, 64);
    if (!v)
        return err_set(err, "out of memory");
    p->v = v;
    if (print_entry(&p->h, e, p->v[p->n]) < 0)
        return err_set(err, "hashing entry %llu", (unsigned long long)e->index);
    p->n++;
    return 0;
}

static int compare_print(const struct ima_entry *e, void *ctx, char **err)
{
    struct prints *p = ctx;
    uint8_t print[PRINT_LEN];
    if (e->index < p->n && print_entry(&p->h, e, print) < 0)
        return err_set(err, "hashing entry %llu", (unsigned long long)e->index);
    if (e->index >= p->n || memcmp(print, p->v[e->index], PRINT_LEN) != 0) {
        p->differ = (int64_t)e->index;
        snprintf(p->name, sizeof(p->name), "%s", e->file_name);
        return 1;
    }
    p->seen = e->index + 1;
    return 0;
}

static FILE *open_list(const char *dir, const char *suffix)
{
    char path[4352];
    snprintf(path, sizeof(path), "%s/%s%s", dir, LIST, suffix);
    return fopen(path, "rb");
}

/* Parse a list with cb; 0 or -1 with *err. */
static int parse_list(const char *dir, const char *suffix, size_t digest_len,
                      imalist_cb cb, void *ctx, char **err)
{
    FILE *in = open_list(dir, suffix);
    if (!in)
        return err_errno(err, "%s%s", LIST, suffix);
    int rc = imalist_parse_file(in, digest_len, cb, ctx, err);
    fclose(in);
    return rc;
}

struct name_at {
    uint64_t index;
    char name[128];
};

static int find_name(const struct ima_entry *e, void *ctx, char **err)
{
    (void)err;
    struct name_at *at = ctx;
    if (e->index < at->index)
        return 0;
    snprintf(at->name, sizeof(at->name), "%s", e->file_name);
    return 1;
}

/* Does the bank's own list hold the sha1 list's entries?  Sets the detail
 * and returns false when it does not. */
static bool same_entries(const char *dir, const char *suffix,
                         const struct alg_info *a, struct prints *p,
                         char *detail, size_t size)
{
    char *err = NULL;
    p->seen = 0;
    p->differ = -1;
    if (parse_list(dir, suffix, a->size, compare_print, p, &err) < 0) {
        str_fmt(detail, size, "%s%s: %s", LIST, suffix, err);
        free(err);
        return false;
    }
    if (p->differ < 0 && p->seen == p->n)
        return true;
    if (p->differ < 0) {
        str_fmt(detail, size, "%s%s ends after %llu entries, %s has %zu", LIST,
                suffix, (unsigned long long)p->seen, LIST, p->n);
        return false;
    }
    if ((size_t)p->differ >= p->n) {
        str_fmt(detail, size, "%s%s has more entries than %s's %zu, from entry "
                "%lld (%s)", LIST, suffix, LIST, p->n, (long long)p->differ,
                p->name);
        return false;
    }
    struct name_at at = { .index = (uint64_t)p->differ };
    parse_list(dir, "", 20, find_name, &at, &err);
    free(err);
    str_fmt(detail, size, "entry %lld differs: %s%s has %s, %s has %s (PCR, "
            "template or template data)", (long long)p->differ, LIST, suffix,
            p->name[0] ? p->name : "(no name)", LIST,
            at.name[0] ? at.name : "(no name)");
    return false;
}

/* Replay the bank from its own list. */
static bool replay_own(const char *dir, const char *suffix,
                       const struct alg_info *a, struct facts *f,
                       char *detail, size_t size)
{
    struct bank_list_facts *l = &f->bank[a->bank].list;
    FILE *in = open_list(dir, suffix);
    if (!in) {
        str_fmt(detail, size, "%s%s cannot be opened", LIST, suffix);
        return false;
    }
    struct replay_src src = { .f = in, .digest_len = a->size };
    struct replay_opts o = { .banks = 1u << a->bank, .pcr = 10,
                             .list_bank = a->bank,
                             .padded_banks = f->padded_banks };
    struct replay_result res;
    char *err = NULL;
    int rc = replay_run(&src, &o, &res, &err);
    fclose(in);
    if (rc < 0) {
        str_fmt(detail, size, "%s%s: %s", LIST, suffix, err);
        free(err);
        return false;
    }
    l->read = true;
    l->entries = res.entries;
    memcpy(l->replay, res.pcr[a->bank], ALG_MAX_DIGEST);
    l->digest_mismatches = res.digest_mismatches;
    l->first_mismatch = res.first_mismatch;
    if (res.digest_mismatches) {
        str_fmt(detail, size, "%s%s: %llu digests are not the %s of their "
                "template data%s, the first at entry %lld", LIST, suffix,
                (unsigned long long)res.digest_mismatches, a->name,
                f->bank[a->bank].padded ? " (padded sha1)" : "",
                (long long)res.first_mismatch);
        return false;
    }
    if (memcmp(l->replay, f->bank[a->bank].replay, a->size) != 0) {
        str_fmt(detail, size, "%s replayed from %s%s differs from %s over %s's "
                "template data", a->name, LIST, suffix, a->name, LIST);
        return false;
    }
    return true;
}

/* One bank: false with the detail at its first problem. */
static bool check_bank(const char *dir, const struct alg_info *a,
                       struct facts *f, struct prints *p, char *detail,
                       size_t size)
{
    char suffix[16];
    snprintf(suffix, sizeof(suffix), "_%s", a->name);
    if (!f->bank[a->bank].list.present) {
        str_fmt(detail, size, "no %s%s although other banks have their own "
                "lists", LIST, suffix);
        return false;
    }
    return same_entries(dir, suffix, a, p, detail, size) &&
           replay_own(dir, suffix, a, f, detail, size);
}

void facts_bank_lists(const char *dir, struct facts *f)
{
    /* A kernel in TPM-bypass sees no banks: it keeps the sha1 list only
     * (6.12 did so with no TPM and with a TPM dropped at probe). */
    unsigned want = f->dmesg.bypass ? 1u << BANK_SHA1 : f->banks;
    unsigned present = 0;
    for (int b = 0; b < BANK_COUNT; b++) {
        memset(&f->bank[b].list, 0, sizeof(f->bank[b].list));
        f->bank[b].list.first_mismatch = -1;
        f->bank[b].replay_own_list = false;
        if (!(want & (1u << b)))
            continue;
        char suffix[16];
        snprintf(suffix, sizeof(suffix), "_%s", alg_by_bank((enum bank)b)->name);
        FILE *in = open_list(dir, suffix);
        if (in) {
            fclose(in);
            f->bank[b].list.present = true;
            present |= 1u << b;
        }
    }
    if (!present) {
        f->bank_lists = SCN_LISTS_ABSENT;
        str_fmt(f->bank_lists_detail, sizeof(f->bank_lists_detail),
                "no %s_<alg> lists (kernels keep one per bank from 6.10 on)",
                LIST);
        return;
    }
    struct prints p = { 0 };
    char *err = NULL;
    f->bank_lists = SCN_LISTS_DISAGREE;
    if (alg_hash_new(&p.h) < 0) {
        str_fmt(f->bank_lists_detail, sizeof(f->bank_lists_detail), "out of memory");
        return;
    }
    if (parse_list(dir, "", 20, keep_print, &p, &err) < 0) {
        str_fmt(f->bank_lists_detail, sizeof(f->bank_lists_detail), "%s: %s",
                LIST, err);
        free(err);
        goto out;
    }
    bool agree = true;
    for (int b = 0; b < BANK_COUNT && agree; b++)
        if (want & (1u << b))
            agree = check_bank(dir, alg_by_bank((enum bank)b), f, &p,
                               f->bank_lists_detail,
                               sizeof(f->bank_lists_detail));
    if (!agree)
        goto out;
    f->bank_lists = SCN_LISTS_AGREE;
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(want & (1u << b)))
            continue;
        memcpy(f->bank[b].replay, f->bank[b].list.replay, ALG_MAX_DIGEST);
        f->bank[b].replay_own_list = true;
    }
    str_fmt(f->bank_lists_detail, sizeof(f->bank_lists_detail), "%s own list "
            "holds the %zu entries of %s, each digest the bank's hash of its "
            "template data, and replays to the same PCR 10%s",
            f->dmesg.bypass ? "the sha1 bank's" : "every bank's", p.n, LIST,
            f->dmesg.bypass ? " (IMA in TPM-bypass keeps no other)" : "");
out:
    free(p.v);
    alg_hash_free(&p.h);
}
