/* tpmfault check [--explain] [--seed N] SCENARIO.scn...: every error of
 * each script at once, its warnings (faults/predict.h), and with
 * --explain which IMA extend each rule will hit.  suite --dry-run checks
 * its scripts the same way. */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/help.h"
#include "faults/predict.h"
#include "tpm/frame.h"
#include "util/num.h"
#include "verify/workload.h"

#define EXIT_USAGE 2

/* "k = 4 (entry 3, /work/file3)": the list entry k - 1 (IMA's k-th
 * extend is entry k - 1: 0 is boot_aggregate). */
static void print_extend(unsigned k)
{
    if (k == 1)
        printf("k = 1 (entry 0, boot_aggregate)");
    else
        printf("k = %u (entry %u, " WORKLOAD_FILE "%u)", k, k - 1, k - 1);
}

static void print_hits(const struct predict_rule *pr)
{
    unsigned kept = pr->n_hits < PREDICT_MAX_HITS ? pr->n_hits
                                                  : PREDICT_MAX_HITS;
    for (unsigned i = 0; i < kept; i++) {
        const struct predict_hit *h = &pr->hit[i];
        bool first = i == 0 || pr->hit[i - 1].k != h->k;
        bool last = i + 1 == kept || pr->hit[i + 1].k != h->k;
        if (first) {
            printf("%s", i ? "; " : "");
            print_extend(h->k);
        }
        if (first && last && h->frame == 1)
            continue;   /* its one frame */
        printf("%s%u", first ? " frames " : ",", h->frame);
    }
    if (pr->n_hits > kept)
        printf("; ... (%u frames in all)", pr->n_hits);
}

static void explain_rule(const struct scenario *s, const struct prediction *p,
                         int i)
{
    const struct fault_rule *r = &s->faults.rules[i];
    const struct predict_rule *pr = &p->rule[i];
    const char *rc = tpm_rc_name(r->rc, scenario_family(s));
    printf("  fault %s (%s", r->name, fault_action_name(r->action));
    if (r->has_rc && rc)
        printf(" %s", rc);
    else if (r->has_rc)
        printf(" rc 0x%x", r->rc);
    printf("): ");
    if (pr->kind == PREDICT_OTHER_FRAMES)
        printf("matches frames besides IMA's PCR 10 extends (firmware "
               "extends, other commands): not predicted");
    else if (pr->kind == PREDICT_RANDOM)
        printf("random (ppm): give seed = in [run] or --seed to predict it");
    else if (!pr->n_hits)
        printf("never fires");
    else
        print_hits(pr);
    printf("\n");
}

static void explain(const struct scenario *s, const struct prediction *p,
                    bool seed_known, uint64_t seed)
{
    if (s->run.tpm == SCN_TPM_ABSENT) {
        printf("  no TPM: no frame reaches the shim\n");
        return;
    }
    printf("  the workload: %u IMA extends of PCR 10 (k = 1 boot_aggregate, "
           "k = n+1 " WORKLOAD_FILE "n), each answered success by swtpm; "
           "the driver resends a frame the script answers TPM_RC_RETRY or "
           "TPM_RC_TESTING (up to %d frames)", p->extends,
           PREDICT_DRIVER_TRIES);
    if (seed_known)
        printf("; seed %" PRIu64, seed);
    printf("\n");
    for (int i = 0; i < s->faults.n; i++)
        explain_rule(s, p, i);
    if (p->ended_at)
        printf("  the %s at k = %u: no later frame reaches the shim\n",
               p->ended_by, p->ended_at);
    if (p->busy_at)
        printf("  the hold past the cancel at k = %u keeps the device busy: "
               "extends the guest sends meanwhile fail without reaching the "
               "shim, and the later k above may move\n", p->busy_at);
}

int check_script(const char *path, const struct check_opts *o,
                 struct check_result *res)
{
    struct scenario *s = malloc(sizeof(*s));   /* large: not on the stack */
    struct prediction *p = malloc(sizeof(*p));
    char *err = NULL;
    int rc = -1;
    memset(res, 0, sizeof(*res));
    if (!s || !p) {
        fprintf(stderr, "%s: out of memory\n", path);
        goto out;
    }
    if (scenario_load(path, s, &err) < 0) {
        fprintf(stderr, "%s\n", err);
        goto out;
    }
    bool seed_known = o->seed_set || s->run.seed_set;
    uint64_t seed = o->seed_set ? o->seed : s->run.seed;
    scenario_predict(s, seed_known, seed, p);
    char *warn = scenario_warnings(s, p);
    if (warn) {
        fprintf(stderr, "%s\n", warn);
        for (const char *c = warn; c; c = strchr(c + 1, '\n'))
            res->warnings++;
        free(warn);
    }
    res->expectations = scenario_expectation_count(s);
    snprintf(res->name, sizeof(res->name), "%s", s->name);
    if (o->explain) {
        printf("%s:\n", path);
        explain(s, p, seed_known, seed);
    }
    rc = 0;
out:
    free(err);
    free(s);
    free(p);
    return rc;
}

int cli_check(int argc, char **argv)
{
    static const struct option opts[] = {
        { "explain", no_argument, NULL, 'e' },
        { "seed", required_argument, NULL, 's' },
        { NULL, 0, NULL, 0 },
    };
    struct check_opts o = { .explain = false };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'e') {
            o.explain = true;
        } else if (c == 's' && num_parse(optarg, UINT64_MAX, &o.seed) == 0) {
            o.seed_set = true;
        } else {
            if (c == 's')
                fprintf(stderr, "tpmfault check: --seed: '%s' is not a "
                        "number\n", optarg);
            return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        fprintf(stderr, "usage: %s", cli_synopsis("check"));
        return EXIT_USAGE;
    }
    int bad = 0;
    for (int i = optind; i < argc; i++) {
        struct check_result r;
        if (check_script(argv[i], &o, &r) < 0) {
            bad++;
            continue;
        }
        printf("%s: ok (%d expectations", argv[i], r.expectations);
        if (r.warnings)
            printf(", %d warning%s", r.warnings, r.warnings > 1 ? "s" : "");
        printf(")\n");
    }
    return bad ? EXIT_USAGE : 0;
}
