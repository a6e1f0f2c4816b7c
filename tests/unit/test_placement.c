/* explore/placement: the same seed gives the same placements, another seed
 * others; every generated script passes the scenario parser (1000 seeds,
 * and the first placements of one search); the space is covered (every
 * action, both directions, IMA and other commands, single and pairs); the
 * first 40 placements of every one of 1000 seeds hold a resent error after
 * an applied extend and a 5 s delay with a measurement after it, and
 * the opening puts every action on an IMA extend. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explore/placement.h"
#include "faults/scenario.h"

static char *script_of(uint64_t seed, uint64_t i)
{
    struct placement p;
    placement_make(seed, i, &p);
    char *s = placement_script(&p, "explore test", NULL);
    assert_non_null(s);
    return s;
}

static void test_same_seed_same_sequence(void **state)
{
    (void)state;
    for (uint64_t i = 0; i < 50; i++) {
        char *a = script_of(42, i), *b = script_of(42, i);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    int differ = 0;
    for (uint64_t i = 0; i < 50; i++) {
        char *a = script_of(42, i), *b = script_of(43, i);
        differ += strcmp(a, b) != 0;
        free(a);
        free(b);
    }
    assert_true(differ > 40);
}

static void parse_ok(uint64_t seed, uint64_t i)
{
    char *text = script_of(seed, i);
    struct scenario s;
    char *err = NULL;
    if (scenario_parse(text, "explore-p.scn", &s, &err) != 0)
        fail_msg("seed %llu placement %llu: %s\n%s", (unsigned long long)seed,
                 (unsigned long long)i, err, text);
    free(text);
}

static void test_every_script_parses(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 1000; seed++)
        parse_ok(seed, 0);
    for (uint64_t i = 0; i < 1000; i++)
        parse_ok(7, i);
}

static void test_space_is_covered(void **state)
{
    (void)state;
    static const char *const want[] = {
        "error", "applied-then-error", "delay", "timeout", "cancel",
        "drop-response", "failure-mode", "close",
    };
    unsigned seen[8] = { 0 }, response = 0, pairs = 0, ima = 0, boot = 0, other = 0;
    for (uint64_t i = 0; i < 2000; i++) {
        struct placement p;
        placement_make(1, i, &p);
        pairs += p.n == 2;
        for (size_t j = 0; j < p.n; j++) {
            const struct fault_place *f = &p.f[j];
            for (size_t a = 0; a < 8; a++)
                seen[a] += strcmp(f->action, want[a]) == 0;
            response += f->response;
            ima += f->pcr == 10;
            boot += f->pcr == 10 && f->nth == 1;
            other += f->pcr < 0;
            assert_true(f->pcr != 10 || (f->nth >= 1 && f->nth <= p.files + 1));
        }
    }
    for (size_t a = 0; a < 8; a++)
        if (seen[a] == 0)
            fail_msg("no placement with action %s", want[a]);
    assert_true(response > 0 && pairs > 0 && ima > 0 && boot > 0 && other > 0);
}

/* The driver resends after TPM_RC_RETRY and TPM_RC_TESTING: a fault that
 * lets swtpm apply an IMA extend and answers one of them doubles it. */
static bool doubles(const struct fault_place *f)
{
    bool resent = f->rc && (!strcmp(f->rc, "TPM_RC_RETRY") || !strcmp(f->rc, "TPM_RC_TESTING"));
    bool applied = !strcmp(f->action, "applied-then-error") ||
                   (!strcmp(f->action, "error") && f->response);
    return f->pcr == 10 && resent && applied;
}

/* An IMA extend held 5 s with another measurement after it (file k - 1's,
 * k <= files): the next one is lost (4.1 s loses none: measured). */
static bool loses_next(const struct fault_place *f, unsigned files)
{
    return f->pcr == 10 && !strcmp(f->action, "delay") && f->delay_ms >= 5000 &&
           f->nth >= 2 && f->nth <= files;
}

static void test_both_kinds_in_40(void **state)
{
    (void)state;
    for (uint64_t seed = 0; seed < 1000; seed++) {
        bool twice = false, next = false;
        for (uint64_t i = 0; i < 40; i++) {
            struct placement p;
            placement_make(seed, i, &p);
            for (size_t j = 0; j < p.n; j++) {
                twice = twice || doubles(&p.f[j]);
                next = next || loses_next(&p.f[j], p.files);
            }
        }
        if (!twice || !next)
            fail_msg("seed %llu: the first 40 placements lack %s",
                     (unsigned long long)seed, !twice ? "a doubling one" : "a next-lost one");
    }
}

static void test_opening_covers_actions(void **state)
{
    (void)state;
    static const char *const want[] = {
        "error", "applied-then-error", "delay", "timeout", "cancel",
        "drop-response", "failure-mode", "close",
    };
    assert_true(placement_opening() < 40);
    for (uint64_t seed = 0; seed < 100; seed++) {
        bool seen[8] = { false }, firmware = false, other = false;
        for (uint64_t i = 0; i < placement_opening(); i++) {
            struct placement p;
            placement_make(seed, i, &p);
            assert_int_equal(p.n, 1);
            for (size_t a = 0; a < 8; a++)
                seen[a] = seen[a] || (p.f[0].pcr == 10 && !strcmp(p.f[0].action, want[a]));
            firmware = firmware || (p.f[0].pcr >= 0 && p.f[0].pcr < 8);
            other = other || p.f[0].pcr < 0;
        }
        for (size_t a = 0; a < 8; a++)
            if (!seen[a])
                fail_msg("seed %llu: no IMA %s in the opening", (unsigned long long)seed, want[a]);
        assert_true(firmware && other);
    }
}

static void test_describe(void **state)
{
    (void)state;
    struct placement p = { .run_seed = 1, .files = 5, .n = 1 };
    p.f[0] = (struct fault_place){ .command = "PCR_Extend", .pcr = 10, .nth = 3,
                                   .action = "error", .rc = "TPM_RC_RETRY",
                                   .applied = -1 };
    char *d = placement_describe(&p);
    assert_string_equal(d, "files=5 | PCR_Extend pcr=10 k=3 command error TPM_RC_RETRY");
    free(d);
}

static void test_smaller(void **state)
{
    (void)state;
    struct placement p = { .run_seed = 1, .files = 5, .n = 2 }, out[8];
    p.f[0] = (struct fault_place){ .command = "PCR_Extend", .pcr = 10, .nth = 3,
                                   .action = "delay", .delay_ms = 2100, .applied = -1 };
    p.f[1] = (struct fault_place){ .command = "Quote", .pcr = -1, .nth = 1,
                                   .action = "cancel", .applied = -1 };
    size_t n = placement_smaller(&p, out, 8);
    /* without Quote's, without the delay, k = 2, 1990 ms, files = 4 */
    assert_int_equal(n, 5);
    assert_int_equal(out[0].n, 1);
    assert_string_equal(out[0].f[0].command, "Quote");
    assert_string_equal(out[1].f[0].command, "PCR_Extend");
    assert_int_equal(out[2].f[0].nth, 2);
    assert_int_equal(out[3].f[0].delay_ms, 1990);
    assert_int_equal(out[4].files, 4);
    p.n = 1;
    p.files = 2;                /* k = 3 needs file 2 */
    p.f[0].nth = 1;
    p.f[0].delay_ms = 500;      /* the shortest */
    p.f[0].nth = 3;
    n = placement_smaller(&p, out, 8);
    assert_int_equal(n, 1);     /* only k = 2 */
    assert_int_equal(out[0].f[0].nth, 2);
    for (uint64_t i = 0; i < 200; i++) {   /* every smaller one parses */
        placement_make(3, i, &p);
        n = placement_smaller(&p, out, 8);
        for (size_t j = 0; j < n; j++) {
            char *text = placement_script(&out[j], "smaller", NULL);
            struct scenario s;
            char *err = NULL;
            if (scenario_parse(text, "s.scn", &s, &err) != 0)
                fail_msg("%s\n%s", err, text);
            free(text);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_seed_same_sequence),
        cmocka_unit_test(test_every_script_parses),
        cmocka_unit_test(test_both_kinds_in_40),
        cmocka_unit_test(test_opening_covers_actions),
        cmocka_unit_test(test_space_is_covered),
        cmocka_unit_test(test_describe),
        cmocka_unit_test(test_smaller),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
