/* Unit tests of the per-bank PCR 10 replay: the replay must equal a chain
 * computed here independently with OpenSSL (EVP, not alg.h); violations;
 * prefixes; first match / first divergence against a PCR value and against
 * the extends the TPM received. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "ima_build.h"
#include "verify/replay.h"

static const char *const bank_md[BANK_COUNT] = { "sha1", "sha256", "sha384", "sha512" };
static const size_t bank_len[BANK_COUNT] = { 20, 32, 48, 64 };
#define ALL_BANKS 0xfu
#define NE 8

/* The list under test and, per entry, what each bank must be extended with. */
struct fixture {
    struct lbuf b;
    uint32_t pcr[NE];
    int violation[NE];
    const char *name[NE];
    uint8_t ext[NE][BANK_COUNT][64];
    uint8_t chain[NE + 1][BANK_COUNT][64];   /* value after the first k entries */
};

static void expect_ng(struct fixture *fx, size_t i, const char *alg,
                      const uint8_t *fd, size_t fdlen, int sig)
{
    struct lbuf t = { 0 };
    ng_data(&t, alg, fd, fdlen, fx->name[i], (const uint8_t *)"\x03\x02", sig ? 2 : 0, sig);
    for (int b = 0; b < BANK_COUNT; b++)
        md(bank_md[b], t.p, t.n, fx->ext[i][b]);
    free(t.p);
}

static void build(struct fixture *fx)
{
    static const char *names[NE] = { "boot_aggregate", "/etc/a", "/usr/bin/s",
                                     "/bin/old", "/tmp/viol", "/pcr11", "/etc/b", "/etc/c" };
    uint8_t fd[32];
    memset(fx, 0, sizeof *fx);
    memcpy(fx->name, names, sizeof names);
    for (size_t i = 0; i < NE; i++) {
        md("sha256", names[i], strlen(names[i]), fd);
        fx->pcr[i] = i == 5 ? 11 : 10;
        if (i == 2) {                       /* ima-sig with a signature */
            add_ng(&fx->b, 10, "ima-sig", "sha256", fd, 32, names[i],
                   (const uint8_t *)"\x03\x02", 2, 0);
            expect_ng(fx, i, "sha256", fd, 32, 1);
        } else if (i == 3) {                /* the old "ima" template */
            uint8_t h[276];
            add_ima(&fx->b, fd, names[i], 0);
            ima_hashed(fd, names[i], h);
            for (int b = 0; b < BANK_COUNT; b++)
                md(bank_md[b], h, sizeof h, fx->ext[i][b]);
        } else if (i == 4) {                /* violation */
            uint8_t z[20] = { 0 };
            add_ng(&fx->b, 10, "ima-ng", "sha256", z, 20, names[i], NULL, 0, 1);
            fx->violation[i] = 1;
            for (int b = 0; b < BANK_COUNT; b++)
                memset(fx->ext[i][b], 0xff, bank_len[b]);
        } else {
            add_ng(&fx->b, fx->pcr[i], "ima-ng", "sha256", fd, 32, names[i], NULL, 0, 0);
            expect_ng(fx, i, "sha256", fd, 32, 0);
        }
    }
    /* the chain, with EVP directly */
    for (size_t i = 0; i < NE; i++)
        for (int b = 0; b < BANK_COUNT; b++) {
            memcpy(fx->chain[i + 1][b], fx->chain[i][b], 64);
            if (fx->pcr[i] != 10)
                continue;
            uint8_t cat[128];
            memcpy(cat, fx->chain[i][b], bank_len[b]);
            memcpy(cat + bank_len[b], fx->ext[i][b], bank_len[b]);
            md(bank_md[b], cat, 2 * bank_len[b], fx->chain[i + 1][b]);
        }
}

static int fx_setup(void **state)
{
    struct fixture *fx = malloc(sizeof *fx);
    if (!fx)
        return -1;
    build(fx);
    *state = fx;
    return 0;
}

static int fx_teardown(void **state)
{
    struct fixture *fx = *state;
    free(fx->b.p);
    free(fx);
    return 0;
}

static struct replay_src src_of(const struct fixture *fx)
{
    return (struct replay_src){ .p = fx->b.p, .n = fx->b.n };
}

static void assert_chain(const struct replay_result *r, const struct fixture *fx,
                         size_t k)
{
    for (int b = 0; b < BANK_COUNT; b++)
        if (r->banks & (1u << b))
            assert_memory_equal(r->pcr[b], fx->chain[k][b], bank_len[b]);
}

static void test_full_replay(void **state)
{
    struct fixture *fx = *state;
    struct replay_src src = src_of(fx);
    struct replay_opts o = { .banks = ALL_BANKS };
    struct replay_result r;
    char *err = NULL;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_null(err);
    assert_chain(&r, fx, NE);
    assert_int_equal(r.entries, NE);
    assert_int_equal(r.extends, NE - 1);
    assert_int_equal(r.other_pcr, 1);
    assert_int_equal(r.violations, 1);
    assert_int_equal(r.digest_mismatches, 0);
    assert_int_equal(r.first_mismatch, -1);

    /* default banks: sha1 + sha256; same values from a FILE */
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(fx->b.p, 1, fx->b.n, f), fx->b.n);
    rewind(f);
    struct replay_src fsrc = { .f = f };
    assert_int_equal(replay_run(&fsrc, NULL, &r, &err), 0);
    assert_int_equal(r.banks, (1u << BANK_SHA1) | (1u << BANK_SHA256));
    assert_chain(&r, fx, NE);
    fclose(f);
}

static void test_violation_only(void **state)
{
    (void)state;
    struct lbuf b = { 0 };
    uint8_t z[20] = { 0 };
    add_ng(&b, 10, "ima-ng", "sha1", z, 20, "/v1", NULL, 0, 1);
    add_ima(&b, z, "/v2", 1);
    struct replay_src src = { .p = b.p, .n = b.n };
    struct replay_opts o = { .banks = ALL_BANKS };
    struct replay_result r;
    char *err = NULL;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_int_equal(r.violations, 2);
    for (int k = 0; k < BANK_COUNT; k++) {
        uint8_t v[64] = { 0 }, cat[128];
        for (int i = 0; i < 2; i++) {
            memcpy(cat, v, bank_len[k]);
            memset(cat + bank_len[k], 0xff, bank_len[k]);
            md(bank_md[k], cat, 2 * bank_len[k], v);
        }
        assert_memory_equal(r.pcr[k], v, bank_len[k]);
    }
    free(b.p);
}

struct steps { const struct fixture *fx; size_t seen; };

static int step_check(const struct replay_step *s, void *ctx, char **err)
{
    (void)err;
    struct steps *st = ctx;
    size_t i = s->entry->index;
    assert_int_equal(s->extend_no, st->seen);
    for (int b = 0; b < BANK_COUNT; b++) {
        assert_memory_equal(s->ext[b], st->fx->ext[i][b], bank_len[b]);
        assert_memory_equal(s->pcr[b], st->fx->chain[i + 1][b], bank_len[b]);
    }
    st->seen++;
    return 0;
}

static void test_prefix_and_steps(void **state)
{
    struct fixture *fx = *state;
    struct replay_src src = src_of(fx);
    struct replay_result r;
    char *err = NULL;
    for (size_t k = 1; k <= NE; k++) {
        struct replay_opts o = { .banks = ALL_BANKS, .max_entries = k };
        assert_int_equal(replay_run(&src, &o, &r, &err), 0);
        assert_int_equal(r.entries, k);
        assert_chain(&r, fx, k);
    }
    struct steps st = { fx, 0 };
    struct replay_opts o = { .banks = ALL_BANKS, .on_step = step_check, .ctx = &st };
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_int_equal(st.seen, NE - 1);
}

static void test_compare_pcr(void **state)
{
    struct fixture *fx = *state;
    struct replay_src src = src_of(fx);
    struct replay_opts o = { .banks = ALL_BANKS };
    struct replay_vs_pcr m;
    struct replay_result r;
    char *err = NULL;
    uint8_t target[BANK_COUNT][ALG_MAX_DIGEST];

    /* the PCR lags: it reflects entries 0..2 only */
    memcpy(target, fx->chain[3], sizeof target);
    assert_int_equal(replay_compare_pcr(&src, &o, target, &m, &r, &err), 0);
    for (int b = 0; b < BANK_COUNT; b++) {
        assert_false(m.equal[b]);
        assert_int_equal(m.first_match[b], 2);
        assert_int_equal(m.last_match[b], 2);
        assert_int_equal(m.diverge[b].index, 3);
        assert_string_equal(m.diverge[b].file_name, "/bin/old");
    }
    /* the whole list */
    memcpy(target, fx->chain[NE], sizeof target);
    assert_int_equal(replay_compare_pcr(&src, &o, target, &m, &r, &err), 0);
    for (int b = 0; b < BANK_COUNT; b++) {
        assert_true(m.equal[b]);
        assert_int_equal(m.diverge[b].index, -1);
        assert_int_equal(m.last_match[b], NE - 1);
    }
    /* a PCR never extended: everything from entry 0 is missing */
    memset(target, 0, sizeof target);
    assert_int_equal(replay_compare_pcr(&src, &o, target, &m, &r, &err), 0);
    assert_true(m.zero_matches[BANK_SHA256]);
    assert_int_equal(m.diverge[BANK_SHA256].index, 0);
    assert_string_equal(m.diverge[BANK_SHA256].file_name, "boot_aggregate");
    /* a value no prefix reaches (sha256 of the full chain value) */
    for (int b = 0; b < BANK_COUNT; b++)
        md(bank_md[b], fx->chain[NE][b], bank_len[b], target[b]);
    assert_int_equal(replay_compare_pcr(&src, &o, target, &m, &r, &err), 0);
    assert_false(m.equal[BANK_SHA1]);
    assert_int_equal(m.first_match[BANK_SHA1], -1);
    assert_int_equal(m.diverge[BANK_SHA1].index, -1);
}

static void test_compare_extends(void **state)
{
    struct fixture *fx = *state;
    struct replay_src src = src_of(fx);
    struct replay_opts o = { .banks = ALL_BANKS };
    struct replay_vs_extends d;
    struct replay_result r;
    char *err = NULL;
    uint8_t ext[NE][BANK_COUNT][ALG_MAX_DIGEST];
    size_t n = 0;
    for (size_t i = 0; i < NE; i++)
        if (fx->pcr[i] == 10)
            memcpy(ext[n++], fx->ext[i], sizeof ext[0]);

    assert_int_equal(replay_compare_extends(&src, &o, (const void *)ext, n, &d, &r, &err), 0);
    assert_int_equal(d.kind, REPLAY_DIV_NONE);

    /* the TPM never got entry 3's extend */
    uint8_t lost[NE][BANK_COUNT][ALG_MAX_DIGEST];
    memcpy(lost, ext, 3 * sizeof ext[0]);
    memcpy(lost[3], ext[4], (n - 4) * sizeof ext[0]);
    assert_int_equal(replay_compare_extends(&src, &o, (const void *)lost, n - 1, &d, &r, &err), 0);
    assert_int_equal(d.kind, REPLAY_DIV_DIGEST);
    assert_int_equal(d.at.index, 3);
    assert_string_equal(d.at.file_name, "/bin/old");
    assert_int_equal(d.extend_no, 3);
    assert_int_equal(d.bank, BANK_SHA1);

    /* the last two entries never reached the TPM (entry 5 is PCR 11) */
    assert_int_equal(replay_compare_extends(&src, &o, (const void *)ext, n - 2, &d, &r, &err), 0);
    assert_int_equal(d.kind, REPLAY_DIV_LIST_LONGER);
    assert_int_equal(d.at.index, 6);
    assert_string_equal(d.at.file_name, "/etc/b");

    /* only the sha256 bank differs */
    memcpy(lost, ext, sizeof lost);
    lost[1][BANK_SHA256][0] ^= 1;
    assert_int_equal(replay_compare_extends(&src, &o, (const void *)lost, n, &d, &r, &err), 0);
    assert_int_equal(d.kind, REPLAY_DIV_DIGEST);
    assert_int_equal(d.bank, BANK_SHA256);
    assert_int_equal(d.at.index, 1);

    /* the list is a prefix of what the TPM received */
    struct replay_opts p = { .banks = ALL_BANKS, .max_entries = 3 };
    assert_int_equal(replay_compare_extends(&src, &p, (const void *)ext, n, &d, &r, &err), 0);
    assert_int_equal(d.kind, REPLAY_DIV_TPM_LONGER);
    assert_int_equal(d.extend_no, 3);
}

static void test_tampered_data(void **state)
{
    struct fixture *fx = *state;
    /* change one byte of entry 6's file name: its list digest no longer
     * matches its data, and the sha256 bank changes while sha1 does not */
    size_t at = fx->b.offs[7] - 3;     /* inside "/etc/b\0" */
    fx->b.p[at] ^= 0x20;
    struct replay_src src = src_of(fx);
    struct replay_opts o = { .banks = ALL_BANKS };
    struct replay_result r;
    char *err = NULL;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_int_equal(r.digest_mismatches, 1);
    assert_int_equal(r.first_mismatch, 6);
    assert_memory_equal(r.pcr[BANK_SHA1], fx->chain[NE][BANK_SHA1], 20);
    assert_memory_not_equal(r.pcr[BANK_SHA256], fx->chain[NE][BANK_SHA256], 32);
}

static void test_per_bank_list(void **state)
{
    /* binary_runtime_measurements_sha256: the digest field is the sha256
     * template hash; replaying it must give the classic list's sha256 value */
    struct fixture *fx = *state;
    struct lbuf pb = { 0 };
    struct replay_result r;
    char *err = NULL;
    struct replay_src src = src_of(fx);
    struct replay_opts o = { .banks = ALL_BANKS };
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    uint8_t want[32];
    memcpy(want, r.pcr[BANK_SHA256], 32);
    for (size_t i = 0; i < NE; i++) {
        if (i == 3)
            continue;                       /* rebuild ima-ng/sig entries only */
        size_t s = fx->b.offs[i], e = i + 1 < NE ? fx->b.offs[i + 1] : fx->b.n;
        lb_put(&pb, fx->b.p + s, 4);
        uint8_t d[32] = { 0 };
        if (!fx->violation[i])
            memcpy(d, fx->ext[i][BANK_SHA256], 32);
        lb_put(&pb, d, 32);
        lb_put(&pb, fx->b.p + s + 24, e - s - 24);
    }
    struct replay_src ps = { .p = pb.p, .n = pb.n, .digest_len = 32 };
    struct replay_opts po = { .banks = 1u << BANK_SHA256, .list_bank = BANK_SHA256 };
    assert_int_equal(replay_run(&ps, &po, &r, &err), 0);
    assert_int_equal(r.digest_mismatches, 0);
    /* same as the chain without entry 3 */
    uint8_t v[32] = { 0 }, cat[64];
    for (size_t i = 0; i < NE; i++) {
        if (i == 3 || fx->pcr[i] != 10)
            continue;
        memcpy(cat, v, 32);
        memcpy(cat + 32, fx->ext[i][BANK_SHA256], 32);
        md("sha256", cat, 64, v);
    }
    assert_memory_equal(r.pcr[BANK_SHA256], v, 32);
    assert_memory_not_equal(want, v, 32);   /* entry 3 mattered */
    /* a per-bank list read with the wrong bank is an error, not garbage */
    po.list_bank = BANK_SHA384;
    assert_int_equal(replay_run(&ps, &po, &r, &err), -1);
    assert_non_null(err);
    free(err);
    free(pb.p);
}

/* A test on a freshly built fixture (teardown frees it even after a failed assert). */
#define FX(t) cmocka_unit_test_setup_teardown(t, fx_setup, fx_teardown)

/* One entry of template tmpl whose data is the given fields (u32 length +
 * bytes each); its sha1 template digest computed here. */
static void add_fields(struct lbuf *b, const char *tmpl, const void *const *f,
                       const size_t *len, size_t nf, struct lbuf *data)
{
    uint8_t dig[20];
    for (size_t i = 0; i < nf; i++) {
        lb_le32(data, (uint32_t)len[i]);
        lb_put(data, f[i], len[i]);
    }
    md("sha1", data->p, data->n, dig);
    lb_le32(b, 10);
    lb_put(b, dig, 20);
    lb_le32(b, (uint32_t)strlen(tmpl));
    lb_put(b, tmpl, strlen(tmpl));
    lb_le32(b, (uint32_t)data->n);
    lb_put(b, data->p, data->n);
}

struct seen_sig { size_t n; char name[2][64]; size_t sig_len[2]; };

static int note_sig(const struct replay_step *s, void *ctx, char **err)
{
    (void)err;
    struct seen_sig *w = ctx;
    assert_true(w->n < 2);
    snprintf(w->name[w->n], 64, "%s", s->entry->file_name);
    w->sig_len[w->n++] = s->entry->sig_len;
    return 0;
}

/* ima-buf (d-ng|n-ng|buf) and ima-modsig (d-ng|n-ng|sig|d-modsig|modsig,
 * here with empty modsig fields): parsed, and every bank extended with its
 * hash of the template data. */
static void test_buf_and_modsig(void **state)
{
    (void)state;
    uint8_t fd[32], want[2][BANK_COUNT][64], pcr[BANK_COUNT][64] = { { 0 } };
    static const char dng[] = "sha256:";
    uint8_t d_ng[8 + 32];
    md("sha256", "kexec", 5, fd);
    memcpy(d_ng, dng, 8);
    memcpy(d_ng + 8, fd, 32);
    const void *buf_f[3] = { d_ng, "kexec-cmdline", "root=/dev/vda ro" };
    const size_t buf_l[3] = { 40, 14, 16 };
    const void *mod_f[5] = { d_ng, "/lib/modules/x.ko", "\x03\x02\x01", "", "" };
    const size_t mod_l[5] = { 40, 18, 3, 0, 0 };
    struct lbuf b = { 0 }, t0 = { 0 }, t1 = { 0 };
    add_fields(&b, "ima-buf", buf_f, buf_l, 3, &t0);
    add_fields(&b, "ima-modsig", mod_f, mod_l, 5, &t1);
    for (int k = 0; k < BANK_COUNT; k++) {
        md(bank_md[k], t0.p, t0.n, want[0][k]);
        md(bank_md[k], t1.p, t1.n, want[1][k]);
        for (int e = 0; e < 2; e++) {
            uint8_t cat[128];
            memcpy(cat, pcr[k], bank_len[k]);
            memcpy(cat + bank_len[k], want[e][k], bank_len[k]);
            md(bank_md[k], cat, 2 * bank_len[k], pcr[k]);
        }
    }
    struct seen_sig w = { 0 };
    struct replay_src src = { .p = b.p, .n = b.n };
    struct replay_opts o = { .banks = ALL_BANKS, .on_step = note_sig, .ctx = &w };
    struct replay_result r;
    char *err = NULL;
    assert_int_equal(replay_run(&src, &o, &r, &err), 0);
    assert_int_equal(r.extends, 2);
    assert_int_equal(r.digest_mismatches, 0);
    for (int k = 0; k < BANK_COUNT; k++)
        assert_memory_equal(r.pcr[k], pcr[k], bank_len[k]);
    assert_int_equal(w.n, 2);
    assert_string_equal(w.name[0], "kexec-cmdline");
    assert_string_equal(w.name[1], "/lib/modules/x.ko");
    assert_int_equal(w.sig_len[0], 0);
    assert_int_equal(w.sig_len[1], 3);
    free(b.p);
    free(t0.p);
    free(t1.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        FX(test_full_replay),
        cmocka_unit_test(test_violation_only),
        FX(test_prefix_and_steps),
        FX(test_compare_pcr),
        FX(test_compare_extends),
        FX(test_tampered_data),
        FX(test_per_bank_list),
        cmocka_unit_test(test_buf_and_modsig),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
