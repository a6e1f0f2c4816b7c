#include <stdio.h>
#include <string.h>

#include "util/hex.h"
#include "util/idxlist.h"
#include "util/str.h"
#include "verdict/verdict.h"
#include "verify/boot_aggregate.h"
#include "verify/workload.h"

static struct exp_check *add(struct checks *cs, const char *name,
                             const char *expected)
{
    static struct exp_check overflow;   /* never reported: EXPECT_MAX is ample */
    struct exp_check *c = cs->n < EXPECT_MAX ? &cs->c[cs->n++] : &overflow;
    memset(c, 0, sizeof(*c));
    snprintf(c->name, sizeof(c->name), "%s", name);
    str_fmt(c->expected, sizeof(c->expected), "%s", expected);
    return c;
}

static void judge(struct exp_check *c, bool holds)
{
    c->result = holds ? EXP_PASS : EXP_FAIL;
}

static void unknown(struct exp_check *c, const char *why)
{
    c->result = EXP_UNKNOWN;
    snprintf(c->seen, sizeof(c->seen), "unknown");
    snprintf(c->detail, sizeof(c->detail), "%s", why);
}

/* A two-valued expectation (yes/no, on/off): want is 1 for the first name,
 * 2 for the second, 0 when the script does not state it.  unknown_why, when
 * not NULL, says why it cannot be evaluated. */
static void check_flag(struct checks *cs, const char *name, int want,
                       const char *const *names, bool actual,
                       const char *detail, const char *unknown_why)
{
    if (!want)
        return;
    struct exp_check *c = add(cs, name, names[want - 1]);
    if (unknown_why) {
        unknown(c, unknown_why);
        return;
    }
    snprintf(c->seen, sizeof(c->seen), "%s", names[actual ? 0 : 1]);
    snprintf(c->detail, sizeof(c->detail), "%s", detail);
    judge(c, (want == 1) == actual);
}

/* Per-bank comparison of the replay with the TPM's or the quote's PCR 10:
 * "equal" holds when every bank is equal, "differ" when every bank differs. */
static void check_cmp(struct checks *cs, const char *name, int want,
                      const struct facts *f, bool quote)
{
    if (!want)
        return;
    struct exp_check *c = add(cs, name, scn_cmp_names[want - 1]);
    int equal = 0, differ = 0;
    char detail[512] = "";
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(f->banks & (1u << b)))
            continue;
        const struct bank_facts *bf = &f->bank[b];
        const struct alg_info *a = alg_by_bank((enum bank)b);
        bool have = quote ? bf->have_quote : bf->have_tpm;
        if (!bf->have_replay || !have) {
            unknown(c, quote ? "no verified quote value for this bank"
                             : "the TPM's PCR 10 was not recorded in the trace");
            return;
        }
        const uint8_t *other = quote ? bf->quote : bf->tpm;
        bool eq = memcmp(bf->replay, other, a->size) == 0;
        eq ? equal++ : differ++;
        const struct replay_entry_ref *d = quote ? &bf->diverge_quote : &bf->diverge_tpm;
        char part[320];
        if (eq)
            snprintf(part, sizeof(part), "%s equal", a->name);
        else if (d->index >= 0)
            snprintf(part, sizeof(part), "%s differs from entry %lld (%.200s) onwards",
                     a->name, (long long)d->index, d->file_name);
        else
            snprintf(part, sizeof(part), "%s differs, no prefix of the list matches",
                     a->name);
        if (detail[0])
            strncat(detail, "; ", sizeof(detail) - strlen(detail) - 1);
        strncat(detail, part, sizeof(detail) - strlen(detail) - 1);
    }
    snprintf(c->seen, sizeof(c->seen), "%s",
             differ == 0 ? "equal" : equal == 0 ? "differ" : "mixed");
    snprintf(c->detail, sizeof(c->detail), "%s", detail);
    judge(c, want == SCN_CMP_EQUAL ? differ == 0 : equal == 0);
}

static void check_quote(struct checks *cs, int want, const struct facts *f)
{
    if (!want)
        return;
    struct exp_check *c = add(cs, "quote", scn_quote_names[want - 1]);
    const char *seen = !f->quote_present ? "refused" : f->quote_valid ? "valid" : "invalid";
    snprintf(c->seen, sizeof(c->seen), "%s", seen);
    snprintf(c->detail, sizeof(c->detail), "%s", f->quote_problem);
    judge(c, strcmp(seen, c->expected) == 0);
}

/* An index-list expectation (not-in-pcr, applied-twice) against the
 * explanation's list v; the detail names the first divergent entry. */
static void check_entries(struct checks *cs, const char *name, const char *want,
                          const int64_t *v, size_t n, const struct facts *f)
{
    const struct explanation *x = &f->expl;
    if (!want[0])
        return;
    struct exp_check *c = add(cs, name, want);
    if (!f->have_explanation || !x->found) {
        unknown(c, f->have_explanation ? x->why : "nothing to explain");
        return;
    }
    int64_t sorted[EXPLAIN_MAX_LIST];
    memcpy(sorted, v, n * sizeof(sorted[0]));
    idxlist_format(sorted, n, c->seen, sizeof(c->seen));
    explain_divergence_text(x, c->detail, sizeof(c->detail));
    judge(c, strcmp(want, c->seen) == 0);
}

static void check_explanation(struct checks *cs, const struct scn_expect *e,
                              const struct facts *f)
{
    const struct explanation *x = &f->expl;
    check_flag(cs, "explained", e->explained, scn_yesno_names, x->found,
               x->found ? "replaying the list without the entries not in the "
                          "PCR (and doubling those applied twice) gives the "
                          "TPM's PCR 10" : x->why,
               f->have_explanation ? NULL : "no list or no TPM PCR 10 to explain");
    check_entries(cs, "not-in-pcr", e->not_in_pcr, x->not_in_pcr,
                  x->n_not_in_pcr, f);
    check_entries(cs, "applied-twice", e->applied_twice, x->applied_twice,
                  x->n_applied_twice, f);
}

/* What entry 0 is, judged against the trace's firmware extends. */
static void check_boot_aggregate(struct checks *cs, int want,
                                 const struct facts *f)
{
    if (!want)
        return;
    struct exp_check *c = add(cs, "boot-aggregate",
                              boot_aggregate_kind_name(want));
    const char *seen = boot_aggregate_kind_name(f->boot_aggregate_kind);
    if (!seen) {
        unknown(c, f->have_list ? "entry 0 is not boot_aggregate" : f->list_problem);
        return;
    }
    snprintf(c->seen, sizeof(c->seen), "%s", seen);
    str_fmt(c->detail, sizeof(c->detail), "%s: %s", f->boot_aggregate,
            f->boot_aggregate_why);
    judge(c, want == f->boot_aggregate_kind);
}

/* How many IMA TPM error lines dmesg holds; unknown when a line's number
 * could not be read. */
static void check_kernel_errors(struct checks *cs, const struct scn_expect *e,
                                const struct facts *f)
{
    if (!e->kernel_errors_set)
        return;
    char want[16];
    snprintf(want, sizeof(want), "%u", e->kernel_errors);
    struct exp_check *c = add(cs, "kernel-errors", want);
    if (f->dmesg.problem[0])
        return unknown(c, f->dmesg.problem);
    snprintf(c->seen, sizeof(c->seen), "%u", f->dmesg.tpm_errors);
    snprintf(c->detail, sizeof(c->detail), "'ima: Error Communicating to "
             "TPM chip' lines in dmesg.txt");
    judge(c, f->dmesg.tpm_errors == e->kernel_errors);
}

/* One error line with a result in words: "/work/file3: result 257". */
static void error_words(const struct kernel_error *k, char *buf, size_t n)
{
    char where[32];
    if (k->entry > 0)
        workload_file(where, sizeof(where), k->entry);
    else
        snprintf(where, sizeof(where), "%s", k->entry ? "after the workload"
                                                      : "before the workload");
    snprintf(buf, n, "%s: result %ld", where, k->result);
}

static void append(char *buf, size_t size, const char *text)
{
    size_t len = strlen(buf);
    str_fmt(buf + len, size - len, "%s%s", len ? "; " : "", text);
}

/* Which entries' measurements logged an IMA TPM error with a result (a
 * failed extend).  Errors after the workload belong to no entry, bare lines
 * (failed PCR reads at IMA init) to no extend: both are only named in the
 * detail. */
static void check_kernel_errors_for(struct checks *cs, const char *want,
                                    const struct facts *f)
{
    if (!want[0])
        return;
    struct exp_check *c = add(cs, "kernel-errors-for", want);
    if (f->dmesg.problem[0])
        return unknown(c, f->dmesg.problem);
    int64_t v[DMESG_MAX_ERRORS];
    size_t n = 0;
    unsigned bare = 0;
    for (unsigned i = 0; i < f->dmesg.n_err; i++) {
        const struct kernel_error *k = &f->dmesg.err[i];
        char one[96];
        if (!k->has_result) {
            bare++;
            continue;
        }
        if (k->entry >= 0)
            v[n++] = k->entry;
        error_words(k, one, sizeof(one));
        append(c->detail, sizeof(c->detail), one);
    }
    if (bare) {
        char one[96];
        snprintf(one, sizeof(one), "%u bare line%s without a result (a failed "
                 "PCR read, not an extend)", bare, bare == 1 ? "" : "s");
        append(c->detail, sizeof(c->detail), one);
    }
    idxlist_format(v, n, c->seen, sizeof(c->seen));
    if (!f->dmesg.n_err)
        snprintf(c->detail, sizeof(c->detail), "no 'ima: Error Communicating "
                 "to TPM chip' line in dmesg.txt");
    judge(c, strcmp(want, c->seen) == 0);
}

/* "none" or "sha384,sha512", as scripts write padded-banks. */
static void format_banks(unsigned mask, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int b = 0; b < BANK_COUNT; b++)
        if (mask & (1u << b))
            snprintf(buf + strlen(buf), size - strlen(buf), "%s%s",
                     buf[0] ? "," : "", alg_by_bank((enum bank)b)->name);
    if (!buf[0])
        snprintf(buf, size, "none");
}

static void check_banks(struct checks *cs, const struct scn_expect *e,
                        const struct facts *f)
{
    if (e->padded_banks[0]) {
        struct exp_check *c = add(cs, "padded-banks", e->padded_banks);
        format_banks(f->padded_banks, c->seen, sizeof(c->seen));
        snprintf(c->detail, sizeof(c->detail), f->padded_banks ?
                 "the kernel logged 'ima: Can not allocate' for these banks at "
                 "boot: IMA extends them with the sha1 digest zero-padded" :
                 "IMA hashed the template data in every bank");
        judge(c, strcmp(c->seen, c->expected) == 0);
    }
    if (e->bank_lists) {
        struct exp_check *c = add(cs, "bank-lists", scn_lists_names[e->bank_lists - 1]);
        if (!f->bank_lists) {
            unknown(c, f->have_list ? "the sha1 list could not be replayed"
                                    : f->list_problem);
            return;
        }
        snprintf(c->seen, sizeof(c->seen), "%s", scn_lists_names[f->bank_lists - 1]);
        snprintf(c->detail, sizeof(c->detail), "%s", f->bank_lists_detail);
        judge(c, e->bank_lists == f->bank_lists);
    }
}

/* An expectation the kernel's override decided is named key[SERIES]. */
static void name_overrides(const struct scenario *s, int series,
                           struct checks *cs)
{
    for (int i = 0; i < cs->n; i++) {
        struct exp_check *c = &cs->c[i];
        if (scenario_expect_overridden(s, series, c->name)) {
            size_t n = strlen(c->name);
            snprintf(c->name + n, sizeof(c->name) - n, "[%s]",
                     scn_kernel_series[series]);
        }
    }
}

void expectations_check(const struct scenario *s, const struct facts *f,
                        struct checks *out)
{
    struct scn_expect expect;
    const struct scn_expect *e = &expect;
    scenario_expect_for(s, f->kernel_series, &expect);
    out->n = 0;
    check_flag(out, "list-complete", e->list_complete, scn_yesno_names,
               f->list_complete, f->list_complete_detail,
               f->have_list ? NULL : f->list_problem);
    check_flag(out, "trace-in-list", e->trace_in_list, scn_yesno_names,
               f->trace_in_list, f->trace_in_list_detail,
               !f->have_trace ? f->trace_problem :
               !f->have_list ? f->list_problem : NULL);
    check_cmp(out, "replay-vs-tpm", e->replay_vs_tpm, f, false);
    check_cmp(out, "replay-vs-quote", e->replay_vs_quote, f, true);
    check_quote(out, e->quote, f);
    char aggregate[sizeof(f->boot_aggregate) + 32];
    snprintf(aggregate, sizeof(aggregate), "boot_aggregate %s%s",
             f->boot_aggregate, f->boot_aggregate_zero ? " (all zeros)" : "");
    check_flag(out, "bypass", e->bypass, scn_onoff_names, f->dmesg.bypass, aggregate,
               NULL);
    check_flag(out, "guest-alive", e->guest_alive, scn_yesno_names,
               f->guest_alive, f->guest_alive ? "the agent reported done" :
               "the agent never reported done", NULL);
    check_boot_aggregate(out, e->boot_aggregate, f);
    check_explanation(out, e, f);
    check_kernel_errors(out, e, f);
    check_kernel_errors_for(out, e->kernel_errors_for, f);
    check_banks(out, e, f);
    name_overrides(s, f->kernel_series, out);
}
