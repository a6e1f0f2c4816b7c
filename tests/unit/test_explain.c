/* The verdict's explanation: a list in memory (verify/entries) aligned with
 * the extends swtpm applied (the trace).  Every digest and PCR value the
 * tests expect is computed here with OpenSSL, independently of the code
 * under test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <string.h>

#include "ima_build.h"
#include "runner/fsutil.h"
#include "support/trace_extends.h"
#include "verify/entries.h"
#include "verify/explain.h"

#define N_ENTRIES 5
#define BANKS ((1u << BANK_SHA1) | (1u << BANK_SHA256))

struct fixture {
    char dir[64];
    char list[128];
    /* what each entry extends, computed here: [entry][0] sha1, [1] sha256 */
    uint8_t ext[N_ENTRIES][2][32];
    struct list_entries le;
};

static const char *const names[N_ENTRIES] = {
    "boot_aggregate", "/work/file1", "/work/file2", "/work/file3", "/work/file4",
};

/* The list: boot_aggregate and four files, ima-ng, sha256 file digests. */
static void build_list(struct fixture *fx)
{
    struct lbuf b = { 0 };
    for (int i = 0; i < N_ENTRIES; i++) {
        uint8_t fd[32];
        md("sha256", names[i], strlen(names[i]), fd);
        add_ng(&b, 10, "ima-ng", "sha256", fd, 32, names[i], NULL, 0, 0);
        struct lbuf t = { 0 };
        ng_data(&t, "sha256", fd, 32, names[i], NULL, 0, 0);
        md("sha1", t.p, t.n, fx->ext[i][0]);
        md("sha256", t.p, t.n, fx->ext[i][1]);
        free(t.p);
    }
    FILE *f = fopen(fx->list, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b.p, 1, b.n, f), b.n);
    assert_int_equal(fclose(f), 0);
    free(b.p);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof(*fx));
    if (!fx || private_dir_create("test_explain", fx->dir, sizeof(fx->dir), NULL) < 0)
        return -1;
    snprintf(fx->list, sizeof(fx->list), "%s/list", fx->dir);
    build_list(fx);
    char *err = NULL;
    if (list_entries_load(fx->list, BANKS, 0, &fx->le, &err) < 0) {
        free(err);
        return -1;
    }
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    list_entries_free(&fx->le);
    int rc = tree_remove(fx->dir);
    free(fx);
    return rc;
}

/* A trace from a sequence of entry indices sent to the TPM; applied[k]
 * says whether the k-th send was executed.  The truth is the chain of the
 * applied ones, computed here. */
static void make_trace(const struct fixture *fx, const int *sent,
                       const bool *applied, size_t n, struct trace *t)
{
    struct trace_cmd *cmds = trace_extends(t, n, 100);
    uint8_t pcr1[20] = { 0 }, pcr256[32] = { 0 };
    for (size_t k = 0; k < n; k++) {
        struct trace_cmd *e = &cmds[k];
        e->tpm_rc = e->guest_rc = applied[k] ? 0 : 0x101;
        e->bank_mask = BANKS;
        memcpy(e->digest[BANK_SHA1], fx->ext[sent[k]][0], 20);
        memcpy(e->digest[BANK_SHA256], fx->ext[sent[k]][1], 32);
        if (!applied[k])
            continue;
        uint8_t cat[64];
        memcpy(cat, pcr1, 20);
        memcpy(cat + 20, fx->ext[sent[k]][0], 20);
        md("sha1", cat, 40, pcr1);
        memcpy(cat, pcr256, 32);
        memcpy(cat + 32, fx->ext[sent[k]][1], 32);
        md("sha256", cat, 64, pcr256);
    }
    t->have_truth = true;
    t->truth_mask = BANKS;
    memcpy(t->truth[BANK_SHA1], pcr1, 20);
    memcpy(t->truth[BANK_SHA256], pcr256, 32);
}

static void test_entries_match_independent_digests(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fx->le.n, N_ENTRIES);
    for (int i = 0; i < N_ENTRIES; i++) {
        assert_int_equal(fx->le.v[i].index, i);
        assert_string_equal(fx->le.v[i].file, names[i]);
        assert_memory_equal(fx->le.v[i].ext[BANK_SHA1], fx->ext[i][0], 20);
        assert_memory_equal(fx->le.v[i].ext[BANK_SHA256], fx->ext[i][1], 32);
    }
}

static void test_all_applied(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2, 3, 4 };
    const bool ok[] = { 1, 1, 1, 1, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 5, &t);
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_true(x.found);
    assert_int_equal(x.n_not_in_pcr, 0);
    assert_int_equal(x.n_applied_twice, 0);
    assert_int_equal(x.first_divergent, -1);
    trace_free(&t);
}

static void test_one_refused(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2, 3, 4 };
    const bool ok[] = { 1, 1, 1, 0, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 5, &t);
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_true(x.found);
    assert_int_equal(x.n_not_in_pcr, 1);
    assert_int_equal(x.not_in_pcr[0], 3);
    assert_int_equal(x.first_divergent, 3);
    assert_string_equal(x.first_file, "/work/file3");
    assert_string_equal(x.first_why, "its extend, frame 103, was not applied: "
                        "swtpm answered 0x101, the guest got "
                        "TPM_RC_FAILURE (0x101)");
    trace_free(&t);
}

/* The why names the fault that decided the entry's frames. */
static void test_why_names_the_fault(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2, 3, 3, 3, 4 };
    const bool ok[] = { 1, 1, 1, 0, 0, 0, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 7, &t);
    for (size_t k = 3; k < 6; k++) {   /* answered by the shim: never forwarded */
        t.cmds[k].forwarded = false;
        t.cmds[k].guest_rc = 0x922;
    }
    struct trace_fault f = { .ord = 105, .rule = "retry-forever",
                             .action = "error", .command = "PCR_Extend",
                             .pcr = 10 };
    t.faults = &f;
    t.n_faults = 1;
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_true(x.found);
    assert_int_equal(x.first_divergent, 3);
    assert_string_equal(x.first_why, "3 extend frames (103..105), none applied; "
                        "the last: fault retry-forever (error) kept it from "
                        "swtpm; the guest got TPM_RC_RETRY (0x922)");
    t.faults = NULL;
    trace_free(&t);
}

/* A driver resend of a command swtpm had executed: applied twice. */
static void test_applied_twice(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2, 2, 3, 4 };
    const bool ok[] = { 1, 1, 1, 1, 1, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 6, &t);
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_true(x.found);
    assert_int_equal(x.n_applied_twice, 1);
    assert_int_equal(x.applied_twice[0], 2);
    assert_int_equal(x.n_not_in_pcr, 0);
    assert_string_equal(x.first_why, "swtpm applied it 2 times in 2 frames "
                        "(102..103)");
    trace_free(&t);
}

/* The last entries never sent: not in the PCR. */
static void test_list_longer(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2 };
    const bool ok[] = { 1, 1, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 3, &t);
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_true(x.found);
    assert_int_equal(x.n_not_in_pcr, 2);
    assert_int_equal(x.not_in_pcr[0], 3);
    assert_int_equal(x.not_in_pcr[1], 4);
    assert_non_null(strstr(x.first_why, "no extend of it reached the shim"));
    trace_free(&t);
}

/* Entry 3's extend never reached the shim: entry 2's response was held 5 s
 * by a fault (QEMU cancelled it twice), so the guest's device was busy when
 * the kernel tried to send entry 3, and it gave up (as the 6.1 run of a 5 s
 * response delay did).  The cause is read from the trace, not guessed. */
static void test_never_sent_device_busy(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2, 4 };
    const bool ok[] = { 1, 1, 1, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 4, &t);
    struct trace_fault f = { .ord = 102, .rule = "slow-third", .action = "delay",
                             .command = "PCR_Extend", .pcr = 10,
                             .forwarded = true, .on_response = true, .t = 2.32,
                             .answered = true, .t_answered = 7.32 };
    t.faults = &f;
    t.n_faults = 1;
    t.cancel_t[0] = 3.07;
    t.cancel_t[1] = 3.08;
    t.cancel_t[2] = 7.4;            /* after the answer: not this frame's */
    t.n_cancels = 3;
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_true(x.found);
    assert_int_equal(x.first_divergent, 3);
    assert_int_equal(x.first_times, 0);
    assert_string_equal(x.first_why, "no extend of it reached the shim: the "
                        "guest's TPM device was still busy with frame 102 "
                        "(held by fault slow-third (delay on the response) "
                        "from 2.32 s until 7.32 s; QEMU sent 2 "
                        "CMD_CANCEL_TPM_CMD meanwhile, the first at 3.07 s); "
                        "the kernel gave up sending");
    /* a response dropped: never answered */
    f.answered = false;
    f.action[0] = '\0';
    strcat(f.action, "drop-response");
    f.on_response = false;
    explain_run(&fx->le, &t, &x);
    assert_string_equal(x.first_why, "no extend of it reached the shim: the "
                        "guest's TPM device was still busy with frame 102 "
                        "(held by fault slow-third (drop-response) from "
                        "2.32 s, never answered; QEMU sent 3 "
                        "CMD_CANCEL_TPM_CMD meanwhile, the first at 3.07 s); "
                        "the kernel gave up sending");
    /* the channel closed on it */
    f.closed = true;
    explain_run(&fx->le, &t, &x);
    assert_string_equal(x.first_why, "no extend of it reached the shim: fault "
                        "slow-third (drop-response) closed the data channel at "
                        "frame 102 (2.32 s); QEMU answers every later command "
                        "itself");
    /* answered at once, no cancel: the fault kept nothing busy */
    f.closed = false;
    f.answered = true;
    f.t_answered = 2.33;
    explain_run(&fx->le, &t, &x);
    assert_non_null(strstr(x.first_why, "the trace shows no frame a fault "
                           "held, dropped or closed the channel on"));
    t.faults = NULL;
    trace_free(&t);
}

/* A TPM value the alignment cannot produce: no explanation. */
static void test_truth_unexplained(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 1, 2, 3, 4 };
    const bool ok[] = { 1, 1, 1, 1, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 5, &t);
    t.truth[BANK_SHA256][0] ^= 1;      /* only one bank disagrees */
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_false(x.found);
    assert_non_null(strstr(x.why, "does not give the TPM's PCR 10"));
    trace_free(&t);
}

/* An applied extend the list does not hold (out of order here). */
static void test_extend_not_in_list(void **state)
{
    struct fixture *fx = *state;
    const int sent[] = { 0, 2, 1 };
    const bool ok[] = { 1, 1, 1 };
    struct trace t;
    make_trace(fx, sent, ok, 3, &t);
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_false(x.found);
    assert_non_null(strstr(x.why, "frame 102 matches no list entry"));
    trace_free(&t);
}

static void test_no_truth(void **state)
{
    struct fixture *fx = *state;
    struct trace t = { 0 };
    struct explanation x;
    explain_run(&fx->le, &t, &x);
    assert_false(x.found);
    assert_string_equal(x.why, "no TPM PCR 10 in the trace");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_entries_match_independent_digests),
        T(test_all_applied),
        T(test_one_refused),
        T(test_why_names_the_fault),
        T(test_applied_twice),
        T(test_list_longer),
        T(test_never_sent_device_busy),
        T(test_truth_unexplained),
        T(test_extend_not_in_list),
        T(test_no_truth),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
