/* TPM frame parsing: headers, golden PCR_Extend frames, PCR_Read, and the
 * errors that name the field and its offset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tpm/frame.h"
#include "util/hex.h"
#include "util/rd.h"

/* PCR_Extend of PCR 10 as the Linux driver sends it: password session
 * (TPM_RS_PW), sha1 digest 0x01.., sha256 digest 0x02.. */
static const uint8_t golden_extend[] = {
    0x80, 0x02, 0x00, 0x00, 0x00, 0x57, 0x00, 0x00, 0x01, 0x82,
    0x00, 0x00, 0x00, 0x0a,                          /* PCR 10 */
    0x00, 0x00, 0x00, 0x09,                          /* auth size */
    0x40, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x02,                          /* two digests */
    0x00, 0x04,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
    0x00, 0x0b,
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
    0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
};

static void test_hdr(void **state)
{
    (void)state;
    struct tpm_hdr h;
    char *err = NULL;
    assert_int_equal(frame_hdr_parse(golden_extend, 10, 4096, &h, &err), 0);
    assert_int_equal(h.tag, 0x8002);
    assert_int_equal(h.size, 0x57);
    assert_int_equal(h.code, TPM2_CC_PCR_EXTEND);
    /* truncated header */
    assert_int_equal(frame_hdr_parse(golden_extend, 9, 4096, &h, &err), -1);
    assert_non_null(err);
    free(err);
    err = NULL;
    /* lying size fields: below the header, above the buffer */
    uint8_t small[10] = { 0x80, 0x01, 0, 0, 0, 8, 0, 0, 1, 0x44 };
    assert_int_equal(frame_hdr_parse(small, 10, 4096, &h, &err), -1);
    free(err);
    err = NULL;
    uint8_t big[10] = { 0x80, 0x01, 0, 0, 0x10, 1, 0, 0, 1, 0x44 };
    assert_int_equal(frame_hdr_parse(big, 10, 4096, &h, &err), -1);
    free(err);
}

static void test_extend_golden(void **state)
{
    (void)state;
    struct pcr_extend e;
    char *err = NULL;
    char hex[2 * ALG_MAX_DIGEST + 1];
    assert_int_equal(frame_parse_pcr_extend(golden_extend,
                                            sizeof(golden_extend), &e, &err),
                     0);
    assert_int_equal(e.pcr, 10);
    assert_int_equal(e.digests.count, 2);
    assert_int_equal(e.digests.v[0].bank, BANK_SHA1);
    hex_encode(e.digests.v[0].d, 20, hex);
    assert_string_equal(hex, "0101010101010101010101010101010101010101");
    assert_int_equal(e.digests.v[1].bank, BANK_SHA256);
    hex_encode(e.digests.v[1].d, 32, hex);
    assert_string_equal(hex, "0202020202020202020202020202020202020202"
                             "020202020202020202020202");
}

static void test_extend_bad(void **state)
{
    (void)state;
    struct pcr_extend e;
    uint8_t f[sizeof(golden_extend)];
    char *err = NULL;
    /* every truncation is rejected, never read past the end */
    for (size_t n = 0; n < sizeof(golden_extend); n++) {
        memcpy(f, golden_extend, n);
        assert_int_equal(frame_parse_pcr_extend(f, n, &e, &err), -1);
        free(err);
        err = NULL;
    }
    /* a lying auth size */
    memcpy(f, golden_extend, sizeof(f));
    f[17] = 0xff;
    assert_int_equal(frame_parse_pcr_extend(f, sizeof(f), &e, &err), -1);
    free(err);
    err = NULL;
    /* a lying digest count */
    memcpy(f, golden_extend, sizeof(f));
    f[30] = 3;
    assert_int_equal(frame_parse_pcr_extend(f, sizeof(f), &e, &err), -1);
    free(err);
    err = NULL;
    /* unknown algorithm */
    memcpy(f, golden_extend, sizeof(f));
    f[32] = 0x12;
    assert_int_equal(frame_parse_pcr_extend(f, sizeof(f), &e, &err), -1);
    assert_non_null(strstr(err, "unknown hash alg"));
    free(err);
}

/* A golden frame's first n bytes, its size field saying n, and (at > 0)
 * byte at set to v. */
static void mutate(uint8_t *f, const uint8_t *golden, size_t n, size_t at,
                   uint8_t v)
{
    memcpy(f, golden, n);
    f[5] = (uint8_t)n;
    if (at)
        f[at] = v;
}

/* A parser refused with exactly this message. */
static void refused(int rc, char *err, const char *want)
{
    assert_int_equal(rc, -1);
    if (!err || strcmp(err, want) != 0)
        fail_msg("got \"%s\", expected \"%s\"", err ? err : "(null)", want);
    free(err);
}

/* The error names the field and the offset it begins at. */
static void extend_error(size_t n, size_t at, uint8_t v, const char *want)
{
    uint8_t f[sizeof(golden_extend)];
    struct pcr_extend e;
    char *err = NULL;
    mutate(f, golden_extend, n, at, v);
    int rc = frame_parse_pcr_extend(f, n, &e, &err);
    refused(rc, err, want);
}

static void test_extend_errors_named(void **state)
{
    (void)state;
    const size_t n = sizeof(golden_extend);
    /* truncated lists: the count, the first digest's alg, the second's */
    extend_error(29, 0, 0, "PCR_Extend offset 27: digest count truncated "
                 "(2 bytes left)");
    extend_error(33, 0, 0, "PCR_Extend offset 31: digest 0 truncated "
                 "(2 bytes left)");
    extend_error(54, 0, 0, "PCR_Extend offset 53: digest 1 truncated "
                 "(1 bytes left)");
    extend_error(60, 0, 0, "PCR_Extend offset 53: digest 1 truncated "
                 "(7 bytes left)");
    /* a count that says more digests than the frame has */
    extend_error(n, 30, 3, "PCR_Extend offset 87: digest 2 truncated "
                 "(0 bytes left)");
    /* more digests than banks */
    extend_error(n, 30, 5, "PCR_Extend offset 27: 5 digests, at most 4 "
                 "banks known");
    extend_error(n, 30, 17, "PCR_Extend offset 27: 17 digests, at most 4 "
                 "banks known");
    /* algorithms: SM3_256 and TPM_ALG_NULL, which libtss2 knows and no
     * bank is; 0x99, which it does not know */
    extend_error(n, 32, 0x12, "PCR_Extend offset 31: digest 0: unknown hash "
                 "alg 0x0012");
    extend_error(n, 32, 0x10, "PCR_Extend offset 31: digest 0: unknown hash "
                 "alg 0x0010");
    extend_error(n, 54, 0x99, "PCR_Extend offset 53: digest 1: unknown hash "
                 "alg 0x0099");
}

static void test_pcr_read_build(void **state)
{
    (void)state;
    enum bank b[] = { BANK_SHA1, BANK_SHA256 };
    uint8_t buf[64];
    static const uint8_t want[] = {
        0x80, 0x01, 0x00, 0x00, 0x00, 0x1a, 0x00, 0x00, 0x01, 0x7e,
        0x00, 0x00, 0x00, 0x02,
        0x00, 0x04, 0x03, 0x00, 0x04, 0x00,
        0x00, 0x0b, 0x03, 0x00, 0x04, 0x00,
    };
    assert_int_equal(frame_build_pcr_read(buf, sizeof(buf), 10, b, 2),
                     sizeof(want));
    assert_memory_equal(buf, want, sizeof(want));
    assert_int_equal(frame_build_pcr_read(buf, 10, 10, b, 2), 0);
}

/* Answer with only sha256 allocated (the TPM drops sha1 from its
 * selection out). */
static const uint8_t golden_read_rsp[] = {
    0x80, 0x01, 0x00, 0x00, 0x00, 0x3e, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x05,                          /* update counter */
    0x00, 0x00, 0x00, 0x01, 0x00, 0x0b, 0x03, 0x00, 0x04, 0x00,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x20,
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
};

static void test_pcr_read_rsp(void **state)
{
    (void)state;
    struct pcr_digests d;
    uint32_t rc;
    char *err = NULL;
    assert_int_equal(frame_parse_pcr_read_rsp(golden_read_rsp,
                                              sizeof(golden_read_rsp), 10,
                                              &d, &rc, &err), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.v[0].bank, BANK_SHA256);
    assert_int_equal(d.v[0].d[31], 0xaa);
    for (size_t n = 0; n < sizeof(golden_read_rsp); n++) {
        assert_int_equal(frame_parse_pcr_read_rsp(golden_read_rsp, n, 10, &d,
                                                  &rc, &err), -1);
        free(err);
        err = NULL;
    }
    uint8_t e[10] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0x01, 0xc4 };
    assert_int_equal(frame_parse_pcr_read_rsp(e, 10, 10, &d, &rc, &err), -1);
    assert_int_equal(rc, 0x1c4);
    free(err);
}

static void read_rsp_error(size_t n, size_t at, uint8_t v, const char *want)
{
    uint8_t f[sizeof(golden_read_rsp)];
    struct pcr_digests d;
    uint32_t tpm_rc;
    char *err = NULL;
    mutate(f, golden_read_rsp, n, at, v);
    int rc = frame_parse_pcr_read_rsp(f, n, 10, &d, &tpm_rc, &err);
    refused(rc, err, want);
}

static void test_pcr_read_rsp_errors_named(void **state)
{
    (void)state;
    const size_t n = sizeof(golden_read_rsp);
    read_rsp_error(12, 0, 0, "PCR_Read offset 10: pcrUpdateCounter "
                   "truncated (2 bytes left)");
    read_rsp_error(20, 0, 0, "PCR_Read offset 14: pcrSelectionOut "
                   "truncated (6 bytes left)");
    read_rsp_error(30, 0, 0, "PCR_Read offset 24: pcrValues truncated "
                   "(6 bytes left)");
    /* sizeofSelect 5: more than the TPM's 32 PCRs */
    read_rsp_error(n, 20, 5, "PCR_Read offset 14: pcrSelectionOut invalid "
                   "(sys:Response is malformed)");
    /* PCR 11 selected too: two digests announced, one sent */
    read_rsp_error(n, 22, 0x0c, "PCR_Read: 1 digests for 2 selected PCRs");
    /* a sha256 digest of 31 bytes */
    read_rsp_error(n - 1, 29, 31, "PCR_Read: sha256 digest of 31 bytes");
    /* a bank no table here has (SM3_256): skipped, not an error */
    uint8_t g[sizeof(golden_read_rsp)];
    struct pcr_digests d;
    uint32_t rc;
    char *err = NULL;
    mutate(g, golden_read_rsp, n, 19, 0x12);
    assert_int_equal(frame_parse_pcr_read_rsp(g, n, 10, &d, &rc, &err), 0);
    assert_int_equal(d.count, 0);
}

static void test_names(void **state)
{
    (void)state;
    const enum tpm_family v2 = TPM_FAMILY_20, v12 = TPM_FAMILY_12;
    assert_string_equal(tpm_cc_name(0x182, v2), "PCR_Extend");
    assert_string_equal(tpm_cc_name(0x17E, v2), "PCR_Read");
    assert_string_equal(tpm_cc_name(0x181, v2), "ReadClock");
    assert_string_equal(tpm_cc_name(0x158, v2), "Quote");
    assert_string_equal(tpm_cc_name(0x14, v12), "TPM_ORD_Extend");
    assert_string_equal(tpm_cc_name(0x15, v12), "TPM_ORD_PcrRead");
    assert_string_equal(tpm_cc_name(0x14, v2), "unknown");
    assert_string_equal(tpm_cc_name(0x182, v12), "unknown");
    assert_string_equal(tpm_cc_name(0x9999, v2), "unknown");
    assert_true(tpm_cc_known(0x14, v12));
    assert_false(tpm_cc_known(0x14, v2));
    assert_string_equal(tpm_rc_name(0, v2), "TPM_RC_SUCCESS");
    assert_string_equal(tpm_rc_name(0x101, v2), "TPM_RC_FAILURE");
    assert_string_equal(tpm_rc_name(0x922, v2), "TPM_RC_RETRY");
    assert_string_equal(tpm_rc_name(0x90A, v2), "TPM_RC_TESTING");
    assert_string_equal(tpm_rc_name(0x909, v2), "TPM_RC_CANCELED");
    assert_string_equal(tpm_rc_name(0x1C4, v2), "TPM_RC_VALUE"); /* +P1 */
    assert_null(tpm_rc_name(0x12345, v2));
    /* the same numbers mean other things to a TPM 1.2 */
    assert_string_equal(tpm_rc_name(0, v12), "TPM_SUCCESS");
    assert_string_equal(tpm_rc_name(0x9, v12), "TPM_FAIL");
    assert_string_equal(tpm_rc_name(0x2, v12), "TPM_BADINDEX");
    assert_string_equal(tpm_rc_name(0x800, v12), "TPM_RETRY");
    assert_null(tpm_rc_name(0x101, v12));
    assert_null(tpm_rc_name(0x9, v2));
}

static void test_names_by_name(void **state)
{
    (void)state;
    uint32_t c = 0;
    assert_int_equal(tpm_cc_by_name("TPM_ORD_Extend", TPM_FAMILY_12, &c), 0);
    assert_int_equal(c, 0x14);
    assert_int_equal(tpm_cc_by_name("PCR_Extend", TPM_FAMILY_20, &c), 0);
    assert_int_equal(c, 0x182);
    assert_int_equal(tpm_cc_by_name("PCR_Extend", TPM_FAMILY_12, &c), -1);
    assert_int_equal(tpm_cc_by_name("TPM_ORD_Extend", TPM_FAMILY_20, &c), -1);
    assert_int_equal(tpm_rc_by_name("TPM_RETRY", TPM_FAMILY_12, &c), 0);
    assert_int_equal(c, 0x800);
    assert_int_equal(tpm_rc_by_name("TPM_RC_VALUE", TPM_FAMILY_20, &c), 0);
    assert_int_equal(c, 0x84);
    assert_int_equal(tpm_rc_by_name("TPM_RC_FAILURE", TPM_FAMILY_12, &c), -1);
}

/* TPM_Extend of PCR 10 as Linux's tpm1_pcr_extend sends it: digest 0x03.. */
static const uint8_t golden_extend12[] = {
    0x00, 0xc1, 0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00, 0x14,
    0x00, 0x00, 0x00, 0x0a,
    0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03,
    0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03, 0x03,
};

static void test_extend12_golden(void **state)
{
    (void)state;
    struct pcr_extend e;
    char *err = NULL;
    uint8_t want[20];
    memset(want, 0x03, sizeof(want));
    assert_int_equal(frame_parse_pcr_extend(golden_extend12,
                                            sizeof(golden_extend12), &e, &err), 0);
    assert_int_equal(e.pcr, 10);
    assert_int_equal(e.digests.count, 1);
    assert_int_equal(e.digests.v[0].bank, BANK_SHA1);
    assert_memory_equal(e.digests.v[0].d, want, 20);
    assert_true(frame_is_extend(0x00c1, 0x14));
    assert_false(frame_is_extend(0x00c1, 0x182));
    assert_false(frame_is_extend(0x8001, 0x14));
    /* one byte short, one byte too many, a lying size field */
    uint8_t b[sizeof(golden_extend12) + 1];
    memcpy(b, golden_extend12, sizeof(golden_extend12));
    assert_int_equal(frame_parse_pcr_extend(b, sizeof(golden_extend12) - 1,
                                            &e, &err), -1);
    free(err);
    err = NULL;
    b[5] = 0x23;
    b[sizeof(golden_extend12)] = 0;
    assert_int_equal(frame_parse_pcr_extend(b, sizeof(b), &e, &err), -1);
    assert_non_null(strstr(err, "trailing"));
    free(err);
}

static void test_pcr_read12(void **state)
{
    (void)state;
    uint8_t cmd[16];
    static const uint8_t want_cmd[] = { 0x00, 0xc1, 0, 0, 0, 0x0e, 0, 0, 0,
                                        0x15, 0, 0, 0, 0x0a };
    assert_int_equal(frame12_build_pcr_read(cmd, sizeof(cmd), 10), 14);
    assert_memory_equal(cmd, want_cmd, 14);
    assert_int_equal(frame12_build_pcr_read(cmd, 13, 10), 0);
    uint8_t rsp[30] = { 0x00, 0xc4, 0, 0, 0, 30, 0, 0, 0, 0 };
    memset(rsp + 10, 0xab, 20);
    struct pcr_digests d;
    uint32_t rc = 1;
    char *err = NULL;
    assert_int_equal(frame12_parse_pcr_read_rsp(rsp, 30, &d, &rc, &err), 0);
    assert_int_equal(rc, 0);
    assert_int_equal(d.count, 1);
    assert_int_equal(d.v[0].bank, BANK_SHA1);
    assert_memory_equal(d.v[0].d, rsp + 10, 20);
    /* TPM_BADINDEX, 10 bytes: an error carrying the code */
    uint8_t bad[10] = { 0x00, 0xc4, 0, 0, 0, 10, 0, 0, 0, 2 };
    assert_int_equal(frame12_parse_pcr_read_rsp(bad, 10, &d, &rc, &err), -1);
    assert_int_equal(rc, 2);
    free(err);
    err = NULL;
    /* a digest cut short */
    rsp[5] = 29;
    assert_int_equal(frame12_parse_pcr_read_rsp(rsp, 29, &d, &rc, &err), -1);
    free(err);
}

/* swtpm's answer to the kernel's TPM_GetCapability(TPM_CAP_PROPERTY,
 * TPM_CAP_PROP_TIS_DURATION): 50, 100 and 300 s in microseconds. */
static const uint8_t durations_cmd[] = {
    0x00, 0xc1, 0, 0, 0, 22, 0, 0, 0, 0x65,
    0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0x01, 0x20,
};
static const uint8_t durations_rsp[] = {
    0x00, 0xc4, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0, 12,
    0x02, 0xfa, 0xf0, 0x80, 0x05, 0xf5, 0xe1, 0x00, 0x11, 0xe1, 0xa3, 0x00,
};

static void test_cap_durations(void **state)
{
    (void)state;
    uint8_t rsp[sizeof(durations_rsp)];
    uint32_t was[3] = { 0 };
    memcpy(rsp, durations_rsp, sizeof(rsp));
    assert_int_equal(frame12_cap_durations(durations_cmd, sizeof(durations_cmd),
                                           rsp, sizeof(rsp), 1000000, was), 1);
    assert_int_equal(was[0], 50000000);
    assert_int_equal(was[1], 100000000);
    assert_int_equal(was[2], 300000000);
    for (int i = 0; i < 3; i++)
        assert_int_equal(be32_at(rsp + 14 + 4 * i), 1000000);
    assert_memory_equal(rsp, durations_rsp, 14);   /* header untouched */
    /* a value below the cap stays */
    memcpy(rsp, durations_rsp, sizeof(rsp));
    assert_int_equal(frame12_cap_durations(durations_cmd, sizeof(durations_cmd),
                                           rsp, sizeof(rsp), 60000000, was), 1);
    assert_int_equal(be32_at(rsp + 14), 50000000);
    assert_int_equal(be32_at(rsp + 18), 60000000);
    /* another capability, an error answer, a short answer: untouched */
    uint8_t other[sizeof(durations_cmd)];
    memcpy(other, durations_cmd, sizeof(other));
    other[21] = 0x15;                                /* TIS_TIMEOUT */
    memcpy(rsp, durations_rsp, sizeof(rsp));
    assert_int_equal(frame12_cap_durations(other, sizeof(other), rsp,
                                           sizeof(rsp), 1000, was), 0);
    rsp[9] = 9;
    assert_int_equal(frame12_cap_durations(durations_cmd, sizeof(durations_cmd),
                                           rsp, sizeof(rsp), 1000, was), 0);
    rsp[9] = 0;
    rsp[5] = 22;
    assert_int_equal(frame12_cap_durations(durations_cmd, sizeof(durations_cmd),
                                           rsp, 22, 1000, was), 0);
    assert_memory_equal(rsp + 14, durations_rsp + 14, 8);
}

static void test_error_rsp(void **state)
{
    (void)state;
    uint8_t b[10];
    struct tpm_hdr h;
    assert_int_equal(frame_build_error(b, 0x8001, 0x922, 9), 10);
    assert_int_equal(frame_hdr_parse(b, 10, 0, &h, NULL), 0);
    assert_int_equal(h.tag, 0x8001);
    assert_int_equal(h.code, 0x922);
    frame_build_error(b, 0x00C1, 0x922, 9);
    assert_int_equal(frame_hdr_parse(b, 10, 0, &h, NULL), 0);
    assert_int_equal(h.tag, 0x00C4);
    assert_int_equal(h.code, 9);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hdr),
        cmocka_unit_test(test_extend_golden),
        cmocka_unit_test(test_extend_bad),
        cmocka_unit_test(test_extend_errors_named),
        cmocka_unit_test(test_pcr_read_rsp_errors_named),
        cmocka_unit_test(test_pcr_read_build),
        cmocka_unit_test(test_pcr_read_rsp),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_names_by_name),
        cmocka_unit_test(test_extend12_golden),
        cmocka_unit_test(test_pcr_read12),
        cmocka_unit_test(test_cap_durations),
        cmocka_unit_test(test_error_rsp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
