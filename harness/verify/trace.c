#include "verify/trace.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <swtpm/tpm_ioctl.h>

#include "trace/format.h"
#include "util/err.h"
#include "util/num.h"
#include "util/hex.h"
#include "util/jsonread.h"
#include "util/vec.h"

/* The data-channel ordinal of a line: 0 (no command) when absent or not
 * an unsigned integer. */
static unsigned line_ord(const struct jv *line)
{
    return (unsigned)jv_get_int(line, TRACE_K_ORD, 0, UINT_MAX, 0);
}

/* Fill digest[bank] for each "name": "hex" member of obj; returns the mask. */
static unsigned read_bank_object(const struct jv *obj,
                                 uint8_t digest[BANK_COUNT][ALG_MAX_DIGEST])
{
    unsigned mask = 0;
    if (!obj || obj->type != JV_OBJ)
        return 0;
    for (const struct jv *m = obj->child; m; m = m->next) {
        const struct alg_info *a = alg_by_name(m->key);
        if (!a || m->type != JV_STR)
            continue;
        if (hex_decode(m->str, digest[a->bank], a->size) == 0)
            mask |= 1u << a->bank;
    }
    return mask;
}

/* A line's fate, -1 when it has none this format knows. */
static int line_fate(const struct jv *line)
{
    return trace_fate_of(jv_get_str(line, TRACE_K_FATE));
}

/* The command reached swtpm: the shim says so explicitly; traces from
 * before the fault engine only had the fate relayed. */
static bool line_forwarded(const struct jv *line)
{
    const struct jv *f = jv_get(line, TRACE_K_FORWARDED);
    if (f && f->type == JV_BOOL)
        return f->b;
    return line_fate(line) == TRACE_FATE_RELAYED;
}

static double line_t(const struct jv *line)
{
    return jv_get_num(line, TRACE_K_T, 0);
}

/* The PCR index of an extend, -1 on other lines. */
static int line_pcr(const struct jv *line)
{
    return (int)jv_get_int(line, TRACE_K_PCR, 0, INT_MAX, -1);
}

static int add_fault(struct trace *t, const struct jv *line, char **err)
{
    const struct jv *fault = jv_get(line, TRACE_K_FAULT);
    if (!fault)
        return 0;
    struct trace_fault *g = vec_room(t->faults, t->n_faults, &t->faults_cap,
                                     sizeof(*g), 16);
    if (!g)
        return err_set(err, "out of memory");
    t->faults = g;
    struct trace_fault *f = &t->faults[t->n_faults++];
    memset(f, 0, sizeof(*f));
    f->ord = line_ord(line);
    const char *rule = jv_get_str(fault, TRACE_K_RULE);
    const char *action = jv_get_str(fault, TRACE_K_ACTION);
    const char *name = jv_get_str(line, TRACE_K_NAME);
    snprintf(f->rule, sizeof(f->rule), "%s", rule ? rule : "?");
    snprintf(f->action, sizeof(f->action), "%s", action ? action : "?");
    snprintf(f->command, sizeof(f->command), "%s", name ? name : "?");
    f->pcr = line_pcr(line);
    f->forwarded = line_forwarded(line);
    const char *dir = jv_get_str(fault, TRACE_K_DIRECTION);
    f->on_response = dir && strcmp(dir, TRACE_V_RESPONSE) == 0;
    f->t = line_t(line);
    return 0;
}

static struct trace_fault *find_fault(struct trace *t, unsigned ord)
{
    for (size_t i = t->n_faults; i-- > 0;)
        if (t->faults[i].ord == ord)
            return &t->faults[i];
    return NULL;
}

/* The command just added is a PCR 10 extend. */
static int add_extend(struct trace *t, char **err)
{
    size_t *g = vec_room(t->ext, t->n_ext, &t->cap, sizeof(*g), 64);
    if (!g)
        return err_set(err, "out of memory");
    t->ext = g;
    t->ext[t->n_ext++] = t->n_cmds - 1;
    return 0;
}

/* A command or response code as the shim writes it ("0x00000922"),
 * absent: none.  One that is no number or past 32 bits is an error, not a
 * truncated code. */
static int parse_code(const char *key, const char *what, const char *s,
                      uint32_t none, uint32_t *code, char **err)
{
    uint64_t v;
    *code = none;
    if (!s)
        return 0;
    if (num_parse(s, UINT32_MAX, &v) < 0)
        return err_set(err, "%s: '%s' is not a 32-bit %s", key, s, what);
    *code = (uint32_t)v;
    return 0;
}

static int parse_rc(const char *key, const char *s, uint32_t *rc, char **err)
{
    return parse_code(key, "response code", s, TRACE_RC_NONE, rc, err);
}

/* When the guest got the response of a frame a fault decided. */
static void fault_response(struct trace *t, const struct jv *line)
{
    struct trace_fault *f = find_fault(t, line_ord(line));
    if (!f)
        return;
    if (jv_get_str(line, TRACE_K_RC) && !f->answered) {
        f->answered = true;
        f->t_answered = line_t(line);
    }
    f->closed |= line_fate(line) == TRACE_FATE_CLOSED;
}

static struct trace_cmd *find_cmd(struct trace *t, unsigned ord)
{
    for (size_t i = t->n_cmds; i-- > 0;)
        if (t->cmds[i].ord == ord)
            return &t->cmds[i];
    return NULL;
}

static int add_cmd(struct trace *t, const struct jv *line, const char *name,
                   bool faulted, char **err)
{
    uint32_t cc;
    if (parse_code(TRACE_K_CC, "command code", jv_get_str(line, TRACE_K_CC),
                   TRACE_CC_NONE, &cc, err) < 0)
        return -1;
    struct trace_cmd *g = vec_room(t->cmds, t->n_cmds, &t->cmds_cap,
                                   sizeof(*g), 64);
    if (!g)
        return err_set(err, "out of memory");
    t->cmds = g;
    struct trace_cmd *c = &t->cmds[t->n_cmds++];
    memset(c, 0, sizeof(*c));
    c->ord = line_ord(line);
    c->cc = cc;
    c->t = line_t(line);
    c->t_rsp = c->t_release = -1;
    snprintf(c->name, sizeof(c->name), "%s", name ? name : "?");
    c->pcr = line_pcr(line);
    c->forwarded = line_forwarded(line);
    c->held = line_fate(line) == TRACE_FATE_HELD;
    c->tpm_rc = c->guest_rc = TRACE_RC_NONE;
    c->fault = faulted ? (int)t->n_faults - 1 : -1;
    if (trace_cmd_is_extend(t, c))
        c->bank_mask = read_bank_object(jv_get(line, TRACE_K_DIGESTS),
                                        c->digest);
    return 0;
}

static int add_ctrl(struct trace *t, const struct jv *line, char **err)
{
    struct trace_ctrl *g = vec_room(t->ctrls, t->n_ctrls, &t->ctrls_cap,
                                    sizeof(*g), 16);
    if (!g)
        return err_set(err, "out of memory");
    t->ctrls = g;
    struct trace_ctrl *c = &t->ctrls[t->n_ctrls++];
    const char *cmd = jv_get_str(line, TRACE_K_CMD);
    c->t = line_t(line);
    c->code = (uint32_t)jv_get_int(line, TRACE_K_CODE, 0, UINT32_MAX, 0);
    snprintf(c->cmd, sizeof(c->cmd), "%s", cmd ? cmd : "?");
    c->after_ord = t->n_cmds ? t->cmds[t->n_cmds - 1].ord : 0;
    return 0;
}

/* A response: what the guest got and what swtpm answered, for the command
 * and its fault. */
static int add_response(struct trace *t, const struct jv *line, char **err)
{
    fault_response(t, line);
    const char *rc = jv_get_str(line, TRACE_K_RC);          /* the guest's */
    const char *tpm_rc = jv_get_str(line, TRACE_K_TPM_RC);  /* swtpm's */
    bool relayed = line_fate(line) == TRACE_FATE_RELAYED;
    uint32_t guest, tpm;
    if (parse_rc(TRACE_K_RC, rc, &guest, err) < 0 ||
        parse_rc(tpm_rc ? TRACE_K_TPM_RC : TRACE_K_RC,
                 tpm_rc ? tpm_rc : relayed ? rc : NULL, &tpm, err) < 0)
        return -1;
    unsigned ord = line_ord(line);
    struct trace_cmd *c = find_cmd(t, ord);
    if (c) {
        c->answered = true;
        c->t_rsp = line_t(line);
        c->guest_rc = guest;
        c->tpm_rc = tpm;
    }
    return 0;
}

/* A held command ends: forwarded late, or answered by the shim. */
static void take_release(struct trace *t, const struct jv *line)
{
    unsigned ord = line_ord(line);
    struct trace_fault *f = find_fault(t, ord);
    struct trace_cmd *c = find_cmd(t, ord);
    bool fwd = line_forwarded(line);
    if (f)
        f->forwarded = fwd;
    if (c) {
        c->forwarded = fwd;
        c->t_release = line_t(line);
    }
}

/* A control message: kept, and QEMU's cancels timed. */
static int take_ctrl(struct trace *t, const struct jv *line, char **err)
{
    if (add_ctrl(t, line, err) < 0)
        return -1;
    if (t->ctrls[t->n_ctrls - 1].code == CMD_CANCEL_TPM_CMD &&
        t->n_cancels++ < TRACE_MAX_CANCELS)
        t->cancel_t[t->n_cancels - 1] = line_t(line);
    return 0;
}

enum tpm_family trace_family(const struct trace *t)
{
    return t->tpm12 ? TPM_FAMILY_12 : TPM_FAMILY_20;
}

bool trace_cmd_is_extend(const struct trace *t, const struct trace_cmd *c)
{
    return tpm_cc_is_extend(trace_family(t), c->cc);
}

bool trace_cmd_is_quote(const struct trace *t, const struct trace_cmd *c)
{
    return tpm_cc_is_quote(trace_family(t), c->cc);
}

/* An event line. */
static int take_event(struct trace *t, const struct jv *line, int event,
                      char **err)
{
    switch (event) {
    case TRACE_EV_FAULTS:
        if (jv_get_str(line, TRACE_K_TPM))
            t->tpm12 = trace_family_of(jv_get_str(line, TRACE_K_TPM)) ==
                       TPM_FAMILY_12;
        return 0;
    case TRACE_EV_PCR_TRUTH:
        if (line_pcr(line) != 10)
            return 0;
        t->truth_mask = read_bank_object(jv_get(line, TRACE_K_BANKS),
                                         t->truth);
        t->have_truth = t->truth_mask != 0;
        t->truth_read_s = jv_get_num(line, TRACE_K_READ_S, -1);
        return 0;
    case TRACE_EV_RELEASE:
        take_release(t, line);
        return 0;
    case TRACE_EV_CTRL:
        return take_ctrl(t, line, err);
    case TRACE_EV_ERROR:
        if (t->errors++ == 0) {
            const char *what = jv_get_str(line, TRACE_K_WHAT);
            snprintf(t->first_error, sizeof(t->first_error), "%s",
                     what ? what : "?");
        }
        return 0;
    default:
        return 0;
    }
}

/* A frame line. */
static int take_frame(struct trace *t, const struct jv *line, int dir,
                      char **err)
{
    const char *name = jv_get_str(line, TRACE_K_NAME);
    if (dir == TRACE_DIR_RSP)
        return add_response(t, line, err);
    if (dir != TRACE_DIR_CMD)
        return 0;
    t->frames++;
    size_t faults = t->n_faults;
    if (add_fault(t, line, err) < 0 ||
        add_cmd(t, line, name, t->n_faults > faults, err) < 0)
        return -1;
    if (trace_cmd_is_extend(t, &t->cmds[t->n_cmds - 1]) &&
        line_pcr(line) == 10)
        return add_extend(t, err);
    return 0;
}

static int take_line(struct trace *t, const struct jv *line, char **err)
{
    const char *event = jv_get_str(line, TRACE_K_EVENT);
    if (event)
        return take_event(t, line, trace_event_of(event), err);
    return take_frame(t, line, trace_dir_of(jv_get_str(line, TRACE_K_DIR)),
                      err);
}

int trace_load(const char *path, struct trace *t, char **err)
{
    memset(t, 0, sizeof(*t));
    t->truth_read_s = -1;
    FILE *f = fopen(path, "r");
    if (!f)
        return err_errno(err, "%s", path);
    char *line = NULL;
    size_t cap = 0;
    int lineno = 0, rc = 0;
    while (rc == 0 && getline(&line, &cap, f) >= 0) {
        lineno++;
        char *why = NULL;
        struct jv *v = jv_parse(line, &why);
        if (!v) {
            /* The last line of a killed shim may be cut short: tolerate it
             * only there. */
            int c = fgetc(f);
            if (c == EOF) {
                free(why);
                break;
            }
            rc = err_set(err, "%s:%d: %s", path, lineno, why ? why : "bad JSON");
            free(why);
            break;
        }
        if ((rc = take_line(t, v, err)) < 0)
            err_prefix(err, "%s:%d", path, lineno);
        jv_free(v);
    }
    free(line);
    fclose(f);
    if (rc < 0)
        trace_free(t);
    return rc;
}

void trace_free(struct trace *t)
{
    free(t->ext);
    t->ext = NULL;
    t->n_ext = t->cap = 0;
    free(t->faults);
    t->faults = NULL;
    t->n_faults = t->faults_cap = 0;
    free(t->cmds);
    t->cmds = NULL;
    t->n_cmds = t->cmds_cap = 0;
    free(t->ctrls);
    t->ctrls = NULL;
    t->n_ctrls = t->ctrls_cap = 0;
}

size_t trace_applied_count(const struct trace *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_ext; i++)
        n += trace_extend_applied(trace_ext(t, i));
    return n;
}

int trace_ord_applied(const struct trace *t, unsigned ord)
{
    for (size_t i = 0; i < t->n_ext; i++)
        if (trace_ext(t, i)->ord == ord)
            return trace_extend_applied(trace_ext(t, i));
    return -1;
}

static bool same_digests(const struct trace_cmd *a, const struct trace_cmd *b)
{
    if (a->bank_mask != b->bank_mask)
        return false;
    for (int k = 0; k < BANK_COUNT; k++)
        if ((a->bank_mask & (1u << k)) &&
            memcmp(a->digest[k], b->digest[k], alg_by_bank((enum bank)k)->size))
            return false;
    return true;
}

bool trace_extend_is_resend(const struct trace *t, size_t i)
{
    return i > 0 && i < t->n_ext && same_digests(trace_ext(t, i - 1),
                                                  trace_ext(t, i));
}

size_t trace_measurements(const struct trace *t, unsigned before_ord)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n_ext; i++) {
        if (before_ord && trace_ext(t, i)->ord >= before_ord)
            break;
        n += !trace_extend_is_resend(t, i);
    }
    return n;
}
