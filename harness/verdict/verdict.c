#include "verdict/verdict.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mono.h"
#include "verdict/report.h"
#include "verdict/report_html.h"
#include "view/timeline_text.h"

/* Broken and skip come from the run itself; otherwise the expectations
 * decide, and one that could not be evaluated makes the run broken: a
 * missing artefact is the harness's failure, not the kernel's. */
static enum verdict decide(const struct scenario *s, const struct run_outcome *o,
                           const struct facts *f, const struct checks *cs,
                           char *reason, size_t size)
{
    if (o->skip[0]) {
        snprintf(reason, size, "%s", o->skip);
        return VERDICT_SKIP;
    }
    if (o->broken[0]) {
        snprintf(reason, size, "%s", o->broken);
        return VERDICT_BROKEN;
    }
    struct scn_expect e;
    scenario_expect_for(s, f->kernel_series, &e);   /* guest-alive[6.12] too */
    if (!o->have_evidence || (!f->guest_alive && e.guest_alive != SCN_NO)) {
        snprintf(reason, size, "the guest did not finish its agent (%s); "
                 "see serial.log", o->have_evidence ? "evidence cut short"
                                                    : "no evidence");
        return VERDICT_BROKEN;
    }
    for (int i = 0; i < cs->n; i++) {
        if (cs->c[i].result == EXP_UNKNOWN) {
            snprintf(reason, size, "cannot evaluate %s: %s", cs->c[i].name,
                     cs->c[i].detail);
            return VERDICT_BROKEN;
        }
    }
    int failed = 0;
    for (int i = 0; i < cs->n; i++)
        failed += cs->c[i].result == EXP_FAIL;
    if (failed) {
        snprintf(reason, size, "%d of %d expectations did not hold", failed, cs->n);
        return VERDICT_FAIL;
    }
    snprintf(reason, size, "all %d expectations held", cs->n);
    return VERDICT_PASS;
}

/* Where the list and PCR 10 part ways, whatever the verdict: the first
 * divergent entry, its file and why. */
static void print_divergence(const struct facts *f)
{
    const struct explanation *x = &f->expl;
    if (!f->have_explanation)
        return;
    if (!x->found) {
        fprintf(stderr, "  no explanation: %s\n", x->why);
        return;
    }
    char line[1024];
    if (explain_divergence_text(x, line, sizeof(line))[0])
        fprintf(stderr, "  %s\n", line);
}

static void print_summary(const struct scenario *s, const struct run_outcome *o,
                          const struct facts *f, const struct checks *cs,
                          enum verdict v, const char *reason)
{
    fprintf(stderr, "%s: %s — %s\n", s->name, verdict_name(v), reason);
    print_divergence(f);
    for (int i = 0; i < cs->n; i++) {
        const struct exp_check *c = &cs->c[i];
        if (c->result == EXP_PASS)
            continue;
        fprintf(stderr, "  %s: expected %s, saw %s%s%s\n", c->name, c->expected,
                c->seen, c->detail[0] ? " — " : "", c->detail);
    }
    if (v == VERDICT_FAIL || v == VERDICT_BROKEN)
        fprintf(stderr, "  seed %llu\nReproduce with: %s\n",
                (unsigned long long)o->seed, o->reproduce);
}

enum verdict verdict_report(const struct scenario *s,
                            struct run_outcome *o,
                            const char *report_dir)
{
    static struct facts f;   /* large: keep it off the stack */
    struct checks cs = { .n = 0 };
    memset(&f, 0, sizeof(f));
    if (!o->skip[0])
        facts_collect(report_dir, s, o, &f);
    if (!o->skip[0] && !o->broken[0])
        expectations_check(s, &f, &cs);
    char reason[512];
    enum verdict v = decide(s, o, &f, &cs, reason, sizeof(reason));
    o->clock.truth_read_s = f.have_trace && f.trace.have_truth ?
                            f.trace.truth_read_s : -1;
    o->clock.verified = mono_now();
    char *err = NULL;
    if (report_write(report_dir, s, o, &f, &cs, v, reason, &err) < 0) {
        /* a run without its report gives no honest verdict */
        fprintf(stderr, "tpmfault: report not written: %s\n", err);
        free(err);
        err = NULL;
        v = VERDICT_BROKEN;
    }
    /* the timeline from the files just written; what it could not read is
     * named on the page */
    struct timeline tl;
    timeline_load(report_dir, &tl, NULL);
    const struct run_report run = { s, o, &f, &cs, v, reason };
    const struct html_report page = { &run, &tl };
    if (report_html_write(report_dir, &page, &err) < 0)
        fprintf(stderr, "report.html: %s\n", err);
    free(err);
    print_summary(s, o, &f, &cs, v, reason);
    timeline_print_compact(stderr, &tl);
    timeline_free(&tl);
    facts_free(&f);
    return v;
}
