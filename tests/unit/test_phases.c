/* Unit tests of a run's phases (harness/verdict/phases.c): host clock
 * points and guest uptime marks turned into named durations; a phase the
 * run never reached is absent, never zero; the console's three largest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "verdict/phases.h"

static void add_mark(struct evidence *ev, const char *name, double up)
{
    struct ev_mark *m = &ev->mark[ev->n_marks++];
    snprintf(m->name, sizeof(m->name), "%s", name);
    m->uptime = up;
}

static void assert_phase(const struct phases *p, enum phase_id id, double s)
{
    assert_true(p->have[id]);
    if (fabs(p->s[id] - s) > 1e-9)
        fail_msg("%s: %.9f, want %.9f", phase_key(id), p->s[id], s);
}

/* A whole run: host points 100 s onwards, the kernel started at 100.7. */
static void whole_run(struct phase_clock *c, struct evidence *ev)
{
    memset(ev, 0, sizeof(*ev));
    *c = (struct phase_clock){ .start = 100.0, .qemu_start = 100.05,
                               .kernel_start = 100.7, .qemu_exit = 104.0,
                               .daemons_done = 104.1, .collected = 104.15,
                               .verified = 104.25, .truth_read_s = 0.004 };
    add_mark(ev, PHASE_MARK_AGENT, 1.9);
    add_mark(ev, PHASE_MARK_WORKLOAD, 2.0);
    add_mark(ev, PHASE_MARK_LISTS, 2.05);
    add_mark(ev, PHASE_MARK_AK, 2.6);
    add_mark(ev, PHASE_MARK_QUOTE, 2.9);
    add_mark(ev, PHASE_MARK_SENT, 3.2);
}

static void test_whole_run(void **state)
{
    (void)state;
    struct phase_clock c;
    struct evidence ev;
    struct phases p;
    whole_run(&c, &ev);
    phases_compute(&c, &ev, 104.26, &p);
    assert_phase(&p, PHASE_HOST_SETUP, 0.05);
    assert_phase(&p, PHASE_QEMU_TO_KERNEL, 0.65);
    assert_phase(&p, PHASE_KERNEL_TO_AGENT, 1.9);
    assert_phase(&p, PHASE_WORKLOAD, 0.1);
    assert_phase(&p, PHASE_LISTS, 0.05);
    assert_phase(&p, PHASE_AK, 0.55);
    assert_phase(&p, PHASE_QUOTE, 0.3);
    assert_phase(&p, PHASE_TRANSFER, 0.3);
    /* sent at 100.7 + 3.2 = 103.9; QEMU gone at 104.0, 4 ms of it truth */
    assert_phase(&p, PHASE_POWEROFF, 0.096);
    assert_phase(&p, PHASE_TRUTH, 0.004);
    assert_phase(&p, PHASE_DAEMONS_END, 0.1);
    assert_phase(&p, PHASE_COLLECT, 0.05);
    assert_phase(&p, PHASE_VERIFY, 0.1);
    assert_phase(&p, PHASE_REPORT, 0.01);
    char buf[160];
    phases_largest(&p, 3, buf, sizeof(buf));
    assert_string_equal(buf, "kernel_to_agent 1.90 s, qemu_to_kernel 0.65 s, ak 0.55 s");
}

/* A guest that never booted (QEMU refused to start): only the host's
 * phases; no guest phase is reported as zero. */
static void test_no_guest(void **state)
{
    (void)state;
    struct phase_clock c = { .start = 10.0, .qemu_start = 10.02,
                             .collected = 10.5, .verified = 10.6,
                             .truth_read_s = -1 };
    struct evidence ev;
    memset(&ev, 0, sizeof(ev));
    struct phases p;
    phases_compute(&c, &ev, 10.7, &p);
    assert_phase(&p, PHASE_HOST_SETUP, 0.02);
    for (int i = PHASE_QEMU_TO_KERNEL; i <= PHASE_COLLECT; i++)
        if (p.have[i])
            fail_msg("%s reported for a guest that never ran", phase_key(i));
    assert_phase(&p, PHASE_VERIFY, 0.1);
    assert_phase(&p, PHASE_REPORT, 0.1);
}

/* The agent stopped after its workload (a hang hook, a cut channel): the
 * phases up to there, none after. */
static void test_agent_stopped_early(void **state)
{
    (void)state;
    struct phase_clock c;
    struct evidence ev;
    struct phases p;
    whole_run(&c, &ev);
    ev.n_marks = 2;            /* agent, workload */
    c.truth_read_s = -1;
    phases_compute(&c, &ev, 104.3, &p);
    assert_phase(&p, PHASE_WORKLOAD, 0.1);
    assert_false(p.have[PHASE_LISTS]);
    assert_false(p.have[PHASE_AK]);
    assert_false(p.have[PHASE_TRANSFER]);
    assert_false(p.have[PHASE_POWEROFF]);
    assert_false(p.have[PHASE_TRUTH]);
}

/* A clock point that goes backwards (never on CLOCK_MONOTONIC, but a mark
 * read wrong) gives no phase rather than a negative one; the largest of
 * nothing says so; a small buffer is cut, not overrun. */
static void test_backwards_and_small_buffer(void **state)
{
    (void)state;
    struct phase_clock c = { .start = 5.0, .qemu_start = 4.0,
                             .truth_read_s = -1 };
    struct evidence ev;
    memset(&ev, 0, sizeof(ev));
    struct phases p;
    phases_compute(&c, &ev, 6.0, &p);
    assert_false(p.have[PHASE_HOST_SETUP]);
    char buf[32];
    phases_largest(&p, 3, buf, sizeof(buf));
    assert_string_equal(buf, "none measured");
    struct phase_clock w;
    whole_run(&w, &ev);
    phases_compute(&w, &ev, 104.26, &p);
    char tiny[12];
    phases_largest(&p, 3, tiny, sizeof(tiny));
    assert_string_equal(tiny, "kernel_to_a");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_run),
        cmocka_unit_test(test_no_guest),
        cmocka_unit_test(test_agent_stopped_early),
        cmocka_unit_test(test_backwards_and_small_buffer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
