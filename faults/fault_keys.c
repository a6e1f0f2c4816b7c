#include "faults/fault_keys.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/frame.h"
#include "util/err.h"
#include "util/near.h"
#include "util/num.h"

#define RULE(f) offsetof(struct fault_rule, f)

static int parse_u32(const char *s, uint32_t *v)
{
    uint64_t n;
    if (num_parse(s, UINT32_MAX, &n) < 0)
        return -1;
    *v = (uint32_t)n;
    return 0;
}

/* The rule a command or rc field belongs to, to record whose name it was. */
#define RULE_OF(field, member) \
    ((struct fault_rule *)((char *)(field) - offsetof(struct fault_rule, member)))

/* The TPM 2.0 name without its prefix: PCR_Extend, TPM2_PCR_Extend,
 * TPM_CC_PCR_Extend or tpm2-tss's TPM2_CC_PCR_Extend. */
static const char *tpm20_bare(const char *name)
{
    if (strncmp(name, "TPM2_CC_", 8) == 0)   /* tpm2-tss */
        return name + 8;
    if (strncmp(name, "TPM2_", 5) == 0)
        return name + 5;
    if (strncmp(name, "TPM_CC_", 7) == 0)
        return name + 7;
    return name;
}

/* A TPM 1.2 command by its ordinal's name (TPM_ORD_Extend) or the spec's
 * command name (TPM_Extend). */
static int tpm12_command(const char *name, uint32_t *cc)
{
    char ord[64];
    if (tpm_cc_by_name(name, TPM_FAMILY_12, cc) == 0)
        return 0;
    if (strncmp(name, "TPM_", 4) != 0 || strlen(name) >= sizeof(ord) - 4)
        return -1;
    snprintf(ord, sizeof(ord), "TPM_ORD_%s", name + 4);
    return tpm_cc_by_name(ord, TPM_FAMILY_12, cc);
}

/* "did you mean" over both families' command names. */
static const char *command_hint(const char *value, char *hint, size_t n)
{
    struct near near;
    near_start(&near, tpm20_bare(value));
    for (uint32_t c = 0x100; c < 0x200; c++)
        if (tpm_cc_known(c, TPM_FAMILY_20))
            near_consider(&near, tpm_cc_name(c, TPM_FAMILY_20));
    for (uint32_t c = 0; c < 0x100; c++)
        if (tpm_cc_known(c, TPM_FAMILY_12))
            near_consider(&near, tpm_cc_name(c, TPM_FAMILY_12));
    return near_hint(&near, hint, n);
}

/* A command by name (a TPM 2.0 or a TPM 1.2 one), by number, or "any". */
static int parse_command(const struct kv_spec *sp, const char *value,
                         void *field, char **err)
{
    uint32_t *cc = field;
    int *names = &RULE_OF(field, cc)->cc_names;
    char hint[96];
    *names = FN_NUMBER;
    if (strcmp(value, "any") == 0) {
        *cc = FAULT_CC_ANY;
        return 0;
    }
    if (parse_u32(value, cc) == 0)
        return 0;
    if (tpm_cc_by_name(tpm20_bare(value), TPM_FAMILY_20, cc) == 0) {
        *names = FN_TPM20;
        return 0;
    }
    if (tpm12_command(value, cc) == 0) {
        *names = FN_TPM12;
        return 0;
    }
    return err_set(err, "%s: unknown TPM command '%s' (a TPM 2.0 name such "
                   "as PCR_Extend, a TPM 1.2 one such as TPM_ORD_Extend, a "
                   "number, or any)%s", sp->key, value,
                   command_hint(value, hint, sizeof(hint)));
}

/* "did you mean" over both families' response code names. */
static const char *rc_hint(const char *value, char *hint, size_t n)
{
    struct near near;
    near_start(&near, value);
    for (uint32_t c = 0; c < 0x1000; c++) {
        const char *v2 = tpm_rc_name(c, TPM_FAMILY_20);
        const char *v12 = tpm_rc_name(c, TPM_FAMILY_12);
        if (v2)
            near_consider(&near, v2);
        if (v12)
            near_consider(&near, v12);
    }
    return near_hint(&near, hint, n);
}

/* A response code by name (TPM_RC_FAILURE, tpm2-tss's TPM2_RC_FAILURE, or
 * a TPM 1.2 one: TPM_FAIL) or number (0x101, 257). */
static int parse_rc(const struct kv_spec *sp, const char *value, void *field,
                    char **err)
{
    uint32_t *rc = field;
    int *names = &RULE_OF(field, rc)->rc_names;
    char full[64], hint[96];
    *names = FN_NUMBER;
    if (parse_u32(value, rc) == 0)
        return 0;
    if (strncmp(value, "TPM2_RC_", 8) == 0)   /* tpm2-tss */
        snprintf(full, sizeof(full), "TPM_RC_%s", value + 8);
    else
        snprintf(full, sizeof(full), "%s", value);
    if (tpm_rc_by_name(full, TPM_FAMILY_20, rc) == 0) {
        *names = FN_TPM20;
        return 0;
    }
    if (tpm_rc_by_name(value, TPM_FAMILY_12, rc) == 0) {
        *names = FN_TPM12;
        return 0;
    }
    return err_set(err, "%s: unknown response code '%s' (a name such as "
                   "TPM_RC_FAILURE or, for TPM 1.2, TPM_FAIL, or a number)%s",
                   sp->key, value, rc_hint(value, hint, sizeof(hint)));
}

static int parse_pcr(const struct kv_spec *sp, const char *value, void *field,
                     char **err)
{
    int *pcr = field;
    uint32_t v;
    if (strcmp(value, "any") == 0) {
        *pcr = FAULT_PCR_ANY;
        return 0;
    }
    if (parse_u32(value, &v) < 0 || v > 23)
        return err_set(err, "%s: '%s' is not a PCR index 0..23 or any",
                       sp->key, value);
    *pcr = (int)v;
    return 0;
}

static int parse_action(const struct kv_spec *sp, const char *value,
                        void *field, char **err)
{
    enum fault_action *a = field;
    struct near n;
    char hint[96];
    near_start(&n, value);
    for (int i = FA_ERROR; i <= FA_CLOSE; i++) {
        const char *name = fault_action_name((enum fault_action)i);
        if (strcmp(name, value) == 0) {
            *a = (enum fault_action)i;
            return 0;
        }
        near_consider(&n, name);
    }
    return err_set(err, "%s: unknown action '%s' (error, applied-then-error, "
                   "delay, timeout, cancel, drop-response, failure-mode, "
                   "close)%s", sp->key, value, near_hint(&n, hint, sizeof(hint)));
}

static int parse_bool(const struct kv_spec *sp, const char *value, void *field,
                      char **err)
{
    bool *b = field;
    if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0) {
        *b = value[0] == 'y';
        return 0;
    }
    return err_set(err, "%s: '%s' is not yes or no", sp->key, value);
}

static int parse_name(const struct kv_spec *sp, const char *value, void *field,
                      char **err)
{
    if (!*value || strlen(value) >= sizeof(((struct fault_rule *)0)->name) ||
        strspn(value, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                      "0123456789_-.") != strlen(value))
        return err_set(err, "%s: '%s' must be 1-31 letters, digits, '_', '-' "
                       "or '.'", sp->key, value);
    strcpy(field, value);
    return 0;
}

static int parse_ppm(const struct kv_spec *sp, const char *value, void *field,
                     char **err)
{
    uint32_t v;
    if (parse_u32(value, &v) < 0 || v < 1 || v > 1000000)
        return err_set(err, "%s: '%s' is not a probability in parts per "
                       "million, 1..1000000", sp->key, value);
    *(unsigned *)field = v;
    return 0;
}

/* enum fault_direction: index + 1 */
static const char *const direction_names[] = { "command", "response", NULL };
/* enum fault_count: index + 1 */
static const char *const count_names[] = { "frames", "measurements", NULL };
/* enum fault_on_cancel: index + 1 */
static const char *const on_cancel_names[] = { "release", "ignore", NULL };

#define U(key, f, lo, hi, help) \
    { key, KV_UINT, RULE(f), 0, lo, hi, NULL, 0, help, NULL }
#define F(key, f, fn, set, help) \
    { key, KV_FUNC, RULE(f), 0, 0, 0, NULL, set, help, fn }
#define E(key, f, names, help) \
    { key, KV_ENUM, RULE(f), 0, 0, 0, names, 0, help, NULL }

const struct kv_spec fault_keys[] = {
    F("name", name, parse_name, 0, "the rule's name: its random stream and its report label"),
    F("command", cc, parse_command, 0, "match: command name or number, or any"),
    F("pcr", pcr, parse_pcr, 0, "match: PCR index of a PCR_Extend, or any"),
    E("direction", direction, direction_names, "the frame the action acts on: the command (before swtpm) or swtpm's response"),
    E("count", count, count_names, "what k counts: matched frames, or measurements (a driver's resend counts with its original)"),
    U("nth", nth, 1, 1000000, "fire on the nth matched frame (or measurement)"),
    U("after", after, 0, 1000000, "fire only after N matched frames (or measurements)"),
    U("every", every, 1, 1000000, "fire on every Kth matched frame (or measurement)"),
    U("offset", offset, 1, 999999, "every: fire where k % every == offset"),
    U("burst", burst, 1, 1000000, "count = measurements: fire on the first N frames of a measurement"),
    U("times", times, 1, 1000000, "fire at most N times (frames, or measurements)"),
    U("from", from, 1, 1000000, "first matched frame (or measurement) of the window"),
    U("to", to, 1, 1000000, "last matched frame (or measurement) of the window"),
    F("ppm", ppm, parse_ppm, RULE(has_ppm), "probability per matched frame, parts per million"),
    F("action", action, parse_action, 0, "what happens to the frame"),
    F("rc", rc, parse_rc, RULE(has_rc), "response code for error and applied-then-error; timeout: the answer when the hold ends"),
    U("delay_ms", delay_ms, 1, 600000, "delay: forward after this; timeout: hold limit"),
    F("applied", applied_late, parse_bool, RULE(has_applied), "timeout: forward when the hold ends (yes) or not (no)"),
    E("on_cancel", on_cancel, on_cancel_names, "timeout: QEMU's cancel ends the hold (release) or not (ignore: delay_ms does)"),
    { NULL, 0, 0, 0, 0, 0, NULL, 0, NULL, NULL },
};

void fault_rule_init(struct fault_rule *r, int n, int line)
{
    memset(r, 0, sizeof(*r));
    snprintf(r->name, sizeof(r->name), "fault%d", n);
    r->line = line;
    r->cc = FAULT_CC_ANY;
    r->pcr = FAULT_PCR_ANY;
    r->action = FA_NONE;
}

int fault_key_line(const struct fault_rule *r, const int *key_line,
                   const char *key)
{
    const struct kv_spec *sp = key ? kv_find(fault_keys, key) : NULL;
    int line = sp && key_line ? key_line[sp - fault_keys] : 0;
    return line ? line : r->line;
}

/* A rule's contradictions, all of them: what is wrong, the key whose line
 * is named (NULL: the [fault] header) and the other key it is about. */
#define MAX_FINDINGS 16
struct findings {
    struct { const char *what, *key, *also; } f[MAX_FINDINGS];
    int n;
};

static void found(struct findings *fs, bool cond, const char *what,
                  const char *key, const char *also)
{
    if (cond && fs->n < MAX_FINDINGS) {
        fs->f[fs->n].what = what;
        fs->f[fs->n].key = key;
        fs->f[fs->n++].also = also;
    }
}

static void check_triggers(const struct fault_rule *r, struct findings *fs)
{
    found(fs, r->from && r->to && r->from > r->to,
          "contradiction: from is after to", "to", "from");
    found(fs, r->nth && r->from && r->nth < r->from,
          "contradiction: nth is before the from..to window", "nth", "from");
    found(fs, r->nth && r->to && r->nth > r->to,
          "contradiction: nth is after the from..to window", "nth", "to");
    found(fs, r->nth && r->after && r->nth <= r->after,
          "contradiction: nth is not after 'after'", "nth", "after");
    found(fs, r->offset && !r->every, "offset is every's: give every =",
          "offset", "every");
    found(fs, r->offset && r->every && r->offset >= r->every,
          "offset must be below every (k % every == offset)", "offset", "every");
    found(fs, r->burst && r->count != FK_MEASUREMENTS,
          "burst counts the frames of a measurement: it needs count = "
          "measurements", "burst", "count");
    found(fs, r->nth && r->every && r->nth % r->every != r->offset,
          "contradiction: nth is not a multiple of every (plus offset)", "nth",
          "every");
    found(fs, r->after && r->to && r->to <= r->after,
          "contradiction: the window ends before 'after'", "to", "after");
}

/* Keys that belong to one action only. */
static void check_action_keys(const struct fault_rule *r, struct findings *fs)
{
    bool needs_rc = r->action == FA_ERROR || r->action == FA_APPLIED_ERROR;
    bool timeout = r->action == FA_TIMEOUT;
    found(fs, r->action == FA_NONE, "no action (action = error, "
          "applied-then-error, delay, timeout, cancel, drop-response, "
          "failure-mode or close)", NULL, "action");
    found(fs, needs_rc && !r->has_rc,
          "this action needs rc = (a response code)", "action", "rc");
    found(fs, !needs_rc && !timeout && r->has_rc,
          "rc applies only to error, applied-then-error and timeout", "rc",
          "action");
    found(fs, r->action == FA_DELAY && !r->delay_ms, "delay needs delay_ms =",
          "action", "delay_ms");
    found(fs, r->delay_ms && r->action != FA_DELAY && !timeout,
          "delay_ms applies only to delay and timeout", "delay_ms", "action");
    found(fs, r->has_applied && !timeout, "applied applies only to timeout",
          "applied", "action");
    found(fs, r->on_cancel && !timeout, "on_cancel applies only to timeout",
          "on_cancel", "action");
    found(fs, timeout && r->on_cancel == FC_IGNORE && !r->delay_ms,
          "on_cancel = ignore needs delay_ms = (the hold's end: QEMU's worker "
          "waits for an answer, and every later command fails until it "
          "comes)", "on_cancel", "delay_ms");
    found(fs, timeout && r->has_applied && !r->applied_late &&
              r->direction == FD_RESPONSE,
          "contradiction: applied = no, but with direction = response the "
          "command always reaches swtpm (applied = yes is implied)",
          "applied", "direction");
}

static bool key_bad(const bool *bad, const char *key)
{
    const struct kv_spec *sp = key ? kv_find(fault_keys, key) : NULL;
    return bad && sp && bad[sp - fault_keys];
}

int fault_rule_check(const struct fault_rule *r, const char *path,
                     const int *key_line, const bool *bad, char **err)
{
    struct findings fs = { .n = 0 };
    check_action_keys(r, &fs);
    found(&fs, r->pcr != FAULT_PCR_ANY && r->cc != FAULT_CC_ANY &&
              r->cc != TPM2_CC_PCR_EXTEND && r->cc != TPM12_ORD_EXTEND,
          "pcr matches PCR_Extend (TPM_ORD_Extend) only", "pcr", "command");
    check_triggers(r, &fs);
    int rc = 0;
    for (int i = 0; i < fs.n; i++) {
        /* a key the script got wrong has no value to contradict */
        if (key_bad(bad, fs.f[i].key) || key_bad(bad, fs.f[i].also))
            continue;
        rc = err_add(err, "%s:%d: fault %s: %s", path,
                     fault_key_line(r, key_line, fs.f[i].key), r->name, fs.f[i].what);
    }
    return rc;
}
