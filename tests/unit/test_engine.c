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
        { CC_EXTEND, 0, 1 },  { CC_EXTEND, 10, 2 }, { CC_QUOTE, -1, 3 },
        { CC_EXTEND, 7, 4 },  { CC_EXTEND, 10, 5 }, { CC_EXTEND, 4, 6 },
        { CC_EXTEND, 10, 7 }, { CC_EXTEND, 10, 8 },
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
        { CC_EXTEND, 10, 1 }, { CC_EXTEND, 10, 2 }, { CC_QUOTE, -1, 3 },
        { CC_EXTEND, 0, 4 },  { 0x144, -1, 5 },
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
    struct fault_frame q = { CC_QUOTE, -1, 1 };
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
        cmocka_unit_test(test_failure_mode_is_sticky),
        cmocka_unit_test(test_forwards_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
