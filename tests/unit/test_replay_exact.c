/* Unit tests of the verdicts tpmfault replay gives: against a PCR value
 * (whole list, strict prefix, no prefix, untouched PCR) and against the
 * extends a trace says swtpm applied before the quote; and the trace scan
 * (boot PCRs, the quote's ordinal).  Lists are built here; every digest and
 * PCR value is computed with OpenSSL's EVP, not with tpmfault's alg.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <unistd.h>

#include "ima_build.h"
#include "support/trace_extends.h"
#include "verify/replay_trace.h"
#include "verify/replay_verdict.h"

#define NE 5
static const char *const names[NE] = { "boot_aggregate", "/usr/bin/a", "/etc/b",
                                       "/lib/c.so", "/sbin/d" };

struct fx {
    struct lbuf b;
    uint8_t ext[NE][BANK_COUNT][ALG_MAX_DIGEST];        /* sha1, sha256 */
    uint8_t chain[NE + 1][BANK_COUNT][ALG_MAX_DIGEST];  /* after k entries */
};

static void build(struct fx *fx)
{
    memset(fx, 0, sizeof *fx);
    for (int i = 0; i < NE; i++) {
        uint8_t fd[32];
        struct lbuf t = { 0 };
        md("sha256", names[i], strlen(names[i]), fd);
        add_ng(&fx->b, 10, "ima-ng", "sha256", fd, 32, names[i], NULL, 0, 0);
        ng_data(&t, "sha256", fd, 32, names[i], NULL, 0, 0);
        md("sha1", t.p, t.n, fx->ext[i][BANK_SHA1]);
        md("sha256", t.p, t.n, fx->ext[i][BANK_SHA256]);
        free(t.p);
        for (int b = BANK_SHA1; b <= BANK_SHA256; b++) {
            size_t n = b == BANK_SHA1 ? 20 : 32;
            uint8_t cat[64];
            memcpy(cat, fx->chain[i][b], n);
            memcpy(cat + n, fx->ext[i][b], n);
            md(b == BANK_SHA1 ? "sha1" : "sha256", cat, 2 * n, fx->chain[i + 1][b]);
        }
    }
}

static int setup(void **state)
{
    struct fx *fx = malloc(sizeof *fx);
    if (!fx)
        return -1;
    build(fx);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fx *fx = *state;
    free(fx->b.p);
    free(fx);
    return 0;
}

/* The verdict against the value after k entries (k < 0: a value no prefix
 * reaches). */
static void verdict_at(struct fx *fx, int k, struct bank_verdict *v,
                       char *text, size_t size)
{
    uint8_t target[BANK_COUNT][ALG_MAX_DIGEST] = { { 0 } };
    struct replay_src src = { .p = fx->b.p, .n = fx->b.n };
    struct replay_vs_pcr cmp;
    struct replay_result res;
    char *err = NULL;
    if (k >= 0)
        memcpy(target, fx->chain[k], sizeof target);
    else
        memset(target, 0x5a, sizeof target);
    assert_int_equal(replay_compare_pcr(&src, NULL, (const uint8_t (*)[ALG_MAX_DIGEST])target,
                                        &cmp, &res, &err), 0);
    replay_verdict_bank(&cmp, &res, BANK_SHA256, v);
    replay_verdict_describe(v, &res, text, size);
}

static void test_verdict_whole_list(void **state)
{
    struct bank_verdict v;
    char text[512];
    verdict_at(*state, NE, &v, text, sizeof text);
    assert_true(v.match);
    assert_false(v.prefix);
    assert_string_equal(text, "match: all 5 entries replay to it");
}

/* What evmctl accepts: the PCR reflects entries 0..2; 3 and 4 never
 * reached the TPM. */
static void test_verdict_strict_prefix(void **state)
{
    struct bank_verdict v;
    char text[512];
    verdict_at(*state, 3, &v, text, sizeof text);
    assert_false(v.match);
    assert_true(v.prefix);
    assert_int_equal(v.prefix_last, 2);
    assert_int_equal(v.missing, 2);
    assert_int_equal(v.first_divergent.index, 3);
    assert_string_equal(v.first_divergent.file_name, "/lib/c.so");
    assert_string_equal(text, "mismatch: entries 0..2 match; the last 2 entries "
                        "never reached the TPM (the first of them: entry 3, /lib/c.so)");
}

static void test_verdict_untouched_and_none(void **state)
{
    struct bank_verdict v;
    char text[512];
    verdict_at(*state, 0, &v, text, sizeof text);        /* all zeros */
    assert_true(v.prefix);
    assert_int_equal(v.prefix_last, -1);
    assert_int_equal(v.missing, NE);
    assert_int_equal(v.first_divergent.index, 0);
    assert_non_null(strstr(text, "none of the 5 entries reached the TPM"));
    verdict_at(*state, -1, &v, text, sizeof text);
    assert_false(v.match);
    assert_false(v.prefix);
    assert_int_equal(v.first_divergent.index, -1);
    assert_non_null(strstr(text, "no prefix of the list replays to it"));
}

/* A trace of PCR 10 extends at ordinals 100, 101, ...: entry i's digests,
 * applied or not. */
static void trace_of(struct fx *fx, struct trace *t, const int *entry,
                     const int *applied, size_t n)
{
    struct trace_cmd *cmds = trace_extends(t, n, 100);
    for (size_t i = 0; i < n; i++) {
        struct trace_cmd *e = &cmds[i];
        e->tpm_rc = e->guest_rc = applied[i] ? 0 : 0x922;
        e->bank_mask = (1u << BANK_SHA1) | (1u << BANK_SHA256);
        memcpy(e->digest, fx->ext[entry[i]], sizeof e->digest);
    }
}

static void exact(struct fx *fx, const int *entry, const int *applied, size_t n,
                  int quote_ord, struct trace_exact *x)
{
    struct trace t;
    struct trace_scan s = { .have_quote = quote_ord > 0,
                            .quote_ord = (unsigned)quote_ord };
    struct replay_src src = { .p = fx->b.p, .n = fx->b.n };
    char *err = NULL;
    trace_of(fx, &t, entry, applied, n);
    assert_int_equal(replay_trace_exact(&src, NULL, &t, &s, NULL, 0, x, &err), 0);
    assert_null(err);
    trace_free(&t);
}

static void test_exact_all_applied(void **state)
{
    static const int entry[] = { 0, 1, 2, 3, 4 }, ok[] = { 1, 1, 1, 1, 1 };
    struct trace_exact x;
    char text[512];
    exact(*state, entry, ok, 5, 200, &x);
    assert_true(x.exact);
    assert_int_equal(x.sent, 5);
    assert_int_equal(x.applied, 5);
    assert_memory_equal(x.prefix_pcr[BANK_SHA256], ((struct fx *)*state)->chain[5][BANK_SHA256], 32);
    trace_exact_describe(&x, text, sizeof text);
    assert_string_equal(text, "exact: list entries 0..4 of PCR 10 are the 5 "
                        "extends swtpm applied before the quote, one for one");
}

/* The last two extends were sent before the quote and failed: evmctl's
 * prefix rule would accept the list, the trace does not. */
static void test_exact_last_failed(void **state)
{
    static const int entry[] = { 0, 1, 2, 3, 4 }, ok[] = { 1, 1, 1, 0, 0 };
    struct trace_exact x;
    char text[512];
    exact(*state, entry, ok, 5, 200, &x);
    assert_false(x.exact);
    assert_int_equal(x.expl.first_divergent, 3);
    assert_int_equal(x.expl.n_not_in_pcr, 2);
    trace_exact_describe(&x, text, sizeof text);
    assert_string_equal(text, "entry 3 (/lib/c.so) never reached PCR 10: its "
                        "extend, frame 103, was not applied: swtpm answered "
                        "0x922, the guest got TPM_RC_RETRY (0x922) (not in "
                        "PCR 10: 3,4; "
                        "applied twice: none)");
}

/* The quote came after entry 2: entries 3 and 4 are after it, not missing. */
static void test_exact_after_quote(void **state)
{
    static const int entry[] = { 0, 1, 2, 3, 4 }, ok[] = { 1, 1, 1, 1, 1 };
    struct trace_exact x;
    exact(*state, entry, ok, 5, 103, &x);
    assert_true(x.exact);
    assert_int_equal(x.sent, 3);
    assert_int_equal(x.covered, 3);
    assert_memory_equal(x.prefix_pcr[BANK_SHA1], ((struct fx *)*state)->chain[3][BANK_SHA1], 20);
}

/* A failed extend in the middle, and a driver resend that worked. */
static void test_exact_middle_and_resend(void **state)
{
    static const int entry[] = { 0, 1, 2, 3, 4 }, mid[] = { 1, 0, 1, 1, 1 };
    static const int rs_entry[] = { 0, 1, 1, 2, 3, 4 }, rs_ok[] = { 1, 0, 1, 1, 1, 1 };
    struct trace_exact x;
    exact(*state, entry, mid, 5, 0, &x);
    assert_false(x.exact);
    assert_int_equal(x.expl.first_divergent, 1);
    assert_string_equal(x.expl.first_file, "/usr/bin/a");
    exact(*state, rs_entry, rs_ok, 6, 0, &x);
    assert_true(x.exact);
    assert_int_equal(x.sent, 5);
    assert_int_equal(x.applied, 5);
}

/* A resend of an extend swtpm had executed (the guest was answered
 * TPM_RC_RETRY after it was applied): entry 2 is applied twice, and that,
 * not "entry 3 diverges", is what the trace says (issue 10, point 3). */
static void test_exact_applied_twice(void **state)
{
    static const int entry[] = { 0, 1, 2, 2, 3, 4 }, ok[] = { 1, 1, 1, 1, 1, 1 };
    struct trace_exact x;
    char text[512];
    exact(*state, entry, ok, 6, 200, &x);
    assert_false(x.exact);
    assert_int_equal(x.sent, 5);
    assert_int_equal(x.applied, 6);
    assert_int_equal(x.expl.first_divergent, 2);
    assert_int_equal(x.expl.first_times, 2);
    assert_int_equal(x.expl.n_applied_twice, 1);
    assert_int_equal(x.expl.n_not_in_pcr, 0);
    trace_exact_describe(&x, text, sizeof text);
    assert_string_equal(text, "entry 2 (/etc/b) applied 2 times: swtpm applied "
                        "it 2 times in 2 frames (102..103) (not in PCR 10: "
                        "none; applied twice: 2)");
}

/* No quote and a list longer than the trace (swtpm died): the missing
 * entries are named. */
static void test_exact_no_quote_list_longer(void **state)
{
    static const int entry[] = { 0, 1, 2 }, ok[] = { 1, 1, 1 };
    struct trace_exact x;
    exact(*state, entry, ok, 3, 0, &x);
    assert_false(x.exact);
    assert_int_equal(x.covered, 5);
    assert_int_equal(x.expl.first_divergent, 3);
    assert_int_equal(x.expl.n_not_in_pcr, 2);
}

static void test_trace_scan(void **state)
{
    (void)state;
    uint8_t d1[20], d256[32], want1[20], want256[32], cat[64] = { 0 };
    char h1[41], h256[65], path[] = "/tmp/tpmfault-scan.XXXXXX";
    md("sha1", "firmware", 8, d1);
    md("sha256", "firmware", 8, d256);
    for (int k = 0; k < 20; k++) sprintf(h1 + 2 * k, "%02x", d1[k]);
    for (int k = 0; k < 32; k++) sprintf(h256 + 2 * k, "%02x", d256[k]);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fprintf(f, "{\"ord\":5,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
            "\"name\":\"PCR_Extend\",\"pcr\":2,"
            "\"digests\":{\"sha1\":\"%s\",\"sha256\":\"%s\"}}\n", h1, h256);
    fprintf(f, "{\"ord\":5,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
            "\"name\":\"PCR_Extend\",\"rc\":\"0x0\",\"fate\":\"relayed\"}\n");
    fprintf(f, "{\"ord\":6,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
            "\"name\":\"PCR_Extend\",\"pcr\":3,"
            "\"digests\":{\"sha1\":\"%s\"}}\n", h1);                 /* refused */
    fprintf(f, "{\"ord\":6,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
            "\"name\":\"PCR_Extend\",\"rc\":\"0x922\",\"tpm_rc\":\"0x922\"}\n");
    fprintf(f, "{\"ord\":9,\"dir\":\"cmd\",\"cc\":\"0x00000158\","
            "\"name\":\"Quote\"}\n");
    fprintf(f, "{\"ord\":9,\"dir\":\"rsp\",\"cc\":\"0x00000158\","
            "\"name\":\"Quote\",\"rc\":\"0x0\",\"tpm_rc\":\"0x0\"}\n");
    fprintf(f, "{\"ord\":10,\"dir\":\"cmd\",\"cc\":\"0x00000158\","
            "\"name\":\"Quote\"}\n");
    fprintf(f, "{\"ord\":10,\"dir\":\"rsp\",\"cc\":\"0x00000158\","
            "\"name\":\"Quote\",\"rc\":\"0x101\",\"tpm_rc\":\"0x101\"}\n");
    fclose(f);
    struct trace_scan s;
    char *err = NULL;
    assert_int_equal(trace_scan_file(path, &s, &err), 0);
    unlink(path);
    assert_true(s.have_quote);
    assert_int_equal(s.quote_ord, 9);
    memcpy(cat + 20, d1, 20);
    md("sha1", cat, 40, want1);
    memset(cat, 0, sizeof cat);
    memcpy(cat + 32, d256, 32);
    md("sha256", cat, 64, want256);
    assert_memory_equal(s.boot.v[BANK_SHA1][2], want1, 20);
    assert_memory_equal(s.boot.v[BANK_SHA256][2], want256, 32);
    static const uint8_t zero[20];
    assert_memory_equal(s.boot.v[BANK_SHA1][3], zero, 20);    /* not applied */
    assert_true(boot_pcrs_complete(&s.boot, BANK_SHA256));
}

int main(void)
{
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_verdict_whole_list), T(test_verdict_strict_prefix),
        T(test_verdict_untouched_and_none), T(test_exact_all_applied),
        T(test_exact_last_failed), T(test_exact_after_quote),
        T(test_exact_middle_and_resend), T(test_exact_applied_twice),
        T(test_exact_no_quote_list_longer),
        cmocka_unit_test(test_trace_scan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
