/* Unit tests of the IMA binary measurement list parser: lists of each
 * template built here with OpenSSL digests, every truncation, corrupt
 * lengths, and error messages that name the offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "ima_build.h"
#include "verify/imalist.h"

struct seen {
    size_t n;
    struct {
        uint64_t index, offset;
        uint32_t pcr;
        char tmpl[32], name[300], alg[32];
        uint8_t digest[20], fdig[64], sig[64];
        size_t fdlen, siglen, data_len;
        int violation;
    } e[16];
    size_t stop_after;     /* 0: never stop */
};

static int collect(const struct ima_entry *e, void *ctx, char **err)
{
    (void)err;
    struct seen *s = ctx;
    assert_true(s->n < 16);
    assert_int_equal(e->index, s->n);
    s->e[s->n].index = e->index;
    s->e[s->n].offset = e->offset;
    s->e[s->n].pcr = e->pcr;
    snprintf(s->e[s->n].tmpl, 32, "%s", e->tmpl_name);
    snprintf(s->e[s->n].name, 300, "%s", e->file_name);
    snprintf(s->e[s->n].alg, 32, "%s", e->file_alg);
    assert_int_equal(e->digest_len, 20);
    memcpy(s->e[s->n].digest, e->digest, 20);
    assert_true(e->file_digest_len <= 64 && e->sig_len <= 64);
    if (e->file_digest_len)
        memcpy(s->e[s->n].fdig, e->file_digest, e->file_digest_len);
    s->e[s->n].fdlen = e->file_digest_len;
    if (e->sig_len)
        memcpy(s->e[s->n].sig, e->sig, e->sig_len);
    s->e[s->n].siglen = e->sig_len;
    s->e[s->n].data_len = e->data_len;
    s->e[s->n].violation = e->violation;
    s->n++;
    return s->stop_after && s->n == s->stop_after ? 1 : 0;
}

/* A list with one entry of each template, plus a violation, and the file
 * digests it holds. */
struct mixed {
    struct lbuf b;
    uint8_t fd256[32], fd1[20];
};

static void build_mixed(struct mixed *m)
{
    struct lbuf *b = &m->b;
    uint8_t ba[20], sig[5] = { 3, 2, 0, 0, 9 };
    md("sha1", "pcrs0-7", 7, ba);
    md("sha256", "/etc/passwd contents", 20, m->fd256);
    md("sha1", "/bin/sh contents", 16, m->fd1);
    add_ng(b, 10, "ima-ng", "sha1", ba, 20, "boot_aggregate", NULL, 0, 0);
    add_ng(b, 10, "ima-ng", "sha256", m->fd256, 32, "/etc/passwd", NULL, 0, 0);
    add_ng(b, 10, "ima-sig", "sha256", m->fd256, 32, "/usr/bin/signed", sig, 5, 0);
    add_ng(b, 10, "ima-sig", "sha256", m->fd256, 32, "/usr/bin/unsigned", NULL, 0, 0);
    add_ima(b, m->fd1, "/bin/sh", 0);
    uint8_t zero[20] = { 0 };
    add_ng(b, 10, "ima-ng", "sha256", zero, 20, "/tmp/violated", NULL, 0, 1);
    add_ng(b, 11, "ima-ng", "sha256", m->fd256, 32, "/other/pcr", NULL, 0, 0);
}

static int mixed_setup(void **state)
{
    struct mixed *m = calloc(1, sizeof *m);
    if (!m)
        return -1;
    build_mixed(m);
    *state = m;
    return 0;
}

static int mixed_teardown(void **state)
{
    struct mixed *m = *state;
    free(m->b.p);
    free(m);
    return 0;
}

static void check_mixed(const struct seen *s, const struct mixed *m)
{
    const struct lbuf *b = &m->b;
    assert_int_equal(s->n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(s->e[i].offset, b->offs[i]);
        /* the template digest in the list is what the builder put there */
        assert_memory_equal(s->e[i].digest, b->p + b->offs[i] + 4, 20);
    }
    assert_string_equal(s->e[0].name, "boot_aggregate");
    assert_string_equal(s->e[0].alg, "sha1");
    assert_string_equal(s->e[1].tmpl, "ima-ng");
    assert_string_equal(s->e[1].name, "/etc/passwd");
    assert_string_equal(s->e[1].alg, "sha256");
    assert_int_equal(s->e[1].fdlen, 32);
    assert_memory_equal(s->e[1].fdig, m->fd256, 32);
    assert_string_equal(s->e[2].tmpl, "ima-sig");
    assert_int_equal(s->e[2].siglen, 5);
    assert_int_equal(s->e[2].sig[4], 9);
    assert_int_equal(s->e[3].siglen, 0);
    assert_string_equal(s->e[3].name, "/usr/bin/unsigned");
    assert_string_equal(s->e[4].tmpl, "ima");
    assert_string_equal(s->e[4].name, "/bin/sh");
    assert_string_equal(s->e[4].alg, "sha1");
    assert_memory_equal(s->e[4].fdig, m->fd1, 20);
    assert_int_equal(s->e[4].data_len, 20 + 4 + strlen("/bin/sh"));
    assert_false(s->e[4].violation);
    assert_true(s->e[5].violation);
    assert_int_equal(s->e[5].fdlen, 20);   /* a violation's d-ng holds 20 zeros */
    assert_int_equal(s->e[6].pcr, 11);
}

static void test_good_buf(void **state)
{
    struct mixed *m = *state;
    struct seen s = { 0 };
    char *err = NULL;
    assert_int_equal(imalist_parse_buf(m->b.p, m->b.n, 0, collect, &s, &err), 0);
    assert_null(err);
    check_mixed(&s, m);
}

static void test_good_file_and_stop(void **state)
{
    struct mixed *m = *state;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_int_equal(fwrite(m->b.p, 1, m->b.n, f), m->b.n);
    rewind(f);
    struct seen s = { 0 };
    char *err = NULL;
    assert_int_equal(imalist_parse_file(f, 20, collect, &s, &err), 0);
    check_mixed(&s, m);
    rewind(f);
    struct seen s2 = { .stop_after = 3 };
    assert_int_equal(imalist_parse_file(f, 20, collect, &s2, &err), 0);
    assert_int_equal(s2.n, 3);
    fclose(f);
}

static uint64_t err_offset(const char *err)
{
    const char *p = strstr(err, "offset ");
    assert_non_null(p);
    return strtoull(p + 7, NULL, 10);
}

/* Cut the list at every byte: whole-entry prefixes parse, every other
 * cut fails with an offset inside the cut entry. */
static void test_truncated_everywhere(void **state)
{
    struct mixed *m = *state;
    for (size_t cut = 0; cut < m->b.n; cut++) {
        size_t whole = 0;
        while (whole < m->b.count && m->b.offs[whole] < cut)
            whole++;
        int boundary = whole == m->b.count ? 0 : m->b.offs[whole] == cut;
        if (cut == 0)
            boundary = 1;
        struct seen s = { 0 };
        char *err = NULL;
        int rc = imalist_parse_buf(m->b.p, cut, 0, collect, &s, &err);
        if (boundary) {
            assert_int_equal(rc, 0);
            assert_null(err);
            assert_int_equal(s.n, whole);
        } else {
            assert_int_equal(rc, -1);
            assert_non_null(err);
            uint64_t off = err_offset(err);
            assert_true(off >= m->b.offs[whole - 1] && off <= cut);
            assert_int_equal(s.n, whole - 1);
            free(err);
        }
    }
}

static void put_le32_at(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void test_corrupt_lengths(void **state)
{
    (void)state;
    struct lbuf b = { 0 };
    uint8_t fd[32];
    md("sha256", "x", 1, fd);
    add_ng(&b, 10, "ima-ng", "sha256", fd, 32, "/a", NULL, 0, 0);
    add_ng(&b, 10, "ima-ng", "sha256", fd, 32, "/b", NULL, 0, 0);
    size_t e1 = b.offs[1], dl = e1 + 4 + 20 + 4 + 6;   /* data length field */
    char *err = NULL;
    struct seen s = { 0 };

    /* one byte more than is there */
    uint32_t real = (uint32_t)(b.n - dl - 4);
    put_le32_at(b.p + dl, real + 1);
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    char want[128];
    snprintf(want, sizeof want, "offset %zu (entry 1): template data length %u "
             "exceeds the %u bytes left", dl, real + 1, real);
    assert_string_equal(err, want);
    free(err), err = NULL;

    /* absurd length: rejected before any read */
    put_le32_at(b.p + dl, 0x7fffffff);
    s.n = 0;
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "exceeds the maximum"));
    assert_int_equal(err_offset(err), dl);
    free(err), err = NULL;

    /* a field length inside the data that overruns the data */
    put_le32_at(b.p + dl, real);
    put_le32_at(b.p + dl + 4, real);
    s.n = 0;
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "field 0 length"));
    assert_int_equal(err_offset(err), dl + 4);
    free(err);
    free(b.p);
}

static void test_name_bounds(void **state)
{
    (void)state;
    struct lbuf b = { 0 };
    uint8_t fd[32];
    md("sha256", "x", 1, fd);
    add_ng(&b, 10, "ima-ng", "sha256", fd, 32, "/a", NULL, 0, 0);
    size_t nl = 4 + 20;
    char *err = NULL;
    struct seen s = { 0 };
    put_le32_at(b.p + nl, 256);
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    assert_string_equal(err, "offset 24 (entry 0): template name length 256 is not in 1..255");
    free(err), err = NULL;
    put_le32_at(b.p + nl, 0);
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    assert_int_equal(err_offset(err), 24);
    free(err);
    free(b.p);

    /* "ima" template: file name longer than the kernel's 255 */
    struct lbuf c = { 0 };
    add_ima(&c, fd, "/x", 0);
    put_le32_at(c.p + 4 + 20 + 4 + 3 + 20, 300);
    err = NULL;
    assert_int_equal(imalist_parse_buf(c.p, c.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "file name length 300 exceeds 255"));
    assert_int_equal(err_offset(err), 4 + 20 + 4 + 3 + 20);
    free(err);
    free(c.p);
}

static void test_bad_fields(void **state)
{
    (void)state;
    struct lbuf b = { 0 };
    uint8_t fd[32];
    md("sha256", "x", 1, fd);
    add_ng(&b, 10, "ima-ng", "sha256", fd, 32, "/a", NULL, 0, 0);
    size_t dng = 4 + 20 + 4 + 6 + 4 + 4;      /* first byte of d-ng */
    char *err = NULL;
    struct seen s = { 0 };
    b.p[dng + 6] = '=';                      /* "sha256=\0..." */
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "d-ng"));
    assert_int_equal(err_offset(err), dng);
    free(err), err = NULL;
    b.p[dng + 6] = ':';
    b.p[b.n - 1] = 'x';                      /* n-ng loses its NUL */
    assert_int_equal(imalist_parse_buf(b.p, b.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "n-ng"));
    free(err);
    free(b.p);

    /* an unknown template name: fields tiled but not interpreted */
    struct lbuf c = { 0 };
    add_ng(&c, 10, "ima-ng", "sha256", fd, 32, "/a", NULL, 0, 0);
    memcpy(c.p + 4 + 20 + 4, "my-tpl", 6);
    err = NULL;
    s.n = 0;
    assert_int_equal(imalist_parse_buf(c.p, c.n, 0, collect, &s, &err), 0);
    assert_string_equal(s.e[0].tmpl, "my-tpl");
    assert_string_equal(s.e[0].name, "");
    /* ...but "ima-sig" with the two fields of ima-ng is an error */
    struct lbuf d = { 0 };
    struct lbuf t = { 0 };
    ng_data(&t, "sha256", fd, 32, "/a", NULL, 0, 0);
    lb_le32(&d, 10);
    lb_put(&d, fd, 20);
    lb_le32(&d, 7);
    lb_put(&d, "ima-sig", 7);
    lb_le32(&d, (uint32_t)t.n);
    lb_put(&d, t.p, t.n);
    assert_int_equal(imalist_parse_buf(d.p, d.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "has 2 fields, expected 3"));
    free(err);
    free(t.p);
    free(d.p);
    free(c.p);
}

static int v2_calls;

static int check_v2(const struct ima_entry *e, void *ctx, char **err)
{
    (void)err;
    v2_calls++;
    assert_string_equal(e->tmpl_name, "ima-sigv2");
    assert_int_equal(e->tmpl, IMA_TMPL_SIGV2);
    assert_string_equal(e->digest_type, "verity");
    assert_string_equal(e->file_alg, "sha256");
    assert_int_equal(e->file_digest_len, 32);
    assert_memory_equal(e->file_digest, ctx, 32);
    assert_string_equal(e->file_name, "/v");
    assert_int_equal(e->sig_len, 2);
    return 0;
}

/* ima-ngv2 / ima-sigv2 (5.19+): d-ngv2 is "<type>:<alg>:\0<digest>". */
static void test_dngv2(void **state)
{
    (void)state;
    struct lbuf b = { 0 }, c = { 0 };
    uint8_t fd[32];
    char *err = NULL;
    md("sha256", "v", 1, fd);
    add_ng(&b, 10, "ima-sig", "verity:sha256", fd, 32, "/v",
           (const uint8_t *)"\x03\x02", 2, 0);
    memcpy(b.p + 4 + 20, "\x09\0\0\0", 4);            /* name length 9 */
    struct lbuf v = { 0 };                                  /* rename the template */
    lb_put(&v, b.p, 28);
    lb_put(&v, "ima-sigv2", 9);
    lb_put(&v, b.p + 28 + 7, b.n - 28 - 7);
    v2_calls = 0;
    assert_int_equal(imalist_parse_buf(v.p, v.n, 0, check_v2, fd, &err), 0);
    assert_null(err);
    assert_int_equal(v2_calls, 1);
    /* an ima-ngv2 d-ngv2 field without its type is malformed */
    add_ng(&c, 10, "ima-ngv2", "sha256", fd, 32, "/v", NULL, 0, 0);
    struct seen s = { 0 };
    assert_int_equal(imalist_parse_buf(c.p, c.n, 0, collect, &s, &err), -1);
    assert_non_null(strstr(err, "d-ngv2 field is not"));
    free(err);
    free(b.p);
    free(c.p);
    free(v.p);
}

static int check32(const struct ima_entry *e, void *ctx, char **err)
{
    (void)err;
    assert_int_equal(e->digest_len, 32);
    assert_memory_equal(e->digest, ctx, 32);
    assert_string_equal(e->file_name, "/f");
    return 0;
}

static void test_per_bank_digest(void **state)
{
    (void)state;
    /* binary_runtime_measurements_sha256 (6.10+): a 32-byte digest field */
    struct lbuf b = { 0 };
    uint8_t dig[32];
    md("sha256", "template", 8, dig);
    lb_le32(&b, 10);
    lb_put(&b, dig, 32);
    lb_le32(&b, 6);
    lb_put(&b, "ima-ng", 6);
    struct lbuf t = { 0 };
    ng_data(&t, "sha256", dig, 32, "/f", NULL, 0, 0);
    lb_le32(&b, (uint32_t)t.n);
    lb_put(&b, t.p, t.n);
    struct seen s = { 0 };
    char *err = NULL;
    /* read as a 20-byte list it is garbage and must fail, not crash */
    assert_int_equal(imalist_parse_buf(b.p, b.n, 20, collect, &s, &err), -1);
    assert_non_null(err);
    free(err), err = NULL;
    assert_int_equal(imalist_parse_buf(b.p, b.n, 32, check32, dig, &err), 0);
    assert_null(err);
    free(t.p);
    free(b.p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_good_buf, mixed_setup,
                                        mixed_teardown),
        cmocka_unit_test_setup_teardown(test_good_file_and_stop, mixed_setup,
                                        mixed_teardown),
        cmocka_unit_test_setup_teardown(test_truncated_everywhere, mixed_setup,
                                        mixed_teardown),
        cmocka_unit_test(test_corrupt_lengths),
        cmocka_unit_test(test_name_bounds),
        cmocka_unit_test(test_bad_fields),
        cmocka_unit_test(test_per_bank_digest),
        cmocka_unit_test(test_dngv2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
