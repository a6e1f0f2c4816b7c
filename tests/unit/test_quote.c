/* Unit tests of the quote parser and checks, on golden files made by a
 * real swtpm + tpm2-tools (tests/data/make-quote.sh), once per AK signing
 * scheme (RSASSA as the guest agent, RSA-PSS, ECDSA): nothing here is a
 * hard-coded digest; the expected PCR 10 values come from the
 * tpm2_pcrread output saved next to each quote. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "util/hex.h"
#include "verify/quote.h"

struct gold {
    uint8_t *f[4];                 /* msg, sig, pcrs, pem */
    size_t n[4];
    uint8_t nonce[64];
    size_t nonce_len;
    uint8_t pcr1[20], pcr256[32];  /* from pcr10.txt (tpm2_pcrread) */
};

/* The golden set of the group being run, and its signing scheme. */
static const char *gold_dir = "tests/data/quote";
static uint16_t gold_scheme = TPM2_ALG_RSASSA;

static const char *dir(void)
{
    const char *d = getenv("TPMFAULT_QUOTE_DIR");
    return d ? d : gold_dir;
}

static uint8_t *slurp(const char *name, size_t *n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir(), name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t *b = malloc(65536);
    *n = fread(b, 1, 65536, f);
    fclose(f);
    return b;
}

/* "  sha1:\n    10: 0xHEX" — take the 10: line after each bank name. */
static void read_pcr10(struct gold *g)
{
    size_t n;
    char *t = (char *)slurp("pcr10.txt", &n);
    t[n] = '\0';
    char *s1 = strstr(t, "sha1:"), *s2 = strstr(t, "sha256:");
    assert_non_null(s1);
    assert_non_null(s2);
    char *v1 = strstr(s1, "10: 0x"), *v2 = strstr(s2, "10: 0x");
    assert_non_null(v1);
    assert_non_null(v2);
    char h1[41], h2[65];
    memcpy(h1, v1 + 6, 40), h1[40] = 0;
    memcpy(h2, v2 + 6, 64), h2[64] = 0;
    assert_int_equal(hex_decode(h1, g->pcr1, 20), 0);
    assert_int_equal(hex_decode(h2, g->pcr256, 32), 0);
    free(t);
}

static int setup(void **state)
{
    static const char *names[4] = { "quote.msg", "quote.sig", "quote.pcrs", "ak.pem" };
    struct gold *g = calloc(1, sizeof *g);
    for (int i = 0; i < 4; i++)
        g->f[i] = slurp(names[i], &g->n[i]);
    size_t n;
    char *h = (char *)slurp("nonce.hex", &n);
    while (n && (h[n - 1] == '\n' || h[n - 1] == '\r'))
        n--;
    h[n] = '\0';
    g->nonce_len = n / 2;
    assert_int_equal(hex_decode(h, g->nonce, g->nonce_len), 0);
    free(h);
    read_pcr10(g);
    *state = g;
    return 0;
}

static int teardown(void **state)
{
    struct gold *g = *state;
    for (int i = 0; i < 4; i++)
        free(g->f[i]);
    free(g);
    return 0;
}

static struct quote_in in_of(const struct gold *g)
{
    return (struct quote_in){ g->f[0], g->n[0], g->f[1], g->n[1], g->f[2], g->n[2],
                              (const char *)g->f[3], g->n[3], g->nonce, g->nonce_len,
                              (1u << BANK_SHA1) | (1u << BANK_SHA256), 10 };
}

static void test_golden_ok(void **state)
{
    struct gold *g = *state;
    struct quote_in in = in_of(g);
    struct quote_check c;
    char *err = NULL;
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_null(err);
    assert_true(c.sig_valid);
    assert_true(c.type_ok);
    assert_true(c.nonce_ok);
    assert_true(c.selection_ok);
    assert_true(c.pcrs_sel_ok);
    assert_true(c.digest_ok);
    assert_true(quote_check_ok(&c));
    assert_true(c.have_pcr[BANK_SHA1] && c.have_pcr[BANK_SHA256]);
    assert_memory_equal(c.pcr[BANK_SHA1], g->pcr1, 20);
    assert_memory_equal(c.pcr[BANK_SHA256], g->pcr256, 32);
    assert_int_equal(c.sig.sigAlg, gold_scheme);
    assert_int_equal(quote_sig_hash(&c.sig), TPM_ALG_SHA256);
    const TPML_PCR_SELECTION *sel = quote_selection(&c.attest);
    assert_int_equal(sel->count, 2);
    assert_int_equal(sel->pcrSelections[0].hash, TPM_ALG_SHA1);
    assert_int_equal(sel->pcrSelections[1].hash, TPM_ALG_SHA256);
    assert_int_equal(sel->pcrSelections[0].pcrSelect[1], 1 << 2);  /* PCR 10 */
    assert_int_equal(c.attest.extraData.size, g->nonce_len);
    assert_memory_equal(c.attest.extraData.buffer, g->nonce, g->nonce_len);
    /* the pcrDigest recomputed here from tpm2_pcrread's values */
    uint8_t cat[52], d[32];
    unsigned int dl;
    memcpy(cat, g->pcr1, 20);
    memcpy(cat + 20, g->pcr256, 32);
    assert_true(EVP_Digest(cat, sizeof cat, d, &dl, EVP_sha256(), NULL));
    const TPM2B_DIGEST *pd = &c.attest.attested.quote.pcrDigest;
    assert_int_equal(pd->size, 32);
    assert_memory_equal(pd->buffer, d, 32);

    /* the same through the file reader */
    char p[4][512];
    const char *names[4] = { "quote.msg", "quote.sig", "quote.pcrs", "ak.pem" };
    for (int i = 0; i < 4; i++)
        snprintf(p[i], sizeof p[i], "%s/%s", dir(), names[i]);
    struct quote_check c2;
    assert_int_equal(quote_check_files(p[0], p[1], p[2], p[3], g->nonce, g->nonce_len,
                                       (1u << BANK_SHA1) | (1u << BANK_SHA256), &c2, &err), 0);
    assert_true(quote_check_ok(&c2));
    assert_int_equal(quote_check_files("/nonexistent/q", p[1], p[2], p[3], g->nonce,
                                       g->nonce_len, 1, &c2, &err), -1);
    assert_non_null(strstr(err, "/nonexistent/q"));
    free(err);
}

/* Flip each bit of a file: the quote must never pass. */
static void flip_all(struct gold *g, int which)
{
    for (size_t bit = 0; bit < g->n[which] * 8; bit++) {
        g->f[which][bit / 8] ^= (uint8_t)(1u << (bit % 8));
        struct quote_in in = in_of(g);
        struct quote_check c;
        char *err = NULL;
        int rc = quote_check(&in, &c, &err);
        if (rc == 0)
            assert_false(c.sig_valid);
        else
            assert_non_null(err);
        free(err);
        g->f[which][bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
}

static void test_flipped_msg(void **state) { flip_all(*state, 0); }
static void test_flipped_sig(void **state) { flip_all(*state, 1); }

static void test_wrong_nonce_and_banks(void **state)
{
    struct gold *g = *state;
    struct quote_in in = in_of(g);
    uint8_t other[64];
    memcpy(other, g->nonce, g->nonce_len);
    other[0] ^= 1;
    in.nonce = other;
    struct quote_check c;
    char *err = NULL;
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_true(c.sig_valid);
    assert_false(c.nonce_ok);
    assert_false(quote_check_ok(&c));
    in.nonce_len--;                 /* a prefix of the nonce is not the nonce */
    in.nonce = g->nonce;
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_false(c.nonce_ok);
    in = in_of(g);
    in.banks |= 1u << BANK_SHA384;  /* we wanted a bank that was not quoted */
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_false(c.selection_ok);
    in = in_of(g);
    in.pcr = 11;                    /* PCR 11 was not quoted */
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_false(c.selection_ok);
    assert_false(c.have_pcr[BANK_SHA1]);
}

/* Flip every byte of quote.pcrs after the selection: a byte of the PCR 10
 * values must break the digest check (the signature still holds); any
 * other byte may break parsing or the digest, but a digest that still
 * matches must come with the real values (padding does not matter). */
static void test_wrong_pcr_value(void **state)
{
    struct gold *g = *state;
    uint8_t *at1 = memmem(g->f[2], g->n[2], g->pcr1, 20);
    uint8_t *at256 = memmem(g->f[2], g->n[2], g->pcr256, 32);
    assert_non_null(at1);
    assert_non_null(at256);
    for (size_t i = 132; i < g->n[2]; i++) {
        uint8_t *b = g->f[2] + i;
        int value = (b >= at1 && b < at1 + 20) || (b >= at256 && b < at256 + 32);
        *b ^= 0x40;
        struct quote_in in = in_of(g);
        struct quote_check c;
        char *err = NULL;
        int rc = quote_check(&in, &c, &err);
        if (value) {
            assert_int_equal(rc, 0);
            assert_true(c.sig_valid);
            assert_false(c.digest_ok);
        } else if (rc != 0) {
            assert_non_null(err);
        } else if (c.digest_ok) {
            assert_memory_equal(c.pcr[BANK_SHA1], g->pcr1, 20);
            assert_memory_equal(c.pcr[BANK_SHA256], g->pcr256, 32);
        }
        free(err);
        *b ^= 0x40;
    }
}

static void test_values_format(void **state)
{
    struct gold *g = *state;
    uint8_t vals[52];
    memcpy(vals, g->pcr1, 20);
    memcpy(vals + 20, g->pcr256, 32);
    struct quote_in in = in_of(g);
    in.pcrs = vals;
    in.pcrs_len = sizeof vals;
    struct quote_check c;
    char *err = NULL;
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_true(quote_check_ok(&c));
    assert_memory_equal(c.pcr[BANK_SHA256], g->pcr256, 32);
    /* without a selection the values format cannot be read */
    struct quote_pcrs v;
    assert_int_equal(quote_parse_pcrs(vals, sizeof vals, NULL, &v, &err), -1);
    free(err);
}

static void test_truncated(void **state)
{
    struct gold *g = *state;
    for (int which = 0; which < 4; which++) {
        size_t full = g->n[which];
        for (size_t n = 0; n < full; n++) {
            /* a fresh exact-size copy so ASan sees any over-read */
            uint8_t *cut = malloc(n ? n : 1);
            memcpy(cut, g->f[which], n);
            uint8_t *keep = g->f[which];
            g->f[which] = cut;
            g->n[which] = n;
            struct quote_in in = in_of(g);
            struct quote_check c;
            char *err = NULL;
            int rc = quote_check(&in, &c, &err);
            /* a PEM without its final newline is still the whole key */
            int whole = which == 3 && n == full - 1 && keep[n] == '\n';
            if (rc == 0 && !whole)
                assert_false(quote_check_ok(&c));
            else if (rc != 0)
                assert_non_null(err);
            free(err);
            free(cut);
            g->f[which] = keep;
            g->n[which] = full;
        }
    }
    /* the messages name the offset and the field */
    TPMS_ATTEST a;
    char *err = NULL;
    assert_int_equal(quote_parse_attest(g->f[0], 40, &a, &err), -1);
    assert_non_null(strstr(err, "quote.msg offset"));
    assert_non_null(strstr(err, "truncated"));
    free(err);
    err = NULL;
    TPMT_SIGNATURE sig;
    assert_int_equal(quote_parse_sig(g->f[1], 3, &sig, &err), -1);
    assert_non_null(strstr(err, "quote.sig offset 2: signature truncated"));
    free(err);
}

static void test_wrong_key(void **state)
{
    struct gold *g = *state;
    EVP_PKEY *k = EVP_RSA_gen(2048);
    assert_non_null(k);
    BIO *bio = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_PUBKEY(bio, k));
    char *pem;
    long n = BIO_get_mem_data(bio, &pem);
    struct quote_in in = in_of(g);
    in.pem = pem;
    in.pem_len = (size_t)n;
    struct quote_check c;
    char *err = NULL;
    assert_int_equal(quote_check(&in, &c, &err), 0);
    assert_false(c.sig_valid);
    assert_true(c.digest_ok && c.nonce_ok);
    in.pem = "not a key";
    in.pem_len = 9;
    assert_int_equal(quote_check(&in, &c, &err), -1);
    assert_non_null(strstr(err, "ak.pem"));
    free(err);
    BIO_free(bio);
    EVP_PKEY_free(k);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_ok),
        cmocka_unit_test(test_flipped_msg),
        cmocka_unit_test(test_flipped_sig),
        cmocka_unit_test(test_wrong_nonce_and_banks),
        cmocka_unit_test(test_wrong_pcr_value),
        cmocka_unit_test(test_values_format),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_wrong_key),
    };
    static const struct { const char *name, *dir; uint16_t scheme; } sets[] = {
        { "quote_rsassa", "tests/data/quote", TPM2_ALG_RSASSA },
        { "quote_rsapss", "tests/data/quote-rsapss", TPM2_ALG_RSAPSS },
        { "quote_ecdsa", "tests/data/quote-ecdsa", TPM2_ALG_ECDSA },
    };
    int failed = 0;
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        gold_dir = sets[i].dir;
        gold_scheme = sets[i].scheme;
        failed += _cmocka_run_group_tests(sets[i].name, tests,
                                          sizeof tests / sizeof tests[0],
                                          setup, teardown);
    }
    return failed;
}
