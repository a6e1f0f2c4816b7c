#include "faults/scenario.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/fault_keys.h"
#include "faults/kv.h"
#include "tpm/alg.h"
#include "tpm/frame.h"
#include "util/err.h"
#include "util/textfile.h"
#include "util/idxlist.h"
#include "util/num.h"
#include "verify/boot_aggregate.h"
#include "verify/workload.h"
#include "util/near.h"

static const char *const tpm_names[] = { "present", "absent", "1.2", NULL };
const char *const scn_cmp_names[] = { "equal", "differ", NULL };
const char *const scn_yesno_names[] = { "yes", "no", NULL };
const char *const scn_quote_names[] = { "valid", "refused", NULL };
const char *const scn_onoff_names[] = { "on", "off", NULL };
const char *const scn_lists_names[] = { "agree", "disagree", "absent", NULL };
const char *const scn_kernel_series[] = { "6.1", "6.12", NULL };

int scn_kernel_series_of(const char *release)
{
    for (int i = 0; scn_kernel_series[i]; i++) {
        size_t n = strlen(scn_kernel_series[i]);
        /* "6.1" is a prefix of "6.12.x": the next character must end it */
        if (strncmp(release, scn_kernel_series[i], n) == 0 &&
            strchr(".-+", release[n]) != NULL)   /* '\0' included */
            return i;
    }
    return -1;
}

#define INDEX_LIST_MAX 64
#define INDEX_MAX WORKLOAD_MAX_FILES

/* "none" or "2, 3,7": list indices (entry 0 is boot_aggregate, entry k the
 * k-th workload file). */
static int parse_index_list(const struct kv_spec *sp, const char *value,
                            void *field, char **err)
{
    int64_t v[INDEX_LIST_MAX];
    size_t n = 0;
    const char *p = value;
    if (strcmp(value, "none") == 0)
        return idxlist_format(v, 0, field, SCN_INDEX_LIST_LEN);
    for (;;) {
        while (*p == ' ')
            p++;
        /* util/num: an index past INDEX_MAX is an error, never wrapped */
        if (n == INDEX_LIST_MAX || *p == '-' ||
            num_take(&p, 0, INDEX_MAX, &v[n]) < 0)
            break;
        n++;
        while (*p == ' ')
            p++;
        if (*p == '\0')
            return idxlist_format(v, n, field, SCN_INDEX_LIST_LEN) == 0 ? 0 :
                   err_set(err, "%s: list too long", sp->key);
        if (*p++ != ',')
            break;
    }
    return err_set(err, "%s: '%s' is not 'none' or a comma list of at most "
                   "%d entry indices (0..%d)", sp->key, value, INDEX_LIST_MAX,
                   INDEX_MAX);
}

/* "none" or a comma list of bank names, in bank order: "sha384,sha512". */
static int parse_bank_set(const struct kv_spec *sp, const char *value,
                          void *field, char **err)
{
    if (strcmp(value, "none") == 0) {
        snprintf(field, sp->size, "none");
        return 0;
    }
    struct kv_spec banks = { .key = sp->key, .type = KV_BANKS };
    unsigned mask = 0;
    if (kv_apply(&banks, value, &mask, err) < 0)
        return -1;
    char *out = field;
    out[0] = '\0';
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(mask & (1u << b)))
            continue;
        if (out[0])
            strcat(out, ",");
        strcat(out, alg_by_bank((enum bank)b)->name);   /* 4 names fit */
    }
    return 0;
}

#define RUN(f) offsetof(struct scenario, run.f)
#define EXP(f) offsetof(struct scn_expect, f)

static const struct kv_spec scenario_keys[] = {
    { "description", KV_STR, offsetof(struct scenario, description),
      sizeof(((struct scenario *)0)->description), 0, 0, NULL, 0,
      "one line saying what the scenario shows", NULL },
    { NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL },
};

static const struct kv_spec run_keys[] = {
    { "files", KV_UINT, RUN(files), 0, 0, WORKLOAD_MAX_FILES, NULL, 0,
      "how many distinct files the workload measures", NULL },
    { "pause_ms", KV_UINT, RUN(pause_ms), 0, 0, 60000, NULL, 0,
      "pause after each measured read, in ms", NULL },
    { "deadline", KV_UINT, RUN(deadline_s), 0, 5, 3600, NULL, 0,
      "whole-run deadline in seconds", NULL },
    { "banks", KV_BANKS, RUN(banks), 0, 0, 0, NULL, 0,
      "PCR banks the TPM allocates: sha1,sha256,sha384,sha512", NULL },
    { "tpm", KV_ENUM, RUN(tpm), 0, 0, 0, tpm_names, 0,
      "present (TPM 2.0), 1.2 (TPM 1.2) or absent", NULL },
    { "tpm12_duration_ms", KV_UINT, RUN(tpm12_duration_ms), 0, 20, 600000,
      NULL, 0, "TPM 1.2: the command durations the guest's driver is told, "
      "capped (its TPM_Extend deadline)", NULL },
    { "kernel", KV_STR, RUN(kernel), sizeof(((struct scn_run *)0)->kernel),
      0, 0, NULL, 0, "kernel series (6.1, 6.12) or a bzImage path", NULL },
    { "seed", KV_U64, RUN(seed), 0, 0, UINT64_MAX, NULL, RUN(seed_set),
      "seed of the fault engine's random streams", NULL },
    { NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL },
};

static const struct kv_spec expect_keys[] = {
    { "list-complete", KV_ENUM, EXP(list_complete), 0, 0, 0, scn_yesno_names, 0,
      "the list holds boot_aggregate and every workload file, in order", NULL },
    { "trace-in-list", KV_ENUM, EXP(trace_in_list), 0, 0, 0, scn_yesno_names, 0,
      "every PCR 10 extend the shim saw has its list entry, in order", NULL },
    { "replay-vs-tpm", KV_ENUM, EXP(replay_vs_tpm), 0, 0, 0, scn_cmp_names, 0,
      "the list's replay against the TPM's PCR 10, every bank", NULL },
    { "replay-vs-quote", KV_ENUM, EXP(replay_vs_quote), 0, 0, 0, scn_cmp_names, 0,
      "the list's replay against the quoted PCR 10, every bank", NULL },
    { "quote", KV_ENUM, EXP(quote), 0, 0, 0, scn_quote_names, 0,
      "valid: a quote verifies; refused: the guest got no quote", NULL },
    { "bypass", KV_ENUM, EXP(bypass), 0, 0, 0, scn_onoff_names, 0,
      "IMA's TPM-bypass mode", NULL },
    { "guest-alive", KV_ENUM, EXP(guest_alive), 0, 0, 0, scn_yesno_names, 0,
      "the guest finished its agent and powered off", NULL },
    { "explained", KV_ENUM, EXP(explained), 0, 0, 0, scn_yesno_names, 0,
      "the applied extends explain the TPM's PCR 10 (entries missing or doubled)", NULL },
    { "not-in-pcr", KV_FUNC, EXP(not_in_pcr), SCN_INDEX_LIST_LEN, 0, 0, NULL, 0,
      "list entries never extended into PCR 10: none, or indices such as 2,3",
      parse_index_list },
    { "applied-twice", KV_FUNC, EXP(applied_twice), SCN_INDEX_LIST_LEN, 0, 0,
      NULL, 0, "list entries extended into PCR 10 twice (a resend of an "
      "extend swtpm had executed): none, or indices such as 3",
      parse_index_list },
    { "boot-aggregate", KV_ENUM, EXP(boot_aggregate), 0, 0, 0, boot_aggregate_names,
      0, "entry 0: firmware (the hash of the firmware's PCRs 0-9), zero "
      "(TPM-bypass) or zero-pcrs (the hash of all-zero PCRs)", NULL },
    { "kernel-errors", KV_UINT, EXP(kernel_errors), 0, 0, 100000, NULL,
      EXP(kernel_errors_set),
      "'ima: Error Communicating to TPM chip' lines in the guest's dmesg", NULL },
    { "kernel-errors-for", KV_FUNC, EXP(kernel_errors_for), SCN_INDEX_LIST_LEN,
      0, 0, NULL, 0,
      "list entries whose measurement logged 'Error Communicating to TPM "
      "chip': none, or indices such as 3", parse_index_list },
    { "padded-banks", KV_FUNC, EXP(padded_banks), SCN_BANK_LIST_LEN, 0, 0,
      NULL, 0, "banks IMA extended with the sha1 digest zero-padded (it had "
      "no hash for them): none, or names such as sha384,sha512",
      parse_bank_set },
    { "bank-lists", KV_ENUM, EXP(bank_lists), 0, 0, 0, scn_lists_names, 0,
      "the per-bank lists (kernels 6.10+): agree with the sha1 list and "
      "replay each bank, disagree, or absent", NULL },
    { NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL },
};

/* Where a section's keys are stored: the scenario itself, or the fault
 * rule the section header just started. */
static void *whole_scenario(struct scenario *s) { return s; }
static void *expectations(struct scenario *s) { return &s->expect; }
static void *current_rule(struct scenario *s)
{
    return &s->faults.rules[s->faults.n - 1];
}

struct section {
    const char *name;
    const struct kv_spec *keys;
    void *(*target)(struct scenario *s);
    bool repeatable;
    bool kernel_condition;   /* keys may be written key[SERIES] */
};

static const struct section sections[] = {
    { "scenario", scenario_keys, whole_scenario, false, false },
    { "run", run_keys, whole_scenario, false, false },
    { "expect", expect_keys, expectations, false, true },
    { "fault", fault_keys, current_rule, true, false },
    { NULL, NULL, NULL, false, false },
};
#define N_SECTIONS 4
#define RUN_SECTION 1
#define EXPECT_SECTION 2

int scenario_name_of(const char *path, char *name, size_t size, char **err)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n >= 4 && strcmp(base + n - 4, ".scn") == 0)
        n -= 4;
    if (n == 0 || n >= size)
        return err_set(err, "%s: the scenario name (the file's name less "
                       ".scn) must have 1 to %zu characters", path, size - 1);
    if (base[0] == '.')
        return err_set(err, "%s: the scenario name must not start with '.'",
                       path);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)base[i];
        if (isalnum(c) || strchr("-_.", c))
            continue;
        char shown[8];     /* a control character must not reach a terminal */
        snprintf(shown, sizeof(shown), c > 0x20 && c < 0x7f ? "'%c'" : "0x%02x", c);
        return err_set(err, "%s: the scenario name may hold only letters, "
                       "digits and - _ . (not %s)", path, shown);
    }
    memcpy(name, base, n);
    name[n] = '\0';
    return 0;
}

static int set_defaults(struct scenario *s, const char *path, char **err)
{
    memset(s, 0, sizeof(*s));
    snprintf(s->path, sizeof(s->path), "%s", path);
    if (scenario_name_of(path, s->name, sizeof(s->name), err) < 0)
        return -1;
    s->run.files = 3;
    s->run.deadline_s = 120;
    s->run.banks = (1u << BANK_SHA1) | (1u << BANK_SHA256);
    s->run.tpm = SCN_TPM_PRESENT;
    return 0;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

struct parse_state {
    const char *path;
    int line;
    const struct section *sec;
    int seen[N_SECTIONS][64];   /* per section and key: the line it was given on */
    int seen_kernel[SCN_KERNEL_SERIES][64];   /* [expect] key[SERIES] lines */
    int header_line[N_SECTIONS];  /* where a non-repeatable section began */
    /* Every error is reported, but none twice: after a bad header the
     * section's keys are skipped, and a rule or [expect] with a bad line
     * is not checked as a whole (its keys are not what the script says). */
    bool skipping;
    int bad_key;     /* the key of the line in error, or -1 */
    bool bad_expect;
};

/* A [fault] header starts a new rule; other sections may appear once. */
static int enter_section(struct parse_state *st, const struct section *sec,
                         struct scenario *s, char **err)
{
    size_t si = (size_t)(sec - sections);
    if (sec->repeatable) {
        if (s->faults.n >= FAULT_MAX_RULES)
            return err_set(err, "%s:%d: more than %d [fault] rules", st->path,
                           st->line, FAULT_MAX_RULES);
        fault_rule_init(&s->faults.rules[s->faults.n], s->faults.n + 1, st->line);
        s->faults.n++;
        memset(st->seen[si], 0, sizeof(st->seen[si]));
    } else if (st->header_line[si]) {
        return err_set(err, "%s:%d: [%s] given twice (first on line %d)",
                       st->path, st->line, sec->name, st->header_line[si]);
    }
    st->header_line[si] = st->line;
    st->sec = sec;
    st->skipping = false;
    return 0;
}

static int parse_section_header(struct parse_state *st, char *line,
                                struct scenario *s, char **err)
{
    char *end = strchr(line, ']');
    if (!end || trim(end + 1)[0] != '\0')
        return err_set(err, "%s:%d: malformed section header '%s'", st->path,
                       st->line, line);
    *end = '\0';
    char *name = trim(line + 1);
    struct near n;
    char hint[96], typed[80], bracketed[N_SECTIONS][16];
    snprintf(typed, sizeof(typed), "[%s]", name);   /* the hint says [run] */
    near_start(&n, typed);
    for (const struct section *sec = sections; sec->name; sec++) {
        if (strcmp(sec->name, name) == 0)
            return enter_section(st, sec, s, err);
        char *b = bracketed[sec - sections];
        snprintf(b, sizeof(bracketed[0]), "[%s]", sec->name);
        near_consider(&n, b);
    }
    return err_set(err, "%s:%d: unknown section [%s] (known: [scenario], "
                   "[run], [expect], [fault])%s", st->path, st->line, name,
                   near_hint(&n, hint, sizeof(hint)));
}

static char *series_list(void)
{
    static char list[64];
    list[0] = '\0';
    for (int i = 0; scn_kernel_series[i]; i++)
        snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
                 i ? ", " : "", scn_kernel_series[i]);
    return list;
}

/* "kernel-errors[6.12]": cut the condition off key; *series is its index,
 * or -1 without one. */
static int split_condition(struct parse_state *st, char *key, int *series,
                           char **err)
{
    *series = -1;
    char *open = strchr(key, '[');
    if (!open)
        return 0;
    size_t n = strlen(key);
    if (key[n - 1] != ']' || open == key)
        return err_set(err, "%s:%d: malformed key '%s' (a kernel condition is "
                       "written key[SERIES])", st->path, st->line, key);
    if (!st->sec->kernel_condition)
        return err_set(err, "%s:%d: '%s': only [expect] keys take a kernel "
                       "condition", st->path, st->line, key);
    key[n - 1] = '\0';
    *open = '\0';
    const char *cond = open + 1;
    for (int i = 0; scn_kernel_series[i]; i++) {
        if (strcmp(cond, scn_kernel_series[i]) == 0) {
            *series = i;
            return 0;
        }
    }
    return err_set(err, "%s:%d: unknown kernel '%s' in '%s[%s]' (known: %s)",
                   st->path, st->line, cond, key, cond, series_list());
}

static int parse_key_value(struct parse_state *st, char *line,
                           struct scenario *s, char **err)
{
    char *eq = strchr(line, '=');
    if (!eq)
        return err_set(err, "%s:%d: expected 'key = value', got '%s'",
                       st->path, st->line, line);
    if (!st->sec)
        return err_set(err, "%s:%d: key outside a section (start with [run] "
                       "or [expect])", st->path, st->line);
    *eq = '\0';
    char *key = trim(line), *value = trim(eq + 1);
    int series;
    if (split_condition(st, key, &series, err) < 0)
        return -1;
    const struct kv_spec *sp = kv_find(st->sec->keys, key);
    if (!sp) {
        char *known = kv_key_list(st->sec->keys), hint[96];
        struct near n;
        near_start(&n, key);
        for (const struct kv_spec *k = st->sec->keys; k->key; k++)
            near_consider(&n, k->key);
        const struct kv_spec *meant = near_best(&n) ?
                                      kv_find(st->sec->keys, near_best(&n)) : NULL;
        st->bad_key = meant ? (int)(meant - st->sec->keys) : -1;
        err_set(err, "%s:%d: unknown key '%s' in [%s] (known: %s)%s", st->path,
                st->line, key, st->sec->name, known ? known : "?",
                near_hint(&n, hint, sizeof(hint)));
        free(known);
        return -1;
    }
    size_t si = (size_t)(st->sec - sections), ki = (size_t)(sp - st->sec->keys);
    int *seen = series < 0 ? &st->seen[si][ki] : &st->seen_kernel[series][ki];
    if (*seen)
        return err_set(err, "%s:%d: '%s%s%s%s' given twice in [%s] (first on "
                       "line %d)", st->path, st->line, key, series < 0 ? "" : "[",
                       series < 0 ? "" : scn_kernel_series[series],
                       series < 0 ? "" : "]", st->sec->name, *seen);
    *seen = st->line;
    if (st->sec->keys == fault_keys && ki < FAULT_KEY_MAX)
        s->fault_key_line[s->faults.n - 1][ki] = st->line;
    char *why = NULL;
    void *target = series < 0 ? st->sec->target(s) : &s->expect_kernel[series];
    st->bad_key = (int)ki;
    if (kv_apply(sp, value, target, &why) < 0) {
        err_set(err, "%s:%d: %s", st->path, st->line, why ? why : "bad value");
        free(why);
        return -1;
    }
    return 0;
}

static int parse_line(struct parse_state *st, char *raw, struct scenario *s,
                      char **err)
{
    char *line = trim(raw);
    if (*line == '\0' || *line == '#' || *line == ';')
        return 0;
    if (*line == '[') {
        if (parse_section_header(st, line, s, err) == 0)
            return 0;
        st->skipping = true;   /* its keys belong to no known section */
        st->sec = NULL;
        return -1;
    }
    if (st->skipping)
        return 0;
    st->bad_key = -1;
    if (parse_key_value(st, line, s, err) == 0)
        return 0;
    if (st->sec && st->sec->repeatable && st->bad_key >= 0 &&
        st->bad_key < FAULT_KEY_MAX)
        s->fault_key_bad[s->faults.n - 1][st->bad_key] = true;
    else if (st->sec && st->sec - sections == EXPECT_SECTION)
        st->bad_expect = true;
    return -1;
}

int scenario_expectation_count(const struct scenario *s)
{
    int n = 0;
    for (const struct kv_spec *sp = expect_keys; sp->key; sp++)
        n += kv_is_set(sp, &s->expect);
    return n;
}

void scenario_expect_for(const struct scenario *s, int series,
                         struct scn_expect *out)
{
    *out = s->expect;
    if (series < 0 || series >= SCN_KERNEL_SERIES)
        return;
    for (const struct kv_spec *sp = expect_keys; sp->key; sp++)
        if (kv_is_set(sp, &s->expect_kernel[series]))
            kv_copy(sp, out, &s->expect_kernel[series]);
}

bool scenario_expect_overridden(const struct scenario *s, int series,
                                const char *key)
{
    const struct kv_spec *sp = kv_find(expect_keys, key);
    return sp && series >= 0 && series < SCN_KERNEL_SERIES &&
           kv_is_set(sp, &s->expect_kernel[series]);
}

/* An override says how one kernel differs from the expectation every other
 * kernel meets: the plain key must be given, and with another value. */
static int check_overrides(const struct parse_state *st,
                           const struct scenario *s, char **err)
{
    int rc = 0;
    for (int k = 0; k < SCN_KERNEL_SERIES; k++) {
        for (const struct kv_spec *sp = expect_keys; sp->key; sp++) {
            size_t ki = (size_t)(sp - expect_keys);
            int line = st->seen_kernel[k][ki];
            int plain = st->seen[EXPECT_SECTION][ki];
            if (!line)
                continue;
            if (!plain)
                rc = err_add(err, "%s:%d: %s[%s] overrides nothing: give %s "
                             "too, the expectation on every other kernel",
                             st->path, line, sp->key, scn_kernel_series[k],
                             sp->key);
            else if (kv_equal(sp, &s->expect, &s->expect_kernel[k]))
                rc = err_add(err, "%s:%d: %s[%s] is the same as %s on line "
                             "%d: drop it", st->path, line, sp->key,
                             scn_kernel_series[k], sp->key, plain);
        }
    }
    return rc;
}

/* A TPM 1.2 has one bank, sha1: it is the default there, and any other
 * bank is an error.  Its durations can be capped only there. */
static int check_tpm12_banks(const struct parse_state *st, struct scenario *s,
                             char **err)
{
    const size_t run = RUN_SECTION;
    const size_t banks = (size_t)(kv_find(run_keys, "banks") - run_keys);
    const size_t dur = (size_t)(kv_find(run_keys, "tpm12_duration_ms") - run_keys);
    if (s->run.tpm != SCN_TPM_12 && st->seen[run][dur])
        return err_add(err, "%s:%d: tpm12_duration_ms: only for tpm = 1.2 "
                       "(a TPM 2.0 driver's deadlines are fixed)", st->path,
                       st->seen[run][dur]);
    if (s->run.tpm != SCN_TPM_12)
        return 0;
    if (!st->seen[run][banks]) {
        s->run.banks = 1u << BANK_SHA1;
        return 0;
    }
    if (s->run.banks != 1u << BANK_SHA1)
        return err_add(err, "%s:%d: banks: a TPM 1.2 (tpm = 1.2) has one bank, "
                       "sha1", st->path, st->seen[run][banks]);
    return 0;
}

static int check_faults(const struct scenario *s, char **err)
{
    const struct fault_engine *e = &s->faults;
    int rc = 0;
    for (int i = 0; i < e->n; i++) {
        if (fault_rule_check(&e->rules[i], s->path, s->fault_key_line[i],
                             s->fault_key_bad[i], err) < 0)
            rc = -1;
        for (int j = 0; j < i; j++)
            if (strcmp(e->rules[i].name, e->rules[j].name) == 0)
                rc = err_add(err, "%s:%d: fault name '%s' already used on "
                             "line %d", s->path, e->rules[i].line,
                             e->rules[i].name, e->rules[j].line);
    }
    return rc;
}

/* The line a rule's key was given on, else the rule's header line. */
static int rule_key_line(const struct scenario *s, int i, const char *key)
{
    return fault_key_line(&s->faults.rules[i], s->fault_key_line[i], key);
}

/* Rule i's key (command or rc, a what) was given by names that are not
 * the run's TPM's (want): the error, else 0. */
static int family_clash(const struct scenario *s, int i, const char *key,
                        const char *what, int names, int want, char **err)
{
    if (names == FN_NUMBER || names == want)
        return 0;
    return err_add(err, "%s:%d: fault %s: %s names a %s %s, but [run] tpm = %s",
                   s->path, rule_key_line(s, i, key), s->faults.rules[i].name,
                   key, names == FN_TPM12 ? "TPM 1.2" : "TPM 2.0", what,
                   want == FN_TPM12 ? "1.2" : "present (TPM 2.0)");
}

/* A rule naming the other TPM's command or response code can never match
 * (or would answer a code the guest's TPM does not have): one error a
 * rule, its command's first. */
static int check_fault_families(const struct scenario *s, char **err)
{
    if (s->run.tpm == SCN_TPM_ABSENT)
        return 0;
    int want = s->run.tpm == SCN_TPM_12 ? FN_TPM12 : FN_TPM20, rc = 0;
    for (int i = 0; i < s->faults.n; i++) {
        const struct fault_rule *r = &s->faults.rules[i];
        if (family_clash(s, i, "command", "command", r->cc_names, want,
                         err) < 0 ||
            family_clash(s, i, "rc", "response code", r->rc_names, want,
                         err) < 0)
            rc = -1;
        /* TPM 1.2 has no "cancelled" code: its TIS discards a cancelled
         * command and the driver reads no answer, so there is nothing
         * honest for action = cancel to send. */
        if (want == FN_TPM12 && r->action == FA_CANCEL)
            rc = err_add(err, "%s:%d: fault %s: action = cancel answers "
                         "TPM_RC_CANCELED, which TPM 1.2 does not have; use "
                         "action = error with a TPM 1.2 rc, or action = "
                         "timeout for the guest to cancel", s->path,
                         rule_key_line(s, i, "action"), r->name);
    }
    return rc;
}

enum tpm_family scenario_family(const struct scenario *s)
{
    return s->run.tpm == SCN_TPM_12 ? TPM_FAMILY_12 : TPM_FAMILY_20;
}

int scenario_rule_warning(const struct scenario *s, int i, char **out)
{
    const struct fault_rule *r = &s->faults.rules[i];
    enum tpm_family f = scenario_family(s);
    if (s->run.tpm == SCN_TPM_ABSENT || r->cc == FAULT_CC_ANY ||
        r->cc_names != FN_NUMBER || tpm_cc_known(r->cc, f))
        return 0;
    err_add(out, "%s:%d: warning: fault %s: command 0x%x is no %s command "
            "this harness knows: the rule may never match", s->path,
            rule_key_line(s, i, "command"), r->name, r->cc,
            f == TPM_FAMILY_12 ? "TPM 1.2" : "TPM 2.0");
    return 1;
}

/* Checks across keys, after the whole file is read. */
static int check_consistency(const struct parse_state *st,
                             const struct scenario *s, char **err)
{
    int rc = check_faults(s, err);
    if (check_fault_families(s, err) < 0)
        rc = -1;
    if (scenario_expectation_count(s) == 0 && !st->bad_expect)
        rc = err_add(err, "%s: no expectations: a scenario must state at "
                     "least one in [expect]", s->path);
    for (int k = -1; k < SCN_KERNEL_SERIES; k++) {
        struct scn_expect e;
        scenario_expect_for(s, k, &e);
        if (s->run.tpm == SCN_TPM_ABSENT &&
            (e.quote == SCN_QUOTE_VALID || e.bypass == SCN_OFF)) {
            rc = err_add(err, "%s: contradiction: tpm = absent with quote = "
                         "valid or bypass = off%s%s", s->path,
                         k < 0 ? "" : " on ", k < 0 ? "" : scn_kernel_series[k]);
            break;
        }
    }
    if (!(s->run.banks & (1u << BANK_SHA1)))
        rc = err_add(err, "%s: banks: sha1 is required (IMA's list digest "
                     "is sha1)", s->path);
    return rc;
}

/* The line a message names ("path:12: ..."), or INT_MAX (whole file). */
static int message_line(const char *msg, const char *path)
{
    size_t n = strlen(path);
    if (strncmp(msg, path, n) != 0 || msg[n] != ':' ||
        !isdigit((unsigned char)msg[n + 1]))
        return INT_MAX;
    return (int)strtol(msg + n + 1, NULL, 10);
}

/* The errors of *err (one a line) in the order of the lines they name,
 * whole-file errors last; messages naming the same line keep their
 * order. */
static void sort_by_line(char *msgs, const char *path)
{
    size_t n = 1, at = 0;
    for (const char *c = msgs; (c = strchr(c, '\n')); c++)
        n++;
    char **line = calloc(n, sizeof(*line));
    char *copy = strdup(msgs);
    if (!line || !copy)
        goto out;
    for (char *save = NULL, *tok = strtok_r(copy, "\n", &save); tok;
         tok = strtok_r(NULL, "\n", &save))
        line[at++] = tok;
    for (size_t i = 1; i < at; i++)   /* insertion sort: stable */
        for (size_t j = i; j > 0 && message_line(line[j - 1], path) >
                                    message_line(line[j], path); j--) {
            char *t = line[j];
            line[j] = line[j - 1];
            line[j - 1] = t;
        }
    msgs[0] = '\0';
    for (size_t i = 0; i < at; i++) {
        strcat(msgs, line[i]);
        if (i + 1 < at)
            strcat(msgs, "\n");
    }
out:
    free(line);
    free(copy);
}

int scenario_parse(const char *text, const char *path, struct scenario *s,
                   char **err)
{
    if (set_defaults(s, path, err) < 0)
        return -1;
    struct parse_state st = { .path = path };
    char *copy = strdup(text);
    if (!copy)
        return err_set(err, "%s: out of memory", path);
    int rc = 0;
    /* strtok_r would skip empty lines and lose the line count: split by
     * hand.  Every line is read: each error is reported, in line order. */
    for (char *p = copy; p; ) {
        char *nl = strchr(p, '\n');
        char *why = NULL;
        if (nl)
            *nl = '\0';
        st.line++;
        if (parse_line(&st, p, s, &why) < 0)
            rc = err_add(err, "%s", why ? why : "bad line");
        free(why);
        p = nl ? nl + 1 : NULL;
    }
    free(copy);
    if (check_tpm12_banks(&st, s, err) < 0)
        rc = -1;
    if (check_overrides(&st, s, err) < 0)
        rc = -1;
    if (check_consistency(&st, s, err) < 0)
        rc = -1;
    if (rc < 0 && err && *err)
        sort_by_line(*err, path);
    return rc;
}

int scenario_load(const char *path, struct scenario *s, char **err)
{
    char *text = text_file_read(path, err);
    if (!text)
        return -1;
    int rc = scenario_parse(text, path, s, err);
    free(text);
    return rc;
}
