/* Unit tests of boot_aggregate: PCR files in tpm2_pcrread's and the sysfs /
 * evmctl format, and the aggregate against hashes computed here with
 * OpenSSL's EVP (sha1 over PCRs 0-7, other banks over PCRs 0-9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "ima_build.h"
#include "verify/boot_aggregate.h"

/* PCR i of bank b: a value derived from (b, i), any will do. */
static void pcr_value(int b, int i, uint8_t *out, size_t n)
{
    for (size_t k = 0; k < n; k++)
        out[k] = (uint8_t)(0x11 * (b + 1) + 7 * i + k);
}

static void hexline(FILE *f, const char *fmt, int i, const uint8_t *v, size_t n,
                    int spaced)
{
    fprintf(f, fmt, i);
    for (size_t k = 0; k < n; k++)
        fprintf(f, spaced ? " %02X" : "%02X", v[k]);
    fputc('\n', f);
}

/* tpm2_pcrread output for sha1 and sha256, PCRs 0-23. */
static FILE *pcrread_file(void)
{
    FILE *f = tmpfile();
    uint8_t v[32];
    assert_non_null(f);
    const char *banks[2] = { "sha1", "sha256" };
    const size_t len[2] = { 20, 32 };
    for (int b = 0; b < 2; b++) {
        fprintf(f, "  %s:\n", banks[b]);
        for (int i = 0; i < 24; i++) {
            pcr_value(b, i, v, len[b]);
            hexline(f, i < 10 ? "    %d  : 0x" : "    %d : 0x", i, v, len[b], 0);
        }
    }
    rewind(f);
    return f;
}

static void expected(int b, const char *alg, size_t n, int pcrs, uint8_t *out)
{
    uint8_t cat[10 * 32];
    for (int i = 0; i < pcrs; i++)
        pcr_value(b, i, cat + i * n, n);
    md(alg, cat, (size_t)pcrs * n, out);
}

static void test_pcrread_format(void **state)
{
    (void)state;
    struct boot_pcrs p;
    uint8_t got[64], want[64];
    char *err = NULL;
    FILE *f = pcrread_file();
    memset(&p, 0, sizeof p);
    assert_int_equal(boot_pcrs_read(f, "pcrs.txt", &p, &err), 0);
    fclose(f);
    assert_null(err);
    assert_int_equal(p.have[BANK_SHA1], 0x3ff);
    assert_int_equal(p.have[BANK_SHA256], 0x3ff);
    assert_int_equal(p.have[BANK_SHA384], 0);
    assert_int_equal(boot_aggregate_calc(&p, BANK_SHA1, got, &err), 0);
    expected(0, "sha1", 20, 8, want);
    assert_memory_equal(got, want, 20);
    assert_int_equal(boot_aggregate_calc(&p, BANK_SHA256, got, &err), 0);
    expected(1, "sha256", 32, 10, want);
    assert_memory_equal(got, want, 32);
    /* no sha384 values: not computed, and the message says which */
    assert_int_equal(boot_aggregate_calc(&p, BANK_SHA384, got, &err), -1);
    assert_non_null(strstr(err, "sha384 values of PCRs 0-9"));
    free(err);
}

/* The TPM 1.2 sysfs file: "PCR-00: 3A 3F ..." with spaces, sha1, 0-7 only. */
static void test_sysfs_format(void **state)
{
    (void)state;
    struct boot_pcrs p;
    uint8_t v[20], got[20], want[20];
    char *err = NULL;
    FILE *f = tmpfile();
    assert_non_null(f);
    for (int i = 0; i < 8; i++) {
        pcr_value(0, i, v, 20);
        hexline(f, "PCR-%02d:", i, v, 20, 1);
    }
    rewind(f);
    memset(&p, 0, sizeof p);
    assert_int_equal(boot_pcrs_read(f, "pcrs", &p, &err), 0);
    fclose(f);
    assert_true(boot_pcrs_complete(&p, BANK_SHA1));
    assert_false(boot_pcrs_complete(&p, BANK_SHA256));
    assert_int_equal(boot_aggregate_calc(&p, BANK_SHA1, got, &err), 0);
    expected(0, "sha1", 20, 8, want);
    assert_memory_equal(got, want, 20);
}

static void test_bad_lines(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "sha1:\n  0 : 0x1234\n",                       /* too short */
        "sha256:\n  0 : 0x" "00000000000000000000000000000000000000000000000000000000000000zz\n",
        "sha1:\n  twenty : 0x00\n",
        "hello\n",
        "sha1:\n  24 : 0x0000000000000000000000000000000000000000\n",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct boot_pcrs p;
        char *err = NULL;
        FILE *f = fmemopen((void *)bad[i], strlen(bad[i]), "r");
        assert_non_null(f);
        memset(&p, 0, sizeof p);
        assert_int_equal(boot_pcrs_read(f, "x", &p, &err), -1);
        fclose(f);
        assert_non_null(err);
        assert_non_null(strstr(err, "x:"));
        free(err);
    }
}

/* What entry 0 is: all zeros (bypass), the hash of all-zero PCRs (6.1
 * when every PCR_Read fails at IMA init), the hash of the firmware's PCRs,
 * or none of them.  Every expected digest is computed here with OpenSSL. */
static void test_judge(void **state)
{
    (void)state;
    struct boot_pcrs fw;
    uint8_t zeros[10 * 32] = { 0 }, zero_pcrs[32], zero_pcrs1[20], firmware[32],
            other[32];
    memset(&fw, 0, sizeof(fw));
    for (int i = 0; i < 10; i++)
        pcr_value(1, i, fw.v[BANK_SHA256][i], 32);
    fw.have[BANK_SHA256] = (1u << 10) - 1;
    md("sha256", zeros, 10 * 32, zero_pcrs);
    md("sha1", zeros, 8 * 20, zero_pcrs1);
    expected(1, "sha256", 32, 10, firmware);
    memcpy(other, firmware, 32);
    other[0] ^= 1;
    const struct {
        enum bank bank;
        const uint8_t *digest;
        size_t len;
        enum boot_aggregate_kind kind;
        const char *why;                 /* a part of the why */
    } cases[] = {
        { BANK_SHA256, zeros, 32, BA_ZERO, "TPM-bypass" },
        { BANK_SHA256, zero_pcrs, 32, BA_ZERO_PCRS, "all-zero PCRs 0-9" },
        { BANK_SHA1, zero_pcrs1, 20, BA_ZERO_PCRS, "all-zero PCRs 0-7" },
        { BANK_SHA256, firmware, 32, BA_FIRMWARE, "firmware's extends" },
        { BANK_SHA256, other, 32, BA_OTHER, "nor of PCRs 0-9" },
        /* the firmware's sha1 PCRs are not known: not firmware, said so */
        { BANK_SHA1, firmware, 20, BA_OTHER, "are not known" },
        { BANK_SHA256, zeros, 20, BA_OTHER, "not a digest" },  /* wrong size */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char why[192];
        assert_int_equal(boot_aggregate_judge(&fw, cases[i].bank, cases[i].digest,
                                              cases[i].len, why, sizeof(why)),
                         cases[i].kind);
        assert_non_null(strstr(why, cases[i].why));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcrread_format),
        cmocka_unit_test(test_sysfs_format),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_judge),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
