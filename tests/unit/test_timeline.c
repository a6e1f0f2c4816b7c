/* Unit tests of the timeline model (harness/view/timeline*.c) against real
 * report files (tests/data/runs/, README there): one case per kind of fate
 * -- errored, held and cancelled by the driver, answered TPM_RC_CANCELED,
 * applied twice, never reached, retried to exhaustion, TPM-bypass.  Counts
 * of commands are taken from the trace files themselves. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "runner/fsutil.h"
#include "util/jsonread.h"
#include "view/timeline.h"
#include "view/timeline_json.h"
#include "view/timeline_text.h"

#define RUNS "tests/data/runs/"
#define RC_FAILURE 0x101u
#define RC_CANCELED 0x909u
#define RC_RETRY 0x922u

static struct timeline *load(const char *name)
{
    static struct timeline tl;
    char dir[128], *err = NULL;
    snprintf(dir, sizeof(dir), RUNS "%s", name);
    if (timeline_load(dir, &tl, &err) < 0)
        fail_msg("%s", err);
    return &tl;
}

/* Lines of the file holding needle: the trace's own count of commands. */
static size_t lines_with(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[4096];
    size_t n = 0;
    while (fgets(line, sizeof(line), f))
        n += strstr(line, needle) != NULL;
    fclose(f);
    return n;
}

/* The rows carrying list entry `index`, in order. */
static size_t rows_of(const struct timeline *tl, int64_t index,
                      const struct tl_row **out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < tl->n_rows; i++) {
        const struct tl_row *r = &tl->rows[i];
        if (r->entry != TL_NONE && tl->entries[r->entry].index == index && n < max)
            out[n++] = r;
    }
    return n;
}

/* Every entry but those listed is in PCR 10 once. */
static void others_once(const struct timeline *tl, int64_t lo, int64_t hi)
{
    for (size_t i = 0; i < tl->n_entries; i++)
        if (tl->entries[i].index < lo || tl->entries[i].index > hi)
            assert_int_equal(tl->entries[i].in_pcr, 1);
}

static void test_errored(void **state)
{
    (void)state;
    struct timeline *tl = load("intermittent-extend");
    assert_int_equal(tl->n_rows, lines_with(RUNS "intermittent-extend/trace.jsonl",
                                            "\"dir\":\"cmd\""));
    assert_int_equal(tl->trace.n_ext, 6);
    assert_int_equal(tl->n_entries, 6);
    const struct tl_row *r[4];
    assert_int_equal(rows_of(tl, 3, r, 4), 1);
    assert_string_equal(tl->entries[r[0]->entry].file, "/work/file3");
    assert_non_null(r[0]->fault);
    assert_string_equal(r[0]->fault->rule, "third-file");
    assert_false(r[0]->applied);
    assert_false(r[0]->c->forwarded);
    assert_int_equal(r[0]->c->guest_rc, RC_FAILURE);
    assert_int_equal(r[0]->fate, TL_ERRORED);
    assert_int_equal(r[0]->phase, TL_WORKLOAD);
    assert_int_equal(tl->entries[3].in_pcr, 0);
    assert_int_equal(tl->entries[3].n_kernel, 1);
    assert_non_null(strstr(tl->entries[3].why, "third-file"));
    others_once(tl, 3, 3);
    /* boot_aggregate is the kernel's, the firmware's extends come first */
    assert_int_equal(rows_of(tl, 0, r, 4), 1);
    assert_int_equal(r[0]->phase, TL_BOOT);
    assert_int_equal(tl->rows[0].phase, TL_FIRMWARE);
    assert_int_equal(tl->rows[tl->n_rows - 1].phase, TL_AGENT);
    assert_int_equal(tl->cancels, 0);
    assert_int_equal(tl->shutdowns, 1);
    timeline_free(tl);
}

/* Held past the driver's deadline: the guest cancels, the shim answers
 * TPM_RC_CANCELED. */
static void test_held(void **state)
{
    (void)state;
    struct timeline *tl = load("extend-timeout");
    const struct tl_row *r[4];
    assert_int_equal(rows_of(tl, 3, r, 4), 1);
    assert_int_equal(r[0]->fate, TL_HELD);
    assert_true(r[0]->c->held);
    assert_true(r[0]->c->t_release - r[0]->c->t >= 0.75);   /* 750 ms */
    assert_true(r[0]->cancels >= 1);    /* QEMU sends one or more */
    assert_int_equal(tl->cancels, r[0]->cancels);
    assert_false(r[0]->applied);
    assert_int_equal(r[0]->c->guest_rc, RC_CANCELED);
    assert_int_equal(tl->entries[3].in_pcr, 0);
    assert_int_equal(tl->entries[3].n_kernel, 1);
    assert_int_equal(tl->entries[3].kernel_result[0], -62);  /* -ETIME */
    others_once(tl, 3, 3);
    timeline_free(tl);
}

/* Answered TPM_RC_CANCELED at once: errored, not held, no cancel. */
static void test_cancelled(void **state)
{
    (void)state;
    struct timeline *tl = load("extend-cancel");
    const struct tl_row *r[4];
    assert_int_equal(rows_of(tl, 3, r, 4), 1);
    assert_int_equal(r[0]->fate, TL_ERRORED);
    assert_string_equal(r[0]->fault->action, "cancel");
    assert_int_equal(r[0]->c->guest_rc, RC_CANCELED);
    assert_false(r[0]->c->held);
    assert_int_equal(tl->cancels, 0);
    assert_int_equal(tl->entries[3].in_pcr, 0);
    others_once(tl, 3, 3);
    timeline_free(tl);
}

/* Applied, answered TPM_RC_RETRY: the driver's resend is applied again. */
static void test_applied_twice(void **state)
{
    (void)state;
    struct timeline *tl = load("applied-twice");
    const struct tl_row *r[4];
    assert_int_equal(rows_of(tl, 3, r, 4), 2);
    assert_true(r[0]->applied);
    assert_int_equal(r[0]->c->guest_rc, RC_RETRY);
    assert_int_equal(r[0]->fate, TL_ERRORED);
    assert_true(r[1]->applied);
    assert_int_equal(r[1]->send, 2);
    assert_int_equal(r[1]->fate, TL_TWICE);
    assert_int_equal(tl->entries[3].in_pcr, 2);
    assert_int_equal(tl->entries[3].frames, 2);
    assert_non_null(strstr(tl->entries[3].why, "2 times"));
    others_once(tl, 3, 3);
    timeline_free(tl);
}

/* The data channel closes on entry 3's extend: it never reaches swtpm, no
 * answer comes, and the later entries never reach the shim. */
static void test_never_reached(void **state)
{
    (void)state;
    struct timeline *tl = load("swtpm-dies");
    const struct tl_row *r[4];
    assert_int_equal(rows_of(tl, 3, r, 4), 1);
    assert_int_equal(r[0]->fate, TL_LOST);
    assert_false(r[0]->c->answered);
    for (int64_t e = 3; e <= 5; e++)
        assert_int_equal(tl->entries[e].in_pcr, 0);
    for (int64_t e = 4; e <= 5; e++) {
        assert_int_equal(tl->entries[e].frames, 0);
        assert_int_equal(tl->entries[e].first_row, TL_NONE);
        assert_non_null(strstr(tl->entries[e].why, "no extend of it reached the shim"));
    }
    others_once(tl, 3, 5);
    timeline_free(tl);
}

/* TPM_RC_RETRY every time: the driver's eight sends grouped on entry 3. */
static void test_retries_grouped(void **state)
{
    (void)state;
    struct timeline *tl = load("retry-exhausted");
    const struct tl_row *r[16];
    size_t n = rows_of(tl, 3, r, 16);
    assert_int_equal(n, 8);
    for (size_t k = 0; k < n; k++) {
        assert_int_equal(r[k]->send, k + 1);
        assert_false(r[k]->applied);
        assert_int_equal(r[k]->c->guest_rc, RC_RETRY);
    }
    assert_int_equal(tl->entries[3].frames, 8);
    assert_int_equal(tl->entries[3].in_pcr, 0);
    others_once(tl, 3, 3);
    timeline_free(tl);
}

/* No TPM device: no trace at all, every entry never in PCR 10. */
static void test_bypass(void **state)
{
    (void)state;
    struct timeline *tl = load("tpm-absent");
    assert_false(tl->have_trace);
    assert_true(tl->dm.bypass);
    assert_int_equal(tl->n_rows, 0);
    assert_true(tl->n_entries > 1);
    for (size_t i = 0; i < tl->n_entries; i++) {
        assert_int_equal(tl->entries[i].in_pcr, 0);
        assert_non_null(strstr(tl->entries[i].why, "TPM-bypass"));
    }
    timeline_free(tl);
}

static char *capture_print(const struct timeline *tl, bool all, bool compact)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    if (compact)
        timeline_print_compact(m, tl);
    else
        timeline_print(m, tl, all, false);
    assert_int_equal(fclose(m), 0);
    return text;
}

static size_t count_lines(const char *text)
{
    size_t n = 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* The line of text holding needle. */
static const char *line_with(const char *text, const char *needle)
{
    static char line[1024];
    const char *p = strstr(text, needle);
    assert_non_null(p);
    while (p > text && p[-1] != '\n')
        p--;
    snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
    return line;
}

/* tpmfault show's row for the fault's frame names entry 3, the file, the
 * rule and the response code; every extend has a row; --all has all. */
static void test_text(void **state)
{
    (void)state;
    struct timeline *tl = load("intermittent-extend");
    char *t = capture_print(tl, false, false);
    const char *row = line_with(t, "third-file (error)");
    assert_non_null(strstr(row, " 3 "));
    assert_non_null(strstr(row, "/work/file3"));
    assert_non_null(strstr(row, "TPM_RC_FAILURE"));
    assert_non_null(strstr(row, "not applied"));
    for (int k = 1; k <= 5; k++) {
        char file[32];
        snprintf(file, sizeof(file), "/work/file%d ", k);
        assert_true(strstr(line_with(t, file), "PCR_Extend") != NULL);
    }
    assert_null(strstr(t, "\033["));               /* no colour asked */
    size_t lines = count_lines(t);
    free(t);
    t = capture_print(tl, true, false);
    assert_non_null(strstr(t, "ReadClock"));
    assert_non_null(strstr(t, "CMD_INIT"));
    assert_true(count_lines(t) >= lines + tl->n_rows - tl->trace.n_ext);
    free(t);
    t = capture_print(tl, false, true);
    assert_string_equal(t, "  fault third-file (error) fired on frame 39: PCR_Extend "
                        "of entry 3 /work/file3; the guest saw TPM_RC_FAILURE; not "
                        "applied\n  entry 3 /work/file3: never in PCR 10 (1 frame; "
                        "kernel: TPM error, result 257)\n");
    free(t);
    timeline_free(tl);
}

/* The compact form groups a rule's firings on one measurement. */
static void test_compact_groups(void **state)
{
    (void)state;
    struct timeline *tl = load("retry-exhausted");
    char *t = capture_print(tl, false, true);
    assert_non_null(strstr(t, "fired on frames 39..46 (8): PCR_Extend of entry 3 "
                              "/work/file3; the guest saw TPM_RC_RETRY; not applied"));
    free(t);
    timeline_free(tl);
}

/* A frame the guest never got an answer to says so. */
static void test_compact_no_response(void **state)
{
    (void)state;
    struct timeline *tl = load("swtpm-dies");
    char *t = capture_print(tl, false, true);
    assert_non_null(strstr(t, "fault die-at-third (close) fired on frame 39: PCR_Extend "
                              "of entry 3 /work/file3; the guest saw no response; "
                              "not applied\n"));
    assert_non_null(strstr(t, "entry 5 /work/file5: never in PCR 10 (0 frames"));
    free(t);
    timeline_free(tl);
}

/* --json is the model: one command object per row, one entry per entry. */
static void test_json(void **state)
{
    (void)state;
    struct timeline *tl = load("extend-timeout");
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    assert_non_null(m);
    timeline_write_json(m, tl);
    assert_int_equal(fclose(m), 0);
    char *err = NULL;
    struct jv *v = jv_parse(text, &err);
    assert_non_null(v);
    size_t cmds = 0, entries = 0;
    for (const struct jv *c = jv_get(v, "commands")->child; c; c = c->next)
        cmds++;
    for (const struct jv *e = jv_get(v, "entries")->child; e; e = e->next)
        entries++;
    assert_int_equal(cmds, tl->n_rows);
    assert_int_equal(entries, tl->n_entries);
    assert_int_equal(jv_get_num(v, "cancels", -1), tl->cancels);
    jv_free(v);
    free(text);
    timeline_free(tl);
}

/* A trace that is there but broken is an error naming its file and line;
 * a directory with none of the files is not a report. */
static void test_bad_input(void **state)
{
    (void)state;
    char dir[64], path[128], *err = NULL;
    assert_int_equal(private_dir_create("test_timeline", dir, sizeof(dir), NULL), 0);
    struct timeline tl;
    assert_int_equal(timeline_load(dir, &tl, &err), -1);
    assert_non_null(strstr(err, "not a run's report directory"));
    free(err);
    err = NULL;
    timeline_free(&tl);
    snprintf(path, sizeof(path), "%s/trace.jsonl", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("{\"t\":0.1,\"event\":\"connected\"}\n{\"ord\":1,\"t\":\n{\"t\":1}\n", f);
    fclose(f);
    assert_int_equal(timeline_load(dir, &tl, &err), -1);
    assert_non_null(strstr(err, "trace.jsonl:2:"));
    free(err);
    timeline_free(&tl);
    tree_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_errored),
        cmocka_unit_test(test_held),
        cmocka_unit_test(test_cancelled),
        cmocka_unit_test(test_applied_twice),
        cmocka_unit_test(test_never_reached),
        cmocka_unit_test(test_retries_grouped),
        cmocka_unit_test(test_bypass),
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_compact_groups),
        cmocka_unit_test(test_compact_no_response),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
