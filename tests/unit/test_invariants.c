/* explore/invariants: each invariant on a run where it holds and on one
 * that violates it; a run violating several; runfacts_parse on a report's
 * facts (the shape report.c writes; the values made up: an
 * intermittent-extend-like run with two more faults, a Quote's and a close);
 * explore_judge on real broken runs: one the guest broke is judged on its
 * facts (guest-survives violated), one the harness broke judges nothing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/class.h"
#include "explore/invariants.h"
#include "explore/judge.h"

#define H1 "c335a6896ae102ab8ee0e0dd678c93d2fdcbcb4d"
#define H2 "6ab0611f5624b9fc1681b0828216515a1dedb27e"

static void add(struct rf_idxset *s, int64_t k)
{
    s->v[s->n++] = k;
}

/* A clean run: 6 entries, everything in PCR 10, a valid quote of it. */
static struct run_facts clean(void)
{
    struct run_facts rf;
    memset(&rf, 0, sizeof(rf));
    rf.tpm_present = rf.list_complete = rf.list_received = rf.explained = true;
    rf.quote_present = rf.quote_valid = rf.guest_alive = true;
    rf.list_entries = 6;
    strcpy(rf.boot_aggregate_is, "firmware");
    rf.n_banks = 1;
    strcpy(rf.bank[0].name, "sha1");
    strcpy(rf.bank[0].replay, H1);
    strcpy(rf.bank[0].tpm, H1);
    strcpy(rf.bank[0].quote, H1);
    return rf;
}

/* Entry k never reached PCR 10: the TPM and the quote differ from the replay. */
static void lose(struct run_facts *rf, int64_t k)
{
    add(&rf->not_in_pcr, k);
    strcpy(rf->bank[0].tpm, H2);
    strcpy(rf->bank[0].quote, H2);
}

static size_t violated(const struct run_facts *rf, const char **names)
{
    size_t n = 0;
    for (size_t i = 0; i < n_invariants; i++)
        if (invariants[i].check(rf) == INV_VIOLATED)
            names[n++] = invariants[i].name;
    return n;
}

static void test_clean_run_holds_everything(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    for (size_t i = 0; i < n_invariants; i++)
        if (invariants[i].check(&rf) != INV_HOLDS)
            fail_msg("%s: %s on a clean run", invariants[i].name,
                     inv_result_name(invariants[i].check(&rf)));
    assert_int_equal(n_invariants, 9);
}

static void test_list_complete(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    rf.list_complete = false;
    assert_int_equal(inv_list_complete(&rf), INV_VIOLATED);
    rf.list_received = false;       /* the guest died before it sent one */
    assert_int_equal(inv_list_complete(&rf), INV_UNKNOWN);
}

static void test_silent_divergence(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    lose(&rf, 3);
    add(&rf.error_entries, 3);
    assert_int_equal(inv_no_silent_divergence(&rf), INV_HOLDS);
    /* applied twice and nothing logged for it (6.1's RETRY after apply) */
    add(&rf.applied_twice, 4);
    assert_int_equal(inv_no_silent_divergence(&rf), INV_VIOLATED);
    rf.explained = false;
    assert_int_equal(inv_no_silent_divergence(&rf), INV_UNKNOWN);
}

static void test_false_alarm(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    add(&rf.error_entries, 3);      /* the kernel complained about 3 ... */
    lose(&rf, 4);                   /* ... but 4 is the one lost (a 5 s hold) */
    assert_int_equal(inv_no_false_alarm(&rf), INV_VIOLATED);
    rf = clean();
    lose(&rf, 3);
    add(&rf.error_entries, 3);
    assert_int_equal(inv_no_false_alarm(&rf), INV_HOLDS);
    rf = clean();
    rf.errors_unplaced = 1;         /* an error of no entry, nothing lost */
    assert_int_equal(inv_no_false_alarm(&rf), INV_VIOLATED);
}

static void test_exact_verifier(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    lose(&rf, 2);
    assert_int_equal(inv_exact_verifier_rejects(&rf), INV_HOLDS);
    strcpy(rf.bank[0].quote, H1);   /* a quote of the replay, not of the TPM */
    assert_int_equal(inv_exact_verifier_rejects(&rf), INV_VIOLATED);
    rf.bank[0].quote[0] = '\0';
    assert_int_equal(inv_exact_verifier_rejects(&rf), INV_UNKNOWN);
}

static void test_prefix_verifier(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    lose(&rf, 4);                   /* 4 lost, 5 in: no prefix matches */
    assert_int_equal(inv_prefix_verifier_fooled(&rf), INV_HOLDS);
    add(&rf.not_in_pcr, 5);         /* 4 and 5: the tail */
    assert_int_equal(inv_prefix_verifier_fooled(&rf), INV_VIOLATED);
    rf.quote_valid = false;
    assert_int_equal(inv_prefix_verifier_fooled(&rf), INV_HOLDS);
}

static void test_bypass(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    rf.bypass = true;
    assert_int_equal(inv_bypass_only_without_tpm(&rf), INV_VIOLATED);
    rf.tpm_present = false;
    assert_int_equal(inv_bypass_only_without_tpm(&rf), INV_HOLDS);
}

static void test_boot_aggregate(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    strcpy(rf.boot_aggregate_is, "other");
    assert_int_equal(inv_boot_aggregate_honest(&rf), INV_VIOLATED);
    strcpy(rf.boot_aggregate_is, "zero-pcrs");  /* IMA read no PCR */
    assert_int_equal(inv_boot_aggregate_honest(&rf), INV_VIOLATED);
    strcpy(rf.boot_aggregate_is, "zero");       /* TPM-bypass says so */
    assert_int_equal(inv_boot_aggregate_honest(&rf), INV_HOLDS);
    rf.boot_aggregate_is[0] = '\0';
    assert_int_equal(inv_boot_aggregate_honest(&rf), INV_UNKNOWN);
}

static void test_guest_and_quote(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    rf.quote_present = false;
    assert_int_equal(inv_quote_when_tpm_works(&rf), INV_VIOLATED);
    rf.guest_alive = false;         /* it died before it asked for one */
    assert_int_equal(inv_guest_survives(&rf), INV_VIOLATED);
    assert_int_equal(inv_quote_when_tpm_works(&rf), INV_UNKNOWN);
    rf.faults_tpm_broken = 1;       /* the Quote itself was faulted */
    assert_int_equal(inv_quote_when_tpm_works(&rf), INV_HOLDS);
}

static void test_several_at_once(void **state)
{
    (void)state;
    struct run_facts rf = clean();
    lose(&rf, 5);                   /* the tail, silently */
    rf.list_complete = false;
    const char *names[16];
    size_t n = violated(&rf, names);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "list-complete");
    assert_string_equal(names[1], "no-silent-divergence");
    assert_string_equal(names[2], "prefix-verifier-fooled");
}

static void test_class(void **state)
{
    (void)state;
    char name[256];
    struct run_facts rf = clean();
    assert_int_equal(class_name(&rf, name, sizeof(name)), 0);
    assert_string_equal(name, "none.ok");
    add(&rf.applied_twice, 2);
    assert_int_equal(class_name(&rf, name, sizeof(name)), 0);
    assert_string_equal(name, "doubled.no-silent-divergence");
    lose(&rf, 3);
    assert_string_equal(class_shape(&rf), "missing-doubled");
    rf = clean();
    lose(&rf, 5);
    add(&rf.error_entries, 5);
    assert_int_equal(class_name(&rf, name, sizeof(name)), 0);
    assert_string_equal(name, "missing-tail.prefix-verifier-fooled");
    lose(&rf, 2);
    assert_string_equal(class_shape(&rf), "missing");
    rf.explained = false;
    assert_string_equal(class_shape(&rf), "unexplained");
    assert_int_equal(class_name(&rf, name, 8), -1);
}

/* late-response-busy: file 3's response held 5 s; the kernel logs errors
 * for 3 (in PCR 10) and 4, and 4 is what is missing. */
static void test_class_next_lost(void **state)
{
    (void)state;
    char name[256];
    struct run_facts rf = clean();
    lose(&rf, 4);
    add(&rf.error_entries, 3);
    add(&rf.error_entries, 4);
    assert_int_equal(class_name(&rf, name, sizeof(name)), 0);
    assert_string_equal(name, "missing-next.no-false-alarm");
    rf = clean();                       /* the last file's: the tail */
    lose(&rf, 5);
    add(&rf.error_entries, 4);
    add(&rf.error_entries, 5);
    assert_string_equal(class_shape(&rf), "missing-next");
    rf = clean();                       /* an error for 3, which is lost too */
    lose(&rf, 3);
    lose(&rf, 4);
    add(&rf.error_entries, 3);
    assert_string_equal(class_shape(&rf), "missing");
    rf = clean();                       /* an error for the lost entry itself */
    lose(&rf, 5);
    add(&rf.error_entries, 5);
    assert_string_equal(class_shape(&rf), "missing-tail");
}

/* A found script's comment: the shape's meaning, then each invariant's. */
static void test_class_describe(void **state)
{
    (void)state;
    char *text = NULL;
    size_t len;
    FILE *o = open_memstream(&text, &len);
    assert_non_null(o);
    class_describe(o, "missing-next.no-false-alarm.prefix-verifier-fooled");
    assert_int_equal(fclose(o), 0);
    assert_string_equal(text,
        "# missing-next: an entry is missing from PCR 10 right after one the kernel\n"
        "#   logged an error for although that one reached the PCR: the error names\n"
        "#   the wrong measurement.\n"
        "# no-false-alarm violated: a kernel error belongs to an entry that is neither\n"
        "#   missing nor doubled.\n"
        "# prefix-verifier-fooled violated: a valid quote is the replay of a strict\n"
        "#   prefix: evmctl and Keylime accept it.\n");
    free(text);
}

static void test_class_words(void **state)
{
    (void)state;
    static const char *const known[] = {
        "none", "missing-next", "missing-doubled", "ok", "broken", "skip",
        "no-false-alarm", "guest-survives",
    };
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        assert_true(class_word_known(known[i], strlen(known[i])));
    assert_false(class_word_known("missing-nextx", 13));
    assert_false(class_word_known("missing-next", 8));     /* "missing-" */
    assert_false(class_word_known("bogus", 5));
}

static const char report[] =
    "{\"scenario\":\"intermittent-extend\",\"facts\":{\"extends_seen\":6,"
    "\"list_entries\":6,\"list_complete\":true,\"bypass\":false,"
    "\"boot_aggregate\":\"sha256:6f8ff0bb6a5a8f76a8b01a60571b954695cf7ac31f2666b7756d357bf21cb3d4\","
    "\"boot_aggregate_is\":\"firmware\","
    "\"quote_present\":true,\"quote_valid\":true,"
    "\"kernel_errors\":[{\"entry\":3,\"file\":\"/work/file3\",\"result\":257},"
    "{\"entry\":null,\"file\":null,\"result\":-62}],"
    "\"guest_alive\":true,\"faults_injected\":[{\"rule\":\"third-file\","
    "\"command\":\"PCR_Extend\",\"action\":\"error\"},{\"rule\":\"q\",\"command\":\"Quote\"},"
    "{\"rule\":\"c\",\"command\":\"PCR_Extend\",\"action\":\"close\"}],"
    "\"entries_not_in_pcr\":[3],\"entries_applied_twice\":[],"
    "\"explanation\":{\"found\":true},"
    "\"banks\":{\"sha1\":{\"replay\":\"" H1 "\",\"quote_pcr10\":\"" H2 "\","
    "\"tpm_pcr10\":\"" H2 "\"},\"sha256\":{\"replay\":null}}}}";

static void test_parse(void **state)
{
    (void)state;
    struct run_facts rf;
    char *err = NULL;
    assert_int_equal(runfacts_parse(report, &rf, &err), 0);
    assert_true(rf.list_complete && rf.explained && rf.quote_valid && rf.guest_alive);
    assert_int_equal(rf.list_entries, 6);
    assert_int_equal(rf.not_in_pcr.n, 1);
    assert_int_equal(rf.not_in_pcr.v[0], 3);
    assert_int_equal(rf.error_entries.n, 1);
    assert_int_equal(rf.errors_unplaced, 1);
    assert_int_equal(rf.faults_fired, 3);
    assert_int_equal(rf.faults_tpm_broken, 2);   /* the Quote's, the close */
    assert_int_equal(rf.n_banks, 2);
    assert_string_equal(rf.bank[0].tpm, H2);
    assert_string_equal(rf.bank[1].replay, "");
    assert_string_equal(rf.boot_aggregate_is, "firmware");
    assert_int_equal(inv_boot_aggregate_honest(&rf), INV_HOLDS);
    assert_int_equal(inv_no_silent_divergence(&rf), INV_HOLDS);
    assert_int_equal(inv_exact_verifier_rejects(&rf), INV_HOLDS);
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct run_facts rf;
    char *err = NULL;
    assert_int_equal(runfacts_parse("{\"facts\":{}}", &rf, &err), -1);
    assert_non_null(strstr(err, "facts.list_complete"));
    free(err);
    err = NULL;
    assert_int_equal(runfacts_parse("{\"verdict\":\"pass\"}", &rf, &err), -1);
    assert_non_null(strstr(err, "no 'facts'"));
    free(err);
    err = NULL;
    assert_int_equal(runfacts_parse("{\"facts\":", &rf, &err), -1);
    assert_non_null(strstr(err, "report.json"));
    free(err);
}

/* Real broken runs (report.json in tests/data/runs/NAME): the guest hung past
 * the deadline or panicked after its workload (TPMFAULT_TEST_HOOK), and
 * the shim failed to start (TPMFAULT_SHIM_WRAPPER=false). */
static void judge_run(const char *name, const char *verdict, int want_rc,
                      const char *want_cls)
{
    char dir[128], cls[256], *why = NULL;
    struct run_facts rf;
    snprintf(dir, sizeof(dir), "tests/data/runs/%s", name);
    int rc = explore_judge(dir, verdict, &rf, cls, sizeof(cls), &why);
    if (rc != want_rc || strcmp(cls, want_cls) != 0)
        fail_msg("%s: %d %s (%s), not %d %s", name, rc, cls, why ? why : "",
                 want_rc, want_cls);
    assert_true(want_rc < 0 ? why != NULL : why == NULL);
    free(why);
}

static void test_judge_broken_runs(void **state)
{
    (void)state;
    /* the guest hung, or panicked, after its workload and before it sent
     * its list: nothing known but that */
    judge_run("guest-hang", "broken", 0, "unexplained.guest-survives");
    judge_run("guest-panic", "broken", 0, "unexplained.guest-survives");
    /* the harness could not run it: nothing judged */
    judge_run("shim-fails", "broken", -1, "broken");
    judge_run("guest-hang", "skip", -1, "skip");
    judge_run("no-such-run", "broken", -1, "broken");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean_run_holds_everything),
        cmocka_unit_test(test_list_complete),
        cmocka_unit_test(test_silent_divergence),
        cmocka_unit_test(test_false_alarm),
        cmocka_unit_test(test_exact_verifier),
        cmocka_unit_test(test_prefix_verifier),
        cmocka_unit_test(test_bypass),
        cmocka_unit_test(test_boot_aggregate),
        cmocka_unit_test(test_guest_and_quote),
        cmocka_unit_test(test_several_at_once),
        cmocka_unit_test(test_class),
        cmocka_unit_test(test_class_next_lost),
        cmocka_unit_test(test_class_words),
        cmocka_unit_test(test_class_describe),
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_judge_broken_runs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
