#include "verdict/reportread.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/jsonread.h"
#include "util/str.h"
#include "util/textfile.h"
#include "verify/explain.h"

static int verdict_from_name(const char *s, enum verdict *v)
{
    static const enum verdict all[] = { VERDICT_PASS, VERDICT_FAIL,
                                        VERDICT_SKIP, VERDICT_BROKEN };
    for (size_t i = 0; s && i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(s, verdict_name(all[i])) == 0) {
            *v = all[i];
            return 0;
        }
    }
    return -1;
}

static char *dup_or_empty(const char *s)
{
    return strdup(s ? s : "");
}

/* The seed, exact to 64 bits (jv_get_u64: a double would round it). */
static void read_seed(const struct jv *top, struct suite_result *r)
{
    uint64_t v;
    r->seed[0] = '\0';
    if (jv_get_u64(top, "seed", &v) == 0)
        str_fmt(r->seed, sizeof(r->seed), "%" PRIu64, v);
}

static int add_failed(struct suite_result *r, const struct jv *e)
{
    struct failed_exp *grown = realloc(r->failed, (r->n_failed + 1) * sizeof(*grown));
    if (!grown)
        return -1;
    r->failed = grown;
    struct failed_exp *f = &r->failed[r->n_failed];
    f->name = dup_or_empty(jv_get_str(e, "name"));
    f->expected = dup_or_empty(jv_get_str(e, "expected"));
    f->seen = dup_or_empty(jv_get_str(e, "seen"));
    f->detail = dup_or_empty(jv_get_str(e, "detail"));
    r->n_failed++;
    return f->name && f->expected && f->seen && f->detail ? 0 : -1;
}

static int read_failed(const struct jv *top, struct suite_result *r)
{
    const struct jv *exps = jv_get(top, "expectations");
    if (!exps || exps->type != JV_ARR)
        return 0;
    for (const struct jv *e = exps->child; e; e = e->next) {
        const char *res = jv_get_str(e, "result");
        if (e->type == JV_OBJ && res && strcmp(res, "pass") != 0 &&
            add_failed(r, e) < 0)
            return -1;
    }
    return 0;
}

/* facts.explanation's first divergent entry, in the verdict's words. */
static int read_divergence(const struct jv *top, struct suite_result *r)
{
    const struct jv *x = jv_get(jv_get(top, "facts"), "explanation");
    const struct jv *found = jv_get(x, "found");
    struct explanation e = { .found = found && found->type == JV_BOOL && found->b };
    const char *file = jv_get_str(x, "first_divergent_file");
    const char *why = jv_get_str(x, "first_divergent_why");
    e.first_divergent = jv_get_int(x, "first_divergent_entry", 0, INT64_MAX, -1);
    if (!e.found || e.first_divergent < 0 || !file || !why)
        return 0;
    snprintf(e.first_file, sizeof(e.first_file), "%s", file);
    snprintf(e.first_why, sizeof(e.first_why), "%s", why);
    char text[1024];
    r->divergence = strdup(explain_divergence_text(&e, text, sizeof(text)));
    return r->divergence ? 0 : -1;
}

int report_parse(const char *text, struct suite_result *r, char **err)
{
    struct jv *top = jv_parse(text, err);
    if (!top)
        return -1;
    int rc = -1;
    if (top->type != JV_OBJ) {
        err_set(err, "not a JSON object");
        goto out;
    }
    if (verdict_from_name(jv_get_str(top, "verdict"), &r->verdict) < 0) {
        err_set(err, "no verdict pass, fail, skip or broken");
        goto out;
    }
    const char *reason = jv_get_str(top, "reason");
    const char *rep = jv_get_str(top, "reproduce");
    r->reason = reason ? strdup(reason) : NULL;
    r->reproduce = rep ? strdup(rep) : NULL;
    read_seed(top, r);
    if (read_failed(top, r) < 0 || read_divergence(top, r) < 0 || (reason && !r->reason) || (rep && !r->reproduce)) {
        suite_result_free(r);
        err_set(err, "out of memory");
        goto out;
    }
    rc = 0;
out:
    jv_free(top);
    return rc;
}

int report_read(const char *path, struct suite_result *r, char **err)
{
    char *text = text_file_read(path, err);
    if (!text)
        return -1;
    int rc = report_parse(text, r, err);
    free(text);
    return rc < 0 ? err_prefix(err, "%s", path) : 0;
}
