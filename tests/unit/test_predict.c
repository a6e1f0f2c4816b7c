/* What check --explain and its warnings say before any run
 * (faults/predict.c): the engine over the workload's IMA extends, with the
 * driver's resends of the script's own RETRY/TESTING answers; and the
 * nearest-name helper behind "did you mean ...?" (util/near.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "faults/predict.h"
#include "util/near.h"

static struct scenario *load(const char *text)
{
    static struct scenario s;
    char *err = NULL;
    if (scenario_parse(text, "p.scn", &s, &err) < 0)
        fail_msg("script rejected: %s", err);
    return &s;
}

#define EXPECT "[expect]\nquote = valid\n"

/* "k:frame k:frame ..." of rule i's hits. */
static const char *hits(const struct prediction *p, int i)
{
    static char buf[512];
    size_t at = 0;
    buf[0] = '\0';
    for (unsigned h = 0; h < p->rule[i].n_hits && h < PREDICT_MAX_HITS; h++)
        at += (size_t)snprintf(buf + at, sizeof(buf) - at, "%s%u:%u",
                               h ? " " : "", p->rule[i].hit[h].k,
                               p->rule[i].hit[h].frame);
    return buf;
}

static void predict(const char *text, struct prediction *p)
{
    scenario_predict(load(text), false, 0, p);
}

/* The catalogue's faults, as the real kernel showed them (scenarios/
 * README.md): the n-th file is k = n + 1, retries are frames of one k. */
static void test_catalogue_predictions(void **state)
{
    (void)state;
    static struct prediction p;
    predict("[run]\nfiles = 5\n[fault]\ncommand = PCR_Extend\npcr = 10\n"
            "nth = 4\naction = timeout\n" EXPECT, &p);
    assert_int_equal(p.extends, 6);
    assert_string_equal(hits(&p, 0), "4:1");
    /* retry-recovered: frames 4-6 are file 3's first three sends */
    predict("[run]\nfiles = 5\n[fault]\ncommand = PCR_Extend\npcr = 10\n"
            "from = 4\nto = 6\naction = error\nrc = TPM_RC_RETRY\n" EXPECT, &p);
    assert_string_equal(hits(&p, 0), "4:1 4:2 4:3");
    assert_int_equal(p.frames, 9);
    /* retry-exhausted: the driver gives up after 8 frames */
    predict("[run]\nfiles = 5\n[fault]\ncommand = PCR_Extend\npcr = 10\n"
            "from = 4\nto = 11\naction = error\nrc = TPM_RC_RETRY\n" EXPECT, &p);
    assert_string_equal(hits(&p, 0), "4:1 4:2 4:3 4:4 4:5 4:6 4:7 4:8");
    /* persistent-failure: failure mode answers every later extend */
    predict("[run]\nfiles = 5\n[fault]\ncommand = PCR_Extend\npcr = 10\n"
            "nth = 4\naction = failure-mode\n" EXPECT, &p);
    assert_string_equal(hits(&p, 0), "4:1 5:1 6:1");
    /* swtpm-dies: nothing after the close reaches the shim */
    predict("[run]\nfiles = 5\n[fault]\ncommand = PCR_Extend\npcr = 10\n"
            "nth = 4\naction = close\n" EXPECT, &p);
    assert_int_equal(p.ended_at, 4);
    assert_string_equal(p.ended_by, "close");
    assert_int_equal(p.frames, 4);
    /* retry-every-other, by measurements */
    predict("[run]\nfiles = 5\n[fault]\npcr = 10\ncount = measurements\n"
            "every = 2\nburst = 2\naction = error\nrc = TPM2_RC_RETRY\n" EXPECT,
            &p);
    assert_string_equal(hits(&p, 0), "2:1 2:2 4:1 4:2 6:1 6:2");
    /* hold-past-cancel: predicted, with the busy device said */
    predict("[run]\nfiles = 5\n[fault]\npcr = 10\nnth = 4\naction = timeout\n"
            "on_cancel = ignore\ndelay_ms = 5000\nrc = TPM_RC_FAILURE\n"
            EXPECT, &p);
    assert_string_equal(hits(&p, 0), "4:1");
    assert_int_equal(p.busy_at, 4);
}

/* random-extend-faults (seed 5): matched frames 1, 3 and 7 fire, as the
 * real run showed; without a seed the rule is not predicted. */
static void test_random_needs_a_seed(void **state)
{
    (void)state;
    static struct prediction p;
    const char *text = "[run]\nfiles = 10\nseed = 5\n[fault]\nname = coin\n"
                       "command = PCR_Extend\npcr = 10\nppm = 300000\n"
                       "action = error\nrc = TPM_RC_FAILURE\n" EXPECT;
    scenario_predict(load(text), true, 5, &p);
    assert_int_equal(p.rule[0].kind, PREDICT_DONE);
    assert_string_equal(hits(&p, 0), "1:1 3:1 7:1");
    scenario_predict(load(text), false, 0, &p);
    assert_int_equal(p.rule[0].kind, PREDICT_RANDOM);
    assert_int_equal(p.rule[0].n_hits, 0);
}

/* A rule that matches more than IMA's extends is not predicted, and does
 * not take IMA's frames from the others in the model. */
static void test_other_frames_not_predicted(void **state)
{
    (void)state;
    static struct prediction p;
    predict("[fault]\nname = any\ncommand = SelfTest\naction = cancel\n"
            "[fault]\nname = all\naction = cancel\n"
            "[fault]\nname = ima\npcr = 10\nnth = 2\naction = cancel\n" EXPECT,
            &p);
    assert_int_equal(p.rule[0].kind, PREDICT_OTHER_FRAMES);
    assert_int_equal(p.rule[1].kind, PREDICT_OTHER_FRAMES);
    assert_int_equal(p.rule[2].kind, PREDICT_DONE);
    assert_string_equal(hits(&p, 2), "2:1");
}

/* On a TPM 1.2 IMA's extends are TPM_Extend: a rule on them is predicted
 * as on PCR_Extend for 2.0 (intermittent-extend-tpm12), and PCR_Extend
 * there would match no IMA frame. */
static void test_tpm12_extends(void **state)
{
    (void)state;
    static struct prediction p;
    predict("[run]\nfiles = 5\ntpm = 1.2\n[fault]\ncommand = TPM_ORD_Extend\n"
            "pcr = 10\nnth = 4\naction = error\nrc = TPM_FAIL\n" EXPECT, &p);
    assert_int_equal(p.rule[0].kind, PREDICT_DONE);
    assert_string_equal(hits(&p, 0), "4:1");
    predict("[run]\nfiles = 5\ntpm = 1.2\n[fault]\ncommand = 0x182\n"
            "pcr = 10\nnth = 4\naction = error\nrc = 9\n" EXPECT, &p);
    assert_int_equal(p.rule[0].kind, PREDICT_OTHER_FRAMES);
}

static int count_lines(const char *s)
{
    int n = 0;
    for (; s && *s; s++)
        n += *s == '\n';
    return s ? n + 1 : 0;
}

/* files = 3 with nth = 9: never fires; a rule the one before it always
 * beats; expected indices beyond the list. */
static void test_warnings(void **state)
{
    (void)state;
    static struct prediction p;
    struct scenario *s = load(
        "[run]\nfiles = 3\n"                                    /* 1-2 */
        "[fault]\nname = late\npcr = 10\nnth = 9\n"             /* 3-6 */
        "action = cancel\n"                                     /* 7 */
        "[fault]\nname = all\npcr = 10\naction = cancel\n"      /* 8-11 */
        "[fault]\nname = beaten\npcr = 10\nnth = 2\n"           /* 12-15 */
        "action = cancel\n"                                     /* 16 */
        "[expect]\nnot-in-pcr = 2,9\nkernel-errors-for = 3\n"
        "kernel-errors-for[6.12] = 4\n");
    scenario_predict(s, false, 0, &p);
    char *w = scenario_warnings(s, &p);
    assert_non_null(w);
    assert_non_null(strstr(w, "p.scn:3: warning: fault late never fires: it "
                              "matches IMA's PCR 10 extends only, and its k "
                              "reaches 4 there (files = 3"));
    assert_non_null(strstr(w, "p.scn:12: warning: fault beaten never fires: "
                              "rules before it decide every frame"));
    assert_non_null(strstr(w, "p.scn: warning: not-in-pcr = 2,9: entry 9 is "
                              "beyond the list (entries 0..3 with files = 3)"));
    assert_non_null(strstr(w, "kernel-errors-for[6.12] = 4: entry 4"));
    assert_int_equal(count_lines(w), 4);
    free(w);
    /* the catalogue's kind of script: nothing to say */
    s = load("[run]\nfiles = 5\n[fault]\npcr = 10\nnth = 4\naction = cancel\n"
             "[expect]\nnot-in-pcr = 3\nkernel-errors-for = 3\n");
    scenario_predict(s, false, 0, &p);
    assert_null(scenario_warnings(s, &p));
    /* a close ends the channel before a later rule's frame */
    s = load("[run]\nfiles = 5\n[fault]\npcr = 10\nnth = 2\naction = close\n"
             "[fault]\nname = after\npcr = 10\nnth = 4\naction = cancel\n"
             EXPECT);
    scenario_predict(s, false, 0, &p);
    w = scenario_warnings(s, &p);
    assert_non_null(strstr(w, "fault after never fires: the close at IMA "
                              "extend k = 2 ends the data channel first"));
    free(w);
}

static void test_near(void **state)
{
    (void)state;
    const char *names[] = { "error", "applied-then-error", "delay", "timeout",
                            "cancel", NULL };
    const struct { const char *typed, *want; } rows[] = {
        { "erorr", "error" },        /* a swap is one edit */
        { "ERROR", "error" },        /* case does not count */
        { "timout", "timeout" },
        { "cancle", "cancel" },
        { "dely", "delay" },
        { "applied-then-eror", "applied-then-error" },
        { "xyz", NULL },             /* nothing near */
        { "e", NULL },
    };
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        struct near n;
        near_start(&n, rows[i].typed);
        for (int j = 0; names[j]; j++)
            near_consider(&n, names[j]);
        const char *got = near_best(&n);
        if ((got == NULL) != (rows[i].want == NULL) ||
            (got && strcmp(got, rows[i].want) != 0))
            fail_msg("'%s': got %s, wanted %s", rows[i].typed,
                     got ? got : "nothing", rows[i].want ? rows[i].want : "nothing");
    }
    char buf[64];
    struct near n;
    near_start(&n, "filez");
    near_consider(&n, "files");
    assert_string_equal(near_hint(&n, buf, sizeof(buf)), "; did you mean files?");
    near_start(&n, "zzz");
    near_consider(&n, "files");
    assert_string_equal(near_hint(&n, buf, sizeof(buf)), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_predictions),
        cmocka_unit_test(test_random_needs_a_seed),
        cmocka_unit_test(test_other_frames_not_predicted),
        cmocka_unit_test(test_tpm12_extends),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_near),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
