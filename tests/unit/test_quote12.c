/* TPM 1.2 quotes: a real guest's evidence (tests/data/quote12, a
 * baseline-tpm12 run) verifies, and each tampered piece (nonce, PCR value,
 * signature, key) makes it fail.  Nothing is a hard-coded digest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/fsutil.h"
#include "util/hex.h"
#include "util/textfile.h"
#include "verify/quote12.h"

static const char *const files[] = { "aik.der", "quote12.sig", "quote12.pcrs" };

struct t {
    char dir[64];
    uint8_t nonce[32];
    size_t nonce_len;
};

static void copy(const char *from, const char *to)
{
    FILE *i = fopen(from, "rb"), *o = fopen(to, "wb");
    char b[4096];
    size_t n;
    assert_non_null(i);
    assert_non_null(o);
    while ((n = fread(b, 1, sizeof(b), i)) > 0)
        assert_int_equal(fwrite(b, 1, n, o), n);
    fclose(i);
    fclose(o);
}

static void path(const struct t *t, const char *name, char *out, size_t n)
{
    snprintf(out, n, "%s/%s", t->dir, name);
}

static int setup(void **state)
{
    struct t *t = calloc(1, sizeof(*t));
    char from[256], to[256], *err = NULL;
    if (!t || private_dir_create("test_quote12", t->dir, sizeof(t->dir), NULL) < 0)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        snprintf(from, sizeof(from), "tests/data/quote12/%s", files[i]);
        path(t, files[i], to, sizeof(to));
        copy(from, to);
    }
    char *hex = text_file_read("tests/data/quote12/nonce", &err);
    if (!hex)
        return -1;
    hex[strcspn(hex, "\n")] = '\0';
    t->nonce_len = strlen(hex) / 2;
    if (hex_decode(hex, t->nonce, t->nonce_len) < 0)
        return -1;
    free(hex);
    *state = t;
    return 0;
}

static int teardown(void **state)
{
    struct t *t = *state;
    char p[256];
    for (size_t i = 0; i < 3; i++) {
        path(t, files[i], p, sizeof(p));
        remove(p);
    }
    rmdir(t->dir);
    free(t);
    return 0;
}

/* Flip one byte of a file at offset off (from the end when negative). */
static void flip(const struct t *t, const char *name, long off)
{
    char p[256];
    path(t, name, p, sizeof(p));
    FILE *f = fopen(p, "r+b");
    assert_non_null(f);
    assert_int_equal(fseek(f, off, off < 0 ? SEEK_END : SEEK_SET), 0);
    int c = fgetc(f);
    assert_int_equal(fseek(f, -1, SEEK_CUR), 0);
    fputc(c == '0' ? '1' : c ^ 0x01, f);
    fclose(f);
}

static bool check(const struct t *t, int want_rc, const char *want_err)
{
    struct quote12_check c;
    char *err = NULL;
    int rc = quote12_check_dir(t->dir, t->nonce, t->nonce_len, &c, &err);
    assert_int_equal(rc, want_rc);
    if (want_err) {
        assert_non_null(err);
        if (!strstr(err, want_err))
            fail_msg("'%s' not in '%s'", want_err, err);
    }
    free(err);
    return rc == 0 && c.sig_valid;
}

static void test_real_quote_verifies(void **state)
{
    struct t *t = *state;
    struct quote12_check c;
    char *err = NULL, p[256];
    uint8_t want[QUOTE12_DIGEST];
    assert_int_equal(quote12_check_dir(t->dir, t->nonce, t->nonce_len, &c,
                                       &err), 0);
    assert_true(c.sig_valid);
    path(t, "quote12.pcrs", p, sizeof(p));
    char *text = text_file_read(p, &err);
    assert_non_null(text);
    text[3 + 2 * QUOTE12_DIGEST] = '\0';   /* "10=" HEX "\n" */
    assert_int_equal(hex_decode(text + 3, want, sizeof(want)), 0);
    assert_memory_equal(c.pcr10, want, sizeof(want));
    free(text);
}

static void test_other_nonce_fails(void **state)
{
    struct t *t = *state;
    t->nonce[0] ^= 1;
    assert_false(check(t, 0, NULL));
}

static void test_other_pcr_fails(void **state)
{
    struct t *t = *state;
    flip(t, "quote12.pcrs", 3);          /* the first hex digit */
    assert_false(check(t, 0, NULL));
}

static void test_other_signature_fails(void **state)
{
    struct t *t = *state;
    flip(t, "quote12.sig", -1);
    assert_false(check(t, 0, NULL));
}

static void test_other_key_fails(void **state)
{
    struct t *t = *state;
    flip(t, "aik.der", -1);               /* the modulus' last byte */
    assert_false(check(t, 0, NULL));
}

static void test_malformed_files(void **state)
{
    struct t *t = *state;
    char p[256];
    path(t, "quote12.pcrs", p, sizeof(p));
    FILE *f = fopen(p, "w");
    fputs("10=XYZ\n", f);
    fclose(f);
    check(t, -1, "quote12.pcrs:1:");
    f = fopen(p, "w");
    fclose(f);
    check(t, -1, "no PCR 10 value");
    path(t, "aik.der", p, sizeof(p));
    assert_int_equal(truncate(p, 100), 0);
    copy("tests/data/quote12/quote12.pcrs", (path(t, "quote12.pcrs", p,
                                                  sizeof(p)), p));
    check(t, -1, "aik.der");
    path(t, "quote12.sig", p, sizeof(p));
    remove(p);
    check(t, -1, "quote12.sig");
}

static void test_info_layout(void **state)
{
    (void)state;
    uint8_t ext[QUOTE12_DIGEST], pcr[QUOTE12_DIGEST], info[QUOTE12_INFO_LEN];
    static const uint8_t sel[] = { 0, 3, 0, 0x04, 0, 1 };   /* PCR 10, loc 0 */
    memset(ext, 0xee, sizeof(ext));
    memset(pcr, 0x11, sizeof(pcr));
    quote12_info(ext, pcr, info);
    assert_int_equal(info[0], 0x00);
    assert_int_equal(info[1], 0x36);              /* TPM_TAG_QUOTE_INFO2 */
    assert_memory_equal(info + 2, "QUT2", 4);
    assert_memory_equal(info + 6, ext, sizeof(ext));
    assert_memory_equal(info + 26, sel, sizeof(sel));
    /* digestAtRelease depends on the PCR value */
    uint8_t other[QUOTE12_INFO_LEN];
    pcr[0] ^= 1;
    quote12_info(ext, pcr, other);
    assert_memory_equal(info, other, 32);
    assert_memory_not_equal(info + 32, other + 32, QUOTE12_DIGEST);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_real_quote_verifies, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_nonce_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_pcr_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_signature_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_key_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_malformed_files, setup, teardown),
        cmocka_unit_test(test_info_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
