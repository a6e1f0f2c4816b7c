/* The per-bank lists of kernels 6.10+ (verdict/facts_banks) and the padded
 * banks of a kernel without a hash for them (replay.h's padded_banks rule):
 * lists built here the way the kernel writes them, every digest and every
 * expected PCR value computed here with OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "ima_build.h"
#include "runner/fsutil.h"
#include "verdict/facts_banks.h"
#include "verify/replay.h"

#define NE 4                      /* boot_aggregate and three files */
static const char *const alg_names[BANK_COUNT] = { "sha1", "sha256", "sha384",
                                                   "sha512" };
static const size_t sizes[BANK_COUNT] = { 20, 32, 48, 64 };

/* Entry i's template data (ima-ng: d-ng and n-ng). */
static void entry_data(int i, const char *name, struct lbuf *t)
{
    uint8_t fd[32];
    char text[64];
    snprintf(text, sizeof(text), "file %d", i);
    md("sha256", text, strlen(text), fd);
    ng_data(t, "sha256", fd, sizeof(fd), name, NULL, 0, 0);
}

static const char *entry_name(int i)
{
    static char name[32];
    if (i == 0)
        return "boot_aggregate";
    snprintf(name, sizeof(name), "/work/file%d", i);
    return name;
}

/* The digest IMA gives entry data t in bank b: the bank's hash, or for a
 * padded bank the sha1 one with zeros after it. */
static void bank_digest(int b, bool padded, const struct lbuf *t, uint8_t *out)
{
    memset(out, 0, 64);
    md(padded ? "sha1" : alg_names[b], t->p, t->n, out);
}

/* A list of entries 0..n-1 with bank b's digests (b = sha1: the classic
 * list); rename renames entry `rename_at` (-1: none). */
static void build_list(struct lbuf *l, int b, bool padded, int n,
                       int rename_at)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < n; i++) {
        struct lbuf t = { 0 };
        entry_data(i, i == rename_at ? "/work/other" : entry_name(i), &t);
        uint8_t d[64];
        bank_digest(b, padded, &t, d);
        lb_le32(l, 10);
        lb_put(l, d, sizes[b]);
        lb_le32(l, 6);
        lb_put(l, "ima-ng", 6);
        lb_le32(l, (uint32_t)t.n);
        lb_put(l, t.p, t.n);
        free(t.p);
    }
}

/* PCR 10 after every entry, in bank b. */
static void chain(int b, bool padded, int n, uint8_t *pcr)
{
    uint8_t cat[128];
    memset(pcr, 0, 64);
    for (int i = 0; i < n; i++) {
        struct lbuf t = { 0 };
        entry_data(i, entry_name(i), &t);
        uint8_t d[64];
        bank_digest(b, padded, &t, d);
        free(t.p);
        memcpy(cat, pcr, sizes[b]);
        memcpy(cat + sizes[b], d, sizes[b]);
        md(alg_names[b], cat, 2 * sizes[b], pcr);
    }
}

/* --- the padded rule in the replay ------------------------------------------ */

static void test_replay_padded_banks(void **state)
{
    (void)state;
    struct lbuf l;
    build_list(&l, BANK_SHA1, false, NE, -1);
    struct replay_src src = { .p = l.p, .n = l.n, .digest_len = 20 };
    unsigned all = 0xf, padded = (1u << BANK_SHA384) | (1u << BANK_SHA512);
    struct replay_opts o = { .banks = all, .padded_banks = padded };
    struct replay_result r;
    char *err = NULL;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    for (int b = 0; b < BANK_COUNT; b++) {
        uint8_t want[64];
        chain(b, (padded >> b) & 1, NE, want);
        assert_memory_equal(r.pcr[b], want, sizes[b]);
    }
    /* without the rule the sha384 bank is the template data's hash chain */
    o.padded_banks = 0;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    uint8_t hashed[64], pad[64];
    chain(BANK_SHA384, false, NE, hashed);
    chain(BANK_SHA384, true, NE, pad);
    assert_memory_equal(r.pcr[BANK_SHA384], hashed, 48);
    assert_memory_not_equal(hashed, pad, 48);
    /* sha1 itself cannot be padded */
    o.padded_banks = 1u << BANK_SHA1;
    assert_int_equal(replay_run(&src, &o, &r, &err), -1);
    assert_non_null(strstr(err, "sha1"));
    free(err);
    free(l.p);
}

/* A per-bank list of a padded bank carries the padded digest: it checks out
 * only under the rule. */
static void test_replay_padded_own_list(void **state)
{
    (void)state;
    struct lbuf l;
    build_list(&l, BANK_SHA384, true, NE, -1);
    struct replay_src src = { .p = l.p, .n = l.n, .digest_len = 48 };
    struct replay_opts o = { .banks = 1u << BANK_SHA384, .list_bank = BANK_SHA384,
                             .padded_banks = 1u << BANK_SHA384 };
    struct replay_result r;
    char *err = NULL;
    uint8_t want[64];
    chain(BANK_SHA384, true, NE, want);
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_int_equal(r.digest_mismatches, 0);
    assert_memory_equal(r.pcr[BANK_SHA384], want, 48);
    o.padded_banks = 0;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_int_equal(r.digest_mismatches, NE);
    assert_int_equal(r.first_mismatch, 0);
    free(l.p);
}

/* --- facts_bank_lists on a report directory --------------------------------- */

struct dir {
    char path[64];
    struct facts f;
};

static int dir_setup(void **state)
{
    struct dir *d = calloc(1, sizeof(*d));
    if (!d || private_dir_create("test_facts_banks", d->path, sizeof(d->path),
                                 NULL) < 0) {
        free(d);
        return -1;
    }
    *state = d;
    return 0;
}

static int dir_teardown(void **state)
{
    struct dir *d = *state;
    int rc = tree_remove(d->path);
    free(d);
    return rc;
}

static void write_list(struct dir *d, const char *suffix, struct lbuf *l)
{
    char path[128];
    snprintf(path, sizeof(path), "%s/binary_runtime_measurements%s", d->path,
             suffix);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(l->p, 1, l->n, f), l->n);
    assert_int_equal(fclose(f), 0);
    free(l->p);
}

/* The classic list, and the facts the sha1-list replay leaves: banks and
 * their replay (computed here). */
static void classic(struct dir *d, unsigned banks, unsigned padded)
{
    struct lbuf l;
    build_list(&l, BANK_SHA1, false, NE, -1);
    write_list(d, "", &l);
    memset(&d->f, 0, sizeof(d->f));
    d->f.banks = banks;
    d->f.padded_banks = padded;
    d->f.have_list = true;
    for (int b = 0; b < BANK_COUNT; b++) {
        d->f.bank[b].padded = (padded >> b) & 1;
        chain(b, d->f.bank[b].padded, NE, d->f.bank[b].replay);
        d->f.bank[b].have_replay = (banks >> b) & 1;
    }
}

static void own_list(struct dir *d, int b, bool padded, int n, int rename_at)
{
    struct lbuf l;
    char suffix[16];
    build_list(&l, b, padded, n, rename_at);
    snprintf(suffix, sizeof(suffix), "_%s", alg_names[b]);
    write_list(d, suffix, &l);
}

static void assert_detail(const struct facts *f, const char *want)
{
    if (!strstr(f->bank_lists_detail, want))
        fail_msg("expected \"%s\" in \"%s\"", want, f->bank_lists_detail);
}

#define S1_256 ((1u << BANK_SHA1) | (1u << BANK_SHA256))

static void test_absent(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256, 0);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_ABSENT);
    assert_false(d->f.bank[BANK_SHA256].replay_own_list);
    assert_detail(&d->f, "6.10");
}

/* Every bank from its own list; a padded bank's list carries the padded
 * digest. */
static void test_agree(void **state)
{
    struct dir *d = *state;
    unsigned all = 0xf, padded = 1u << BANK_SHA512;
    classic(d, all, padded);
    for (int b = 0; b < BANK_COUNT; b++)
        own_list(d, b, (padded >> b) & 1, NE, -1);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_AGREE);
    for (int b = 0; b < BANK_COUNT; b++) {
        uint8_t want[64];
        chain(b, (padded >> b) & 1, NE, want);
        assert_true(d->f.bank[b].replay_own_list);
        assert_true(d->f.bank[b].list.read);
        assert_int_equal(d->f.bank[b].list.entries, NE);
        assert_memory_equal(d->f.bank[b].list.replay, want, sizes[b]);
        assert_memory_equal(d->f.bank[b].replay, want, sizes[b]);
    }
    assert_detail(&d->f, "4 entries");
}

/* IMA in TPM-bypass keeps a sha1 list only (6.12 without a TPM). */
static void test_bypass_sha1_only(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256, 0);
    d->f.dmesg.bypass = true;
    own_list(d, BANK_SHA1, false, NE, -1);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_AGREE);
    assert_true(d->f.bank[BANK_SHA1].replay_own_list);
    assert_false(d->f.bank[BANK_SHA256].replay_own_list);
    assert_detail(&d->f, "TPM-bypass");
    d->f.dmesg.bypass = false;                 /* with a TPM: sha256 missing */
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
}

static void test_one_bank_missing(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256, 0);
    own_list(d, BANK_SHA1, false, NE, -1);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
    assert_detail(&d->f, "no binary_runtime_measurements_sha256");
    assert_false(d->f.bank[BANK_SHA1].replay_own_list);
}

static void test_renamed_entry(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256, 0);
    own_list(d, BANK_SHA1, false, NE, -1);
    own_list(d, BANK_SHA256, false, NE, 2);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
    assert_detail(&d->f, "entry 2 differs: binary_runtime_measurements_sha256 "
                  "has /work/other, binary_runtime_measurements has /work/file2");
}

static void test_shorter_and_longer(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256, 0);
    own_list(d, BANK_SHA1, false, NE, -1);
    own_list(d, BANK_SHA256, false, NE - 1, -1);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
    assert_detail(&d->f, "_sha256 ends after 3 entries, binary_runtime_measurements has 4");
    own_list(d, BANK_SHA256, false, NE + 1, -1);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
    assert_detail(&d->f, "more entries than binary_runtime_measurements's 4, "
                  "from entry 4 (/work/file4)");
}

/* The list holds the padded digest but the kernel did not say the bank was
 * padded: the digests are not the bank's hash. */
static void test_wrong_digests(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256 | (1u << BANK_SHA384), 0);
    own_list(d, BANK_SHA1, false, NE, -1);
    own_list(d, BANK_SHA256, false, NE, -1);
    own_list(d, BANK_SHA384, true, NE, -1);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
    assert_detail(&d->f, "_sha384: 4 digests are not the sha384 of their "
                  "template data, the first at entry 0");
    assert_int_equal(d->f.bank[BANK_SHA384].list.digest_mismatches, NE);
}

static void test_truncated_list(void **state)
{
    struct dir *d = *state;
    classic(d, S1_256, 0);
    own_list(d, BANK_SHA1, false, NE, -1);
    struct lbuf l;
    build_list(&l, BANK_SHA256, false, NE, -1);
    l.n -= 3;
    write_list(d, "_sha256", &l);
    facts_bank_lists(d->path, &d->f);
    assert_int_equal(d->f.bank_lists, SCN_LISTS_DISAGREE);
    assert_detail(&d->f, "binary_runtime_measurements_sha256: offset");
}

#define DIR_TEST(t) cmocka_unit_test_setup_teardown(t, dir_setup, dir_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replay_padded_banks),
        cmocka_unit_test(test_replay_padded_own_list),
        DIR_TEST(test_absent),
        DIR_TEST(test_agree),
        DIR_TEST(test_bypass_sha1_only),
        DIR_TEST(test_one_bank_missing),
        DIR_TEST(test_renamed_entry),
        DIR_TEST(test_shorter_and_longer),
        DIR_TEST(test_wrong_digests),
        DIR_TEST(test_truncated_list),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
