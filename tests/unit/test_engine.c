/* The fault engine (faults/engine.c), a pure function of (rule state,
 * frame, seed): matching, counting, the per-rule random streams, the
 * triggers and their documented evaluation order. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "faults/engine.h"
#include "faults/rng.h"
#include "faults/scenario.h"

#define CC_EXTEND 0x182u
#define CC_QUOTE 0x158u
#define N_FRAMES 400

static struct scenario *load(const char *rules)
{
    static struct scenario s;
    char text[4096];
    char *err = NULL;
    snprintf(text, sizeof(text), "%s\n[expect]\nquote = valid\n", rules);
    if (scenario_parse(text, "engine.scn", &s, &err) < 0)
        fail_msg("script rejected: %s", err);
    return &s;
}

static struct fault_frame extend10(uint64_t ord)
{
    return (struct fault_frame){ .cc = CC_EXTEND, .pcr = 10, .ordinal = ord };
}

/* fired[k] = the index of the rule that decided the k-th frame (1-based),
 * or -1; every frame an IMA extend. */
static void run_extends(struct fault_engine *e, uint64_t seed, int *fired,
                        int n)
{
    fault_engine_start(e, seed);
    for (int k = 1; k <= n; k++) {
        struct fault_frame f = extend10((uint64_t)k);
        struct fault_decision d;
        fault_decide(e, &f, &d);
        fired[k] = d.rule;
    }
}

static void test_rng_definition(void **state)
{
    (void)state;
    /* xoshiro256**: from state {1,2,3,4} the first output is
     * rotl(2 * 5, 7) * 9 = 1280 * 9. */
    struct rng r = { { 1, 2, 3, 4 } };
    assert_int_equal(rng_next(&r), 11520);
    /* FNV-1a of the empty string is its offset basis. */
    assert_true(rng_hash_name("") == 0xcbf29ce484222325ull);
}

/* ppm draws are uniform: the share under a threshold is close to it. */
static void test_rng_ppm_uniform(void **state)
{
    (void)state;
    struct rng r;
    rng_seed(&r, 12345, rng_hash_name("coin"));
    const int n = 200000;
    int under_quarter = 0, under_tenth = 0;
    for (int i = 0; i < n; i++) {
        uint32_t v = rng_ppm(&r);
        assert_true(v < 1000000u);
        under_quarter += v < 250000;
        under_tenth += v < 100000;
    }
    /* 5 standard deviations: a failure is a bug, not bad luck. */
    assert_in_range(under_quarter, 50000 - 970, 50000 + 970);
    assert_in_range(under_tenth, 20000 - 671, 20000 + 671);
}

/* A frame that does not match leaves the rule untouched: nth counts
 * matched frames only. */
static void test_only_matched_frames_count(void **state)
{
    (void)state;
    struct fault_engine *e = &load("[fault]\ncommand = PCR_Extend\npcr = 10\n"
                                   "nth = 3\naction = cancel\n")->faults;
    fault_engine_start(e, 1);
    const struct fault_frame frames[] = {
        { CC_EXTEND, 0, 1, 0 },  { CC_EXTEND, 10, 2, 0 }, { CC_QUOTE, -1, 3, 0 },
        { CC_EXTEND, 7, 4, 0 },  { CC_EXTEND, 10, 5, 0 }, { CC_EXTEND, 4, 6, 0 },
        { CC_EXTEND, 10, 7, 0 }, { CC_EXTEND, 10, 8, 0 },
    };
    const int want[] = { -1, -1, -1, -1, -1, -1, 0, -1 };
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct fault_decision d;
        fault_decide(e, &frames[i], &d);
        assert_int_equal(d.rule, want[i]);
        assert_int_equal(d.action, want[i] < 0 ? FA_NONE : FA_CANCEL);
        assert_int_equal(d.forwarded, want[i] < 0);
    }
    assert_int_equal(e->state[0].matched, 4);
    assert_int_equal(e->state[0].fired, 1);
}

/* Explicit trigger tables: the frames (k) each combination fires on. */
static void test_trigger_tables(void **state)
{
    (void)state;
    const struct {
        const char *keys;
        int fires[8];   /* 0-terminated */
    } rows[] = {
        { "nth = 4", { 4 } },
        { "after = 5\ntimes = 2", { 6, 7 } },
        { "every = 3\ntimes = 2", { 3, 6 } },
        { "from = 4\nto = 6", { 4, 5, 6 } },
        { "from = 4\nto = 9\nevery = 2", { 4, 6, 8 } },
        { "after = 2\nto = 5", { 3, 4, 5 } },
        { "every = 5\nfrom = 6\nto = 20\ntimes = 2", { 10, 15 } },
        { "nth = 6\nevery = 3\nfrom = 2\nto = 8", { 6 } },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char rules[256];
        snprintf(rules, sizeof(rules), "[fault]\ncommand = PCR_Extend\n%s\n"
                 "action = cancel\n", rows[i].keys);
        struct fault_engine *e = &load(rules)->faults;
        int fired[31];
        run_extends(e, 7, fired, 30);
        int j = 0;
        for (int k = 1; k <= 30; k++) {
            bool want = rows[i].fires[j] == k;
            if (want != (fired[k] == 0))
                fail_msg("'%s': frame %d %s", rows[i].keys, k,
                         want ? "should fire" : "should not fire");
            j += want;
        }
    }
}

/* Every combination of window, after, every and times over 60 frames
 * against the documented definition. */
static void test_trigger_grid(void **state)
{
    (void)state;
    const unsigned froms[] = { 0, 1, 7 }, tos[] = { 0, 9, 40 },
                   afters[] = { 0, 3, 12 }, everys[] = { 0, 1, 4 },
                   times[] = { 0, 1, 3 };
    int cases = 0;
    for (int a = 0; a < 3; a++)
    for (int b = 0; b < 3; b++)
    for (int c = 0; c < 3; c++)
    for (int d = 0; d < 3; d++)
    for (int t = 0; t < 3; t++) {
        unsigned from = froms[a], to = tos[b], after = afters[c],
                 every = everys[d], tm = times[t];
        if ((from && to && from > to) || (after && to && to <= after))
            continue;   /* contradictions the parser rejects */
        char rules[256] = "[fault]\ncommand = PCR_Extend\naction = cancel\n";
        size_t n = strlen(rules);
#define KEY(name, v) if (v) n += (size_t)snprintf(rules + n, sizeof(rules) - n, \
                                                  name " = %u\n", v)
        KEY("from", from); KEY("to", to); KEY("after", after);
        KEY("every", every); KEY("times", tm);
#undef KEY
        struct fault_engine *e = &load(rules)->faults;
        int fired[61];
        run_extends(e, 3, fired, 60);
        unsigned count = 0;
        for (unsigned k = 1; k <= 60; k++) {
            bool want = (!from || k >= from) && (!to || k <= to) &&
                        k > after && (!every || k % every == 0) &&
                        (!tm || count < tm);
            count += want;
            if (want != (fired[k] == 0))
                fail_msg("from=%u to=%u after=%u every=%u times=%u: frame %u",
                         from, to, after, every, tm, k);
        }
        cases++;
    }
    assert_true(cases > 150);
}

/* The first rule that fires decides; later rules still count the frame. */
static void test_first_rule_wins_later_rules_count(void **state)
{
    (void)state;
    struct fault_engine *e = &load(
        "[fault]\nname = first\ncommand = PCR_Extend\nnth = 2\naction = cancel\n"
        "[fault]\nname = second\ncommand = PCR_Extend\nevery = 2\n"
        "action = error\nrc = TPM_RC_FAILURE\n")->faults;
    int fired[7];
    run_extends(e, 1, fired, 6);
    const int want[] = { 0, -1, 0, -1, 1, -1, 1 };
    for (int k = 1; k <= 6; k++)
        assert_int_equal(fired[k], want[k]);
    assert_int_equal(e->state[1].matched, 6);
    assert_int_equal(e->state[1].fired, 2);   /* frame 2 went to "first" */
}

/* times counts firings that decided a frame, not triggers that lost. */
static void test_times_counts_decisions(void **state)
{
    (void)state;
    struct fault_engine *e = &load(
        "[fault]\nname = a\ncommand = PCR_Extend\nfrom = 1\nto = 2\naction = cancel\n"
        "[fault]\nname = b\ncommand = PCR_Extend\ntimes = 2\naction = close\n")->faults;
    int fired[6];
    run_extends(e, 1, fired, 5);
    const int want[] = { 0, 0, 0, 1, 1, -1 };
    for (int k = 1; k <= 5; k++)
        assert_int_equal(fired[k], want[k]);
}

/* The per-frame pattern of the rule named "coin" (ppm = 300000). */
static void coin_pattern(const char *rules, uint64_t seed, int coin, bool *out)
{
    struct fault_engine *e = &load(rules)->faults;
    int fired[N_FRAMES + 1];
    run_extends(e, seed, fired, N_FRAMES);
    for (int k = 1; k <= N_FRAMES; k++)
        out[k] = fired[k] == coin;
}

#define COIN "[fault]\nname = coin\ncommand = PCR_Extend\nppm = 300000\naction = cancel\n"
#define OTHER "[fault]\nname = other\ncommand = Quote\nppm = 500000\naction = close\n"

/* Adding, removing or reordering rules does not change a rule's draws;
 * the seed and the rule's name do. */
static void test_streams_are_per_rule(void **state)
{
    (void)state;
    static bool alone[N_FRAMES + 1], after_other[N_FRAMES + 1],
                before_other[N_FRAMES + 1], reseeded[N_FRAMES + 1],
                renamed[N_FRAMES + 1];
    coin_pattern(COIN, 99, 0, alone);
    coin_pattern(OTHER COIN, 99, 1, after_other);
    coin_pattern(COIN OTHER, 99, 0, before_other);
    coin_pattern(COIN, 100, 0, reseeded);
    struct fault_engine *e = &load("[fault]\nname = coin2\ncommand = PCR_Extend\n"
                                   "ppm = 300000\naction = cancel\n")->faults;
    int fired[N_FRAMES + 1];
    run_extends(e, 99, fired, N_FRAMES);
    int n_alone = 0, same_seed = 0, same_name = 0;
    for (int k = 1; k <= N_FRAMES; k++) {
        renamed[k] = fired[k] == 0;
        n_alone += alone[k];
        same_seed += alone[k] == reseeded[k];
        same_name += alone[k] == renamed[k];
    }
    assert_memory_equal(alone, after_other, sizeof(alone));
    assert_memory_equal(alone, before_other, sizeof(alone));
    assert_in_range(n_alone, 70, 170);          /* ~120 of 400 */
    assert_true(same_seed < N_FRAMES - 20);     /* another seed, other draws */
    assert_true(same_name < N_FRAMES - 20);     /* another name, other draws */
}

/* The draw is taken on every matched frame whatever the other triggers
 * say: with nth = k the rule fires exactly when the k-th draw is a hit. */
static void test_draw_on_every_matched_frame(void **state)
{
    (void)state;
    static bool every_frame[N_FRAMES + 1];
    coin_pattern(COIN, 5, 0, every_frame);
    for (int nth = 1; nth <= 40; nth++) {
        char rules[256];
        snprintf(rules, sizeof(rules), "[fault]\nname = coin\ncommand = "
                 "PCR_Extend\nppm = 300000\nnth = %d\naction = cancel\n", nth);
        struct fault_engine *e = &load(rules)->faults;
        int fired[41];
        run_extends(e, 5, fired, 40);
        for (int k = 1; k <= 40; k++)
            assert_int_equal(fired[k] == 0, k == nth && every_frame[k]);
    }
}

/* The same seed gives the same decisions, restart after restart. */
static void test_same_seed_same_frames(void **state)
{
    (void)state;
    static bool a[N_FRAMES + 1], b[N_FRAMES + 1];
    coin_pattern(COIN, 0xdeadbeefcafeull, 0, a);
    coin_pattern(COIN, 0xdeadbeefcafeull, 0, b);
    assert_memory_equal(a, b, sizeof(a));
}

/* --- per-measurement counting --------------------------------------------- */

#define RC_RETRY 0x922u
#define RC_TESTING 0x90Au
#define DRIVER_TRIES 8   /* the Linux driver's attempts at one command */

/* The Linux driver over n measurements (PCR 10 extends, frame id = the
 * measurement's number): a RETRY or TESTING answer is resent, up to
 * DRIVER_TRIES frames.  log gets, per frame, 'F' (fired) or '.', and '|'
 * between measurements. */
static void drive(struct fault_engine *e, uint64_t seed, int n, char *log,
                  size_t cap)
{
    size_t at = 0;
    fault_engine_start(e, seed);
    for (int m = 1; m <= n; m++) {
        for (int attempt = 1; attempt <= DRIVER_TRIES; attempt++) {
            struct fault_frame f = extend10(0);
            f.id = (uint64_t)m;
            struct fault_decision d;
            fault_decide(e, &f, &d);
            uint32_t rc = d.action == FA_ERROR ? d.rc : 0;
            fault_note_answer(e, rc);
            assert_true(at + 2 < cap);
            log[at++] = d.rule >= 0 ? 'F' : '.';
            if (rc != RC_RETRY && rc != RC_TESTING)
                break;
        }
        log[at++] = m < n ? '|' : '\0';
    }
}

static void expect_drive(const char *keys, int n, const char *want)
{
    char rules[512], log[512];
    snprintf(rules, sizeof(rules), "[fault]\nname = m\ncommand = PCR_Extend\n"
             "pcr = 10\ncount = measurements\n%s\n", keys);
    drive(&load(rules)->faults, 3, n, log, sizeof(log));
    if (strcmp(log, want) != 0)
        fail_msg("'%s': got %s, wanted %s", keys, log, want);
}

/* "RETRY twice, then let it through, on every other measurement": the
 * pattern follows the measurements, whatever the resends do to frames. */
static void test_burst_on_every_other_measurement(void **state)
{
    (void)state;
    expect_drive("every = 2\noffset = 1\nburst = 2\naction = error\n"
                 "rc = TPM_RC_RETRY", 6, "FF.|.|FF.|.|FF.|.");
    expect_drive("every = 2\nburst = 2\naction = error\nrc = TPM_RC_RETRY",
                 6, ".|FF.|.|FF.|.|FF.");
    /* TESTING is resent as RETRY is */
    expect_drive("nth = 2\nburst = 3\naction = error\nrc = TPM_RC_TESTING",
                 3, ".|FFF.|.");
}

/* Without burst a measurement's every frame fires: the driver gives up
 * after its 8 attempts, and the next file is measurement k + 1. */
static void test_measurement_holds_every_resend(void **state)
{
    (void)state;
    expect_drive("nth = 2\naction = error\nrc = TPM_RC_RETRY", 3,
                 ".|FFFFFFFF|.");
    expect_drive("from = 2\nto = 3\nburst = 1\naction = error\n"
                 "rc = TPM_RC_RETRY", 4, ".|F.|F.|.");
    /* times counts measurements: a burst is one firing */
    expect_drive("burst = 2\ntimes = 2\naction = error\nrc = TPM_RC_RETRY",
                 4, "FF.|FF.|.|.");
    /* count = frames (the default) counts each resend again */
    char log[128];
    drive(&load("[fault]\ncommand = PCR_Extend\npcr = 10\nfrom = 2\nto = 3\n"
                "action = error\nrc = TPM_RC_RETRY\n")->faults, 3, 3, log,
          sizeof(log));
    assert_string_equal(log, ".|FF.|.");
}

/* A resend is the same frame right after a RETRY or TESTING answer to it;
 * anything else starts a measurement. */
static void test_what_is_a_resend(void **state)
{
    (void)state;
    struct fault_engine *e = &load("[fault]\ncommand = PCR_Extend\n"
                                   "count = measurements\nnth = 99\n"
                                   "action = cancel\n")->faults;
    const struct { uint64_t id; bool answered; uint32_t rc; uint64_t k; } f[] = {
        { 7, true, RC_RETRY, 1 },
        { 7, true, RC_TESTING, 1 },    /* resend */
        { 7, true, 0, 1 },             /* resend, answered success */
        { 7, true, RC_RETRY, 2 },      /* the same bytes after success: new */
        { 8, true, 0x101, 3 },         /* other bytes after RETRY: new */
        { 8, false, 0, 4 },            /* after a failure: new; no answer */
        { 8, true, 0, 5 },             /* after no answer at all: new */
        { 0, true, RC_RETRY, 6 },      /* id 0: unknown */
        { 0, true, 0, 7 },             /* never a resend */
    };
    fault_engine_start(e, 1);
    for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
        struct fault_frame fr = extend10(i + 1);
        fr.id = f[i].id;
        struct fault_decision d;
        fault_decide(e, &fr, &d);
        if (f[i].answered)
            fault_note_answer(e, f[i].rc);
        if (e->state[0].measured != f[i].k)
            fail_msg("frame %zu: measurement %llu, wanted %llu", i + 1,
                     (unsigned long long)e->state[0].measured,
                     (unsigned long long)f[i].k);
    }
    assert_int_equal(e->state[0].matched, 9);
}

/* With count = measurements a rule draws once per measurement: a burst's
 * frames share the draw. */
static void test_draw_per_measurement(void **state)
{
    (void)state;
    char log[4096];
    drive(&load("[fault]\nname = coin\ncommand = PCR_Extend\npcr = 10\n"
                "count = measurements\nppm = 500000\nburst = 3\n"
                "action = error\nrc = TPM_RC_RETRY\n")->faults, 11, 200,
          log, sizeof(log));
    int hit = 0, miss = 0;
    for (char *m = strtok(log, "|"); m; m = strtok(NULL, "|")) {
        if (strcmp(m, "FFF.") == 0)
            hit++;
        else if (strcmp(m, ".") == 0)
            miss++;
        else
            fail_msg("measurement frames '%s' do not share a draw", m);
    }
    assert_int_equal(hit + miss, 200);
    assert_in_range(hit, 65, 135);   /* 5 standard deviations around 100 */
}

/* offset shifts every: k % every == offset. */
static void test_every_offset(void **state)
{
    (void)state;
    struct fault_engine *e = &load("[fault]\ncommand = PCR_Extend\nevery = 3\n"
                                   "offset = 2\naction = cancel\n")->faults;
    int fired[13];
    run_extends(e, 1, fired, 12);
    for (int k = 1; k <= 12; k++)
        assert_int_equal(fired[k] == 0, k % 3 == 2);
}

/* failure-mode stays: every later command, of any kind, is answered
 * TPM_RC_FAILURE by that rule and not forwarded. */
static void test_failure_mode_is_sticky(void **state)
{
    (void)state;
    struct fault_engine *e = &load(
        "[fault]\nname = die\ncommand = PCR_Extend\npcr = 10\nnth = 2\n"
        "action = failure-mode\n"
        "[fault]\nname = late\ncommand = Quote\naction = close\n")->faults;
    fault_engine_start(e, 1);
    const struct fault_frame frames[] = {
        { CC_EXTEND, 10, 1, 0 }, { CC_EXTEND, 10, 2, 0 }, { CC_QUOTE, -1, 3, 0 },
        { CC_EXTEND, 0, 4, 0 },  { 0x144, -1, 5, 0 },
    };
    for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++) {
        struct fault_decision d;
        fault_decide(e, &frames[i], &d);
        if (i == 0) {
            assert_int_equal(d.rule, -1);
            assert_true(d.forwarded);
            continue;
        }
        assert_int_equal(d.rule, 0);
        assert_int_equal(d.action, FA_FAILURE_MODE);
        assert_int_equal(d.rc, 0x101);
        assert_false(d.forwarded);
    }
    assert_int_equal(e->state[1].matched, 1);   /* the Quote still counted */
    fault_engine_start(e, 1);                   /* a new run starts healthy */
    struct fault_decision d;
    struct fault_frame q = { CC_QUOTE, -1, 1, 0 };
    fault_decide(e, &q, &d);
    assert_int_equal(d.action, FA_CLOSE);
}

/* Which actions let the command reach swtpm (the README's table). */
static void test_forwards_table(void **state)
{
    (void)state;
    const struct {
        enum fault_action a;
        bool late, fwd;
    } rows[] = {
        { FA_NONE, false, true },         { FA_ERROR, false, false },
        { FA_APPLIED_ERROR, false, true }, { FA_DELAY, false, true },
        { FA_TIMEOUT, false, false },     { FA_TIMEOUT, true, true },
        { FA_CANCEL, false, false },      { FA_DROP_RESPONSE, false, true },
        { FA_FAILURE_MODE, false, false }, { FA_CLOSE, false, false },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        assert_int_equal(fault_action_forwards(rows[i].a, rows[i].late, false),
                         rows[i].fwd);
        assert_true(fault_action_forwards(rows[i].a, rows[i].late, true));
    }
    assert_string_equal(fault_action_name(FA_APPLIED_ERROR), "applied-then-error");
    assert_string_equal(fault_action_name((enum fault_action)99), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rng_definition),
        cmocka_unit_test(test_rng_ppm_uniform),
        cmocka_unit_test(test_only_matched_frames_count),
        cmocka_unit_test(test_trigger_tables),
        cmocka_unit_test(test_trigger_grid),
        cmocka_unit_test(test_first_rule_wins_later_rules_count),
        cmocka_unit_test(test_times_counts_decisions),
        cmocka_unit_test(test_streams_are_per_rule),
        cmocka_unit_test(test_draw_on_every_matched_frame),
        cmocka_unit_test(test_same_seed_same_frames),
        cmocka_unit_test(test_burst_on_every_other_measurement),
        cmocka_unit_test(test_measurement_holds_every_resend),
        cmocka_unit_test(test_what_is_a_resend),
        cmocka_unit_test(test_draw_per_measurement),
        cmocka_unit_test(test_every_offset),
        cmocka_unit_test(test_failure_mode_is_sticky),
        cmocka_unit_test(test_forwards_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
