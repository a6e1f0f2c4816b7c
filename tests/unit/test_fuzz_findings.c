/* Inputs the fuzz targets of tests/fuzz/ found, each with what the code
 * must do with it (the shim's findings from hostile peers are in
 * test_hostile.c).
 *
 * trace: a trace line whose "ord" or "pcr" is a number no unsigned/int
 * holds (1e300, -1, 4294967296, 2.5; the artifact's 1e999 and nan are
 * no JSON numbers and the reader now refuses them, naming the line): the reader
 * cast the double to unsigned, which is undefined (UBSan:
 * "inf is outside the range of representable values of type 'unsigned
 * int'"); such a member now counts as absent.  The same in
 * replay_trace.c trace_scan_file, where 4294967297 (2^32 + 1) became 1
 * on x86 and took the response of ordinal 1 for its own.
 *
 * boot_pcrs: a PCR values file whose line is longer than the reader's
 * 512-byte buffer was read as two lines, and an error further down named
 * a line the file does not have; lines are read whole now. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/fsutil.h"
#include "util/jsonread.h"
#include "verify/boot_aggregate.h"
#include "verify/replay_trace.h"
#include "verify/trace.h"

static struct jv *parse(const char *text)
{
    char *err = NULL;
    struct jv *v = jv_parse(text, &err);
    if (!v)
        fail_msg("%s: %s", text, err ? err : "?");
    return v;
}

static void test_jv_get_int(void **state)
{
    (void)state;
    /* (1e999 and nan no longer parse at all: test_jsonread) */
    struct jv *v = parse("{\"a\":7,\"inf\":1e300,\"minf\":-1e300,"
                         "\"neg\":-1,\"big\":4294967296,\"half\":2.5,"
                         "\"huge\":9.3e18,\"s\":\"7\",\"max\":4294967295}");
    assert_int_equal(jv_get_int(v, "a", 0, UINT_MAX, 99), 7);
    assert_int_equal(jv_get_int(v, "max", 0, UINT_MAX, 99), UINT_MAX);
    static const char *const bad[] = { "inf", "minf", "neg", "big",
                                       "half", "huge", "s", "missing" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (jv_get_int(v, bad[i], 0, UINT_MAX, 99) != 99)
            fail_msg("\"%s\" read as an unsigned", bad[i]);
    assert_int_equal(jv_get_int(v, "neg", INT_MIN, INT_MAX, 99), -1);
    jv_free(v);
}

/* The artifact, reduced (its 1e999 and nan, which the reader now refuses
 * as JSON, become the largest finite and a fractional number): a PCR 10
 * extend whose "ord" is 1e300, its response with "ord" 0.5, a fault line
 * with "pcr" -1e300, a release with "ord" -1. */
static const char trace_text[] =
    "{\"ord\":1e300,\"t\":0.1,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\",\"forwarded\":true,\"fate\":\"relayed\","
    "\"pcr\":10,\"digests\":{\"sha1\":\"0000000000000000000000000000000000000000\"}}\n"
    "{\"ord\":0.5,\"t\":0.2,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\",\"rc\":\"0x00000000\",\"fate\":\"relayed\"}\n"
    "{\"ord\":2,\"t\":0.3,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
    "\"name\":\"PCR_Extend\",\"forwarded\":false,\"fate\":\"answered\","
    "\"fault\":{\"rule\":\"r\",\"action\":\"error\"},\"pcr\":-1e300}\n"
    "{\"ord\":-1,\"t\":0.4,\"event\":\"release\",\"forwarded\":true}\n";

static void write_tmp(char *dir, size_t dsize, char *path, size_t psize,
                      const char *text);

static void test_trace_numbers_out_of_range(void **state)
{
    (void)state;
    char dir[64], path[96];
    assert_int_equal(private_dir_create("test_fuzz_findings", dir, sizeof(dir),
                                        NULL), 0);
    snprintf(path, sizeof(path), "%s/trace.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(trace_text, f);
    fclose(f);

    struct trace t;
    char *err = NULL;
    int rc = trace_load(path, &t, &err);
    tree_remove(dir);
    if (rc < 0)
        fail_msg("%s", err);
    assert_int_equal(t.frames, 2);
    assert_int_equal(t.n_ext, 1);
    assert_int_equal(trace_ext(&t, 0)->ord, 0);          /* no ordinal */
    assert_true(trace_ext(&t, 0)->forwarded);
    assert_true(trace_ext(&t, 0)->answered);             /* "ord" 0.5 reads as 0 too */
    assert_int_equal(t.n_faults, 1);
    assert_int_equal(t.faults[0].ord, 2);
    assert_int_equal(t.faults[0].pcr, -1);      /* not a PCR index */
    assert_false(t.faults[0].forwarded);        /* the release named no ord */
    trace_free(&t);

    /* the artifact's own spelling is no JSON: refused, naming the line */
    write_tmp(dir, sizeof(dir), path, sizeof(path),
              "{\"ord\":1,\"t\":0.1,\"dir\":\"cmd\"}\n{\"ord\":1e999}\n"
              "{\"ord\":2,\"t\":0.2,\"dir\":\"cmd\"}\n");
    rc = trace_load(path, &t, &err);
    tree_remove(dir);
    assert_int_equal(rc, -1);
    assert_non_null(strstr(err, "trace.jsonl:2: offset 7: number out of range"));
    free(err);
}

static void write_tmp(char *dir, size_t dsize, char *path, size_t psize,
                      const char *text)
{
    assert_int_equal(private_dir_create("test_fuzz_findings", dir, dsize,
                                        NULL), 0);
    snprintf(path, psize, "%s/trace.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A boot PCR 0 extend (ordinal 1) and a response whose "ord" is 2^32 + 1:
 * not the extend's response, so PCR 0 stays unknown. */
static void test_trace_scan_ord_out_of_range(void **state)
{
    (void)state;
    static const char text[] =
        "{\"ord\":1,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
        "\"name\":\"PCR_Extend\",\"pcr\":0,"
        "\"digests\":{\"sha1\":\"0000000000000000000000000000000000000001\"}}\n"
        "{\"ord\":4294967297,\"dir\":\"rsp\",\"cc\":\"0x00000182\","
        "\"name\":\"PCR_Extend\","
        "\"rc\":\"0x00000000\",\"tpm_rc\":\"0x00000000\",\"fate\":\"relayed\"}\n"
        "{\"ord\":2,\"dir\":\"cmd\",\"cc\":\"0x00000182\","
        "\"name\":\"PCR_Extend\",\"pcr\":1e300}\n";
    char dir[64], path[96];
    write_tmp(dir, sizeof(dir), path, sizeof(path), text);
    struct trace_scan sc;
    char *err = NULL;
    int rc = trace_scan_file(path, &sc, &err);
    tree_remove(dir);
    if (rc < 0)
        fail_msg("%s", err);
    assert_int_equal(sc.boot.have[BANK_SHA1], 0);
    assert_false(sc.have_quote);
}

/* A 600-character line: one line, and the bad one after it is line 3. */
static void test_boot_pcrs_long_line(void **state)
{
    (void)state;
    char text[1024];
    snprintf(text, sizeof(text), "sha256:\n  0 : 0x%064d%600s\nzz\n", 0, "");
    FILE *f = fmemopen(text, strlen(text), "r");
    assert_non_null(f);
    static struct boot_pcrs p;
    char *err = NULL;
    int rc = boot_pcrs_read(f, "t.pcrs", &p, &err);
    fclose(f);
    assert_int_equal(rc, -1);
    if (strncmp(err, "t.pcrs:3: ", 10) != 0)
        fail_msg("'%s' does not name line 3", err);
    free(err);
    assert_int_equal(p.have[BANK_SHA256], 1);   /* the long line's PCR 0 */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jv_get_int),
        cmocka_unit_test(test_trace_numbers_out_of_range),
        cmocka_unit_test(test_trace_scan_ord_out_of_range),
        cmocka_unit_test(test_boot_pcrs_long_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
