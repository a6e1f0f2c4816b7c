/* explore: summary.json written and read back (what --resume continues
 * from), a summary with a bad run is refused naming it; --fail-on's items
 * checked and matched against classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explore/found.h"
#include "explore/record.h"
#include "explore/search.h"

static void test_round_trip(void **state)
{
    (void)state;
    char dir[] = "/tmp/test_explore_log.XXXXXX";
    assert_non_null(mkdtemp(dir));
    struct explore_log log = { .seed = UINT64_MAX - 1, .wall_s = 12.5 };
    strcpy(log.kernel, "6.1");
    for (int i = 0; i < 70; i++) {   /* past the first growth */
        struct explore_run *r = explore_log_add(&log);
        assert_non_null(r);
        r->index = (uint64_t)i;
        snprintf(r->name, sizeof(r->name), "p%05d", i);
        r->placement = strdup("files=5 | PCR_Extend pcr=10 k=3 command error TPM_RC_RETRY");
        r->run_seed = UINT64_MAX - (uint64_t)i;
        strcpy(r->cls, i % 2 ? "doubled.no-silent-divergence" : "none.ok");
        strcpy(r->verdict, "pass");
        r->inv[1] = i % 2 ? INV_VIOLATED : INV_HOLDS;
        r->inv[6] = INV_UNKNOWN;
        r->wall_s = 4.25;
    }
    char *err = NULL;
    assert_int_equal(explore_log_write(dir, &log, &err), 0);
    struct explore_log back;
    assert_int_equal(explore_log_read(dir, &back, &err), 0);
    assert_int_equal(back.seed, UINT64_MAX - 1);
    assert_string_equal(back.kernel, "6.1");
    assert_int_equal(back.n, 70);
    for (size_t i = 0; i < back.n; i++) {
        assert_int_equal(back.runs[i].index, log.runs[i].index);
        assert_int_equal(back.runs[i].run_seed, log.runs[i].run_seed);
        assert_string_equal(back.runs[i].name, log.runs[i].name);
        assert_string_equal(back.runs[i].placement, log.runs[i].placement);
        assert_string_equal(back.runs[i].cls, log.runs[i].cls);
        assert_memory_equal(back.runs[i].inv, log.runs[i].inv, sizeof(log.runs[i].inv));
    }
    explore_log_free(&back);
    explore_log_free(&log);
    char path[64];
    snprintf(path, sizeof(path), "%s/summary.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"seed\":1,\"runs\":[{\"index\":0,\"name\":\"p0\",\"seed\":1,"
          "\"placement\":\"x\",\"class\":\"none.ok\",\"invariants\":{}},"
          "{\"index\":1}]}", f);
    fclose(f);
    assert_int_equal(explore_log_read(dir, &back, &err), -1);
    assert_non_null(strstr(err, "runs[1]"));
    assert_non_null(strstr(err, "summary.json"));
    free(err);
    unlink(path);
    rmdir(dir);
}

static void test_fail_on(void **state)
{
    (void)state;
    char *err = NULL;
    assert_int_equal(explore_fail_on_check("no-silent-divergence", &err), 0);
    assert_int_equal(explore_fail_on_check("doubled.no-silent-divergence,missing-tail", &err), 0);
    assert_int_equal(explore_fail_on_check("missing,bogus", &err), -1);
    assert_non_null(strstr(err, "'bogus'"));
    free(err);
    err = NULL;
    assert_int_equal(explore_fail_on_check("missing,", &err), -1);
    free(err);
    const char *cls = "missing-tail.no-silent-divergence.prefix-verifier-fooled";
    assert_true(explore_fail_on_match("prefix-verifier-fooled", cls));
    assert_true(explore_fail_on_match("doubled,missing-tail", cls));
    assert_false(explore_fail_on_match("missing", cls));       /* not missing-tail */
    assert_false(explore_fail_on_match("missing-tail.no-silent-divergence", cls));
    assert_true(explore_fail_on_match("missing-tail.no-silent-divergence", "missing-tail.no-silent-divergence"));
    assert_false(explore_fail_on_match("list-complete", "none.ok"));
}

/* [expect] from a run's facts: the last entry lost, logged; sha1 and
 * sha256 both differ from the TPM and the quote. */
static void test_found_expect(void **state)
{
    (void)state;
    struct run_facts rf;
    memset(&rf, 0, sizeof(rf));
    rf.tpm_present = rf.list_complete = rf.explained = true;
    rf.quote_present = rf.quote_valid = rf.guest_alive = true;
    rf.list_entries = 6;
    rf.not_in_pcr.v[rf.not_in_pcr.n++] = 5;
    rf.error_entries.v[rf.error_entries.n++] = 5;
    rf.n_banks = 2;
    strcpy(rf.bank[0].replay, "aa");
    strcpy(rf.bank[0].tpm, "bb");
    strcpy(rf.bank[0].quote, "bb");
    strcpy(rf.bank[1].replay, "cc");
    strcpy(rf.bank[1].tpm, "dd");
    strcpy(rf.bank[1].quote, "dd");
    char *e = found_expect(&rf);
    assert_string_equal(e, "list-complete = yes\nreplay-vs-tpm = differ\n"
                        "replay-vs-quote = differ\nquote = valid\nbypass = off\n"
                        "guest-alive = yes\nexplained = yes\nnot-in-pcr = 5\n"
                        "kernel-errors-for = 5\n");
    free(e);
    strcpy(rf.bank[1].tpm, "cc");        /* mixed: no replay-vs-tpm */
    rf.quote_valid = false;              /* invalid: no quote expectations */
    rf.explained = false;
    rf.errors_unplaced = 1;              /* an error of no entry: no -for */
    e = found_expect(&rf);
    assert_string_equal(e, "list-complete = yes\nbypass = off\nguest-alive = yes\n"
                        "explained = no\n");
    free(e);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_fail_on),
        cmocka_unit_test(test_found_expect),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
