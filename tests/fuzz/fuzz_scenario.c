/* The fault-script parser (faults/scenario.c scenario_parse, with kv.c and
 * fault_keys.c), then the fault engine on the rules it accepted.
 *
 * Contract: the error convention; every line of a rejection (each error
 * of the script, one a line) names the file ("fuzz.scn:LINE: ..." or, for
 * a check over the whole script, "fuzz.scn: ..."), and a line number
 * within the script; an accepted script states an expectation and has at
 * most FAULT_MAX_RULES rules; the engine, fed resends and their answers,
 * decides any frame with a known action, a rule index in range, and the
 * same decisions from the same seed; the prediction (check --explain)
 * keeps its hits within the workload's extends. */
#include "fuzz.h"

#include "faults/engine.h"
#include "faults/predict.h"
#include "faults/scenario.h"

#define PATH "fuzz.scn"

static int count_lines(const char *s)
{
    int n = 1;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void check_error_line(const char *text, const char *err)
{
    size_t plen = strlen(PATH);
    FUZZ_CHECK(strncmp(err, PATH, plen) == 0 &&
               (err[plen] == ':'), "rejection without the file: '%s'", err);
    if (err[plen + 1] >= '0' && err[plen + 1] <= '9') {
        long line = strtol(err + plen + 1, NULL, 10);
        FUZZ_CHECK(line >= 1 && line <= count_lines(text),
                   "line %ld of %d: '%s'", line, count_lines(text), err);
    }
}

/* A few frames through the engine, twice from the same seed. */
static void run_engine(const struct fault_engine *rules, uint64_t seed)
{
    static const uint32_t ccs[] = { 0x182, 0x17E, 0x144, 0x181, 0x17B };
    static struct fault_engine e1, e2;
    e1 = *rules;
    e2 = *rules;
    fault_engine_start(&e1, seed);
    fault_engine_start(&e2, seed);
    for (uint64_t ord = 1; ord <= 40; ord++) {
        /* ord / 3: some frames repeat, as a driver's resend does */
        struct fault_frame f = { ccs[ord % 5], ord % 5 ? FAULT_PCR_ANY
                                                       : (int)(ord % 24), ord,
                                 ord / 3 };
        if (f.cc == 0x182 && f.pcr == FAULT_PCR_ANY)
            f.pcr = 10;
        struct fault_decision d1, d2;
        fault_decide(&e1, &f, &d1);
        fault_decide(&e2, &f, &d2);
        FUZZ_CHECK(d1.action <= FA_CLOSE && fault_action_name(d1.action),
                   "action %d", (int)d1.action);
        FUZZ_CHECK(d1.rule >= -1 && d1.rule < rules->n, "rule %d", d1.rule);
        FUZZ_CHECK(d1.action == d2.action && d1.rule == d2.rule &&
                   d1.rc == d2.rc && d1.delay_ms == d2.delay_ms,
                   "same seed, other decision at ordinal %llu",
                   (unsigned long long)ord);
        FUZZ_CHECK(d1.forwarded == fault_action_forwards(d1.action,
                                                         d1.applied_late,
                                                         d1.on_response),
                   "forwarded");
        uint32_t rc = ord % 2 ? 0x922 : 0;   /* RETRY: the next may be a resend */
        fault_decision_answer(&d1, &rc);
        fault_note_answer(&e1, rc);
        fault_note_answer(&e2, rc);
    }
}

static void predict(const struct scenario *s)
{
    static struct prediction p;
    scenario_predict(s, true, 7, &p);
    for (int i = 0; i < s->faults.n; i++) {
        const struct predict_rule *r = &p.rule[i];
        for (unsigned h = 0; h < r->n_hits && h < PREDICT_MAX_HITS; h++)
            FUZZ_CHECK(r->hit[h].k >= 1 && r->hit[h].k <= p.extends &&
                       r->hit[h].frame >= 1 &&
                       r->hit[h].frame <= PREDICT_DRIVER_TRIES,
                       "hit k %u frame %u", r->hit[h].k, r->hit[h].frame);
    }
    free(scenario_warnings(s, &p));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct scenario s;      /* PATH_MAX and 32 rules: off the stack */
    char *text = fuzz_str(data, size);
    char *err = NULL;
    int rc = scenario_parse(text, PATH, &s, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0) {
        for (char *line = err; line; line = strchr(line, '\n')) {
            line += *line == '\n';
            check_error_line(text, line);
        }
    } else {
        FUZZ_CHECK(scenario_expectation_count(&s) > 0, "no expectation");
        FUZZ_CHECK(s.faults.n >= 0 && s.faults.n <= FAULT_MAX_RULES, "rules");
        FUZZ_CHECK(strcmp(s.name, "fuzz") == 0, "name '%s'", s.name);
        run_engine(&s.faults, s.run.seed_set ? s.run.seed : 7);
        predict(&s);
    }
    free(err);
    free(text);
    return 0;
}
