#include "verdict/summary.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/atomicfile.h"
#include "util/err.h"
#include "util/json.h"
#include "util/memtext.h"
#include "util/num.h"
#include "util/str.h"

/* --- shards ---------------------------------------------------------------- */

int shard_parse(const char *s, unsigned *k, unsigned *n, char **err)
{
    const char *slash = strchr(s, '/');
    char kbuf[24];
    uint64_t kv, nv;
    if (!slash || (size_t)(slash - s) >= sizeof(kbuf))
        return err_set(err, "--shard: '%s' is not K/N", s);
    memcpy(kbuf, s, (size_t)(slash - s));
    kbuf[slash - s] = '\0';
    if (num_parse(kbuf, UINT32_MAX, &kv) < 0 ||
        num_parse(slash + 1, UINT32_MAX, &nv) < 0)
        return err_set(err, "--shard: '%s' is not K/N (two numbers)", s);
    if (nv < 1 || kv < 1 || kv > nv)
        return err_set(err, "--shard: '%s': K/N needs 1 <= K <= N", s);
    *k = (unsigned)kv;
    *n = (unsigned)nv;
    return 0;
}

size_t shard_select(size_t count, unsigned k, unsigned n, size_t *idx)
{
    size_t m = 0;
    for (size_t i = 0; n && k >= 1 && i < count; i++)
        if (i % n == k - 1)
            idx[m++] = i;
    return m;
}

/* --- counting -------------------------------------------------------------- */

void suite_count(const struct suite_result *r, size_t n, struct suite_totals *t)
{
    memset(t, 0, sizeof(*t));
    for (size_t i = 0; i < n; i++) {
        switch (r[i].verdict) {
        case VERDICT_PASS: t->passed++; break;
        case VERDICT_FAIL: t->failed++; break;
        case VERDICT_SKIP: t->skipped++; break;
        default: t->broken++; break;
        }
    }
}

int suite_exit_code(const struct suite_result *r, size_t n)
{
    struct suite_totals t;
    suite_count(r, n, &t);
    return t.failed || t.broken ? 1 : 0;
}

static bool bad(const struct suite_result *r)
{
    return r->verdict == VERDICT_FAIL || r->verdict == VERDICT_BROKEN;
}

/* The text behind a fail or broken verdict: failed expectations, seed,
 * reproduce line, log tail.  For people (indented, `|` before log lines)
 * or plain for a JUnit element's body. */
static void write_details(FILE *out, const struct suite_result *r, bool people)
{
    const char *in = people ? "  " : "";
    for (size_t i = 0; i < r->n_failed; i++) {
        const struct failed_exp *f = &r->failed[i];
        fprintf(out, "%s%s: expected %s, saw %s%s%s\n", in, f->name,
                f->expected, f->seen, f->detail[0] ? " — " : "", f->detail);
    }
    bool said = false;           /* not-in-pcr's detail names it already */
    for (size_t i = 0; r->divergence && i < r->n_failed; i++)
        said |= strstr(r->failed[i].detail, r->divergence) != NULL;
    if (r->divergence && !said)
        fprintf(out, "%s%s\n", in, r->divergence);
    if (r->seed[0])
        fprintf(out, "%sseed %s\n", in, r->seed);
    if (r->reproduce)
        fprintf(out, "Reproduce with: %s\n", r->reproduce);
    if (!r->log_tail)
        return;
    fprintf(out, "%send of run.log:\n", in);
    for (const char *p = r->log_tail; *p;) {
        size_t len = strcspn(p, "\n");
        fprintf(out, "%s%.*s\n", people ? "  | " : "", (int)len, p);
        p += len + (p[len] == '\n');
    }
}

/* --- summary.json ---------------------------------------------------------- */

static void json_seed(struct json *j, const char *seed)
{
    uint64_t v;
    if (seed[0] && num_parse(seed, UINT64_MAX, &v) == 0)
        json_uint(j, "seed", v);
    else
        json_null(j, "seed");
}

static void json_failed(struct json *j, const struct suite_result *r)
{
    json_arr_begin(j, "failed_expectations");
    for (size_t i = 0; i < r->n_failed; i++) {
        json_obj_begin(j, NULL);
        json_str(j, "name", r->failed[i].name);
        json_str(j, "expected", r->failed[i].expected);
        json_str(j, "seen", r->failed[i].seen);
        json_str(j, "detail", r->failed[i].detail);
        json_obj_end(j);
    }
    json_arr_end(j);
}

static void json_result(struct json *j, const struct suite_result *r)
{
    char report[96], log[96];
    str_fmt(report, sizeof(report), "%s/report.json", r->name);
    str_fmt(log, sizeof(log), "%s/run.log", r->name);
    json_obj_begin(j, NULL);
    json_str(j, "name", r->name);
    json_str(j, "file", r->path);
    json_str(j, "verdict", verdict_name(r->verdict));
    json_str(j, "reason", r->reason);
    json_double(j, "wall_s", r->wall_s);
    json_seed(j, r->seed);
    json_str(j, "reproduce", r->reproduce);
    json_str(j, "report", report);
    json_str(j, "log", log);
    json_failed(j, r);
    json_str(j, "log_tail", r->log_tail);
    json_obj_end(j);
}

void summary_write_json(FILE *out, const struct suite_result *r, size_t n,
                        const struct suite_info *info)
{
    struct suite_totals t;
    suite_count(r, n, &t);
    struct json j;
    json_init(&j, out, true);
    json_obj_begin(&j, NULL);
    json_str(&j, "suite", "tpmfault");
    json_str(&j, "shard", info->shard);
    json_uint(&j, "jobs", info->jobs);
    json_double(&j, "wall_s", info->wall_s);
    json_bool(&j, "interrupted", info->interrupted);
    json_obj_begin(&j, "totals");
    json_uint(&j, "scenarios", n);
    json_uint(&j, "passed", t.passed);
    json_uint(&j, "failed", t.failed);
    json_uint(&j, "broken", t.broken);
    json_uint(&j, "skipped", t.skipped);
    json_uint(&j, "not_run", info->not_run);
    json_obj_end(&j);
    json_arr_begin(&j, "scenarios");
    for (size_t i = 0; i < n; i++)
        json_result(&j, &r[i]);
    json_arr_end(&j);
    json_obj_end(&j);
}

/* --- junit.xml ------------------------------------------------------------- */

static void junit_body(FILE *out, const struct suite_result *r)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return;
    write_details(m, r, false);
    if (!memtext_close(m, &text))
        return;
    xml_escape(out, text, false);
    free(text);
}

/* A failure's message names the expectations that did not hold; an error's
 * or a skip's gives the reason. */
static void junit_message(FILE *out, const struct suite_result *r)
{
    if (r->verdict != VERDICT_FAIL || !r->n_failed) {
        xml_escape(out, r->reason ? r->reason : verdict_name(r->verdict), true);
        return;
    }
    for (size_t i = 0; i < r->n_failed; i++) {
        const struct failed_exp *f = &r->failed[i];
        if (i)
            fputs("; ", out);
        xml_escape(out, f->name, true);
        fputs(": expected ", out);
        xml_escape(out, f->expected, true);
        fputs(", saw ", out);
        xml_escape(out, f->seen, true);
    }
}

static void junit_case(FILE *out, const struct suite_result *r)
{
    static const char *const elem[] = { "failure", "error", "skipped" };
    int e = r->verdict == VERDICT_FAIL ? 0 : r->verdict == VERDICT_BROKEN ? 1 :
            r->verdict == VERDICT_SKIP ? 2 : -1;
    fputs("  <testcase classname=\"tpmfault.scenarios\" name=\"", out);
    xml_escape(out, r->name, true);
    fprintf(out, "\" time=\"%.3f\"", r->wall_s);
    if (e < 0) {
        fputs("/>\n", out);
        return;
    }
    fprintf(out, ">\n    <%s message=\"", elem[e]);
    junit_message(out, r);
    if (e == 2) {
        fputs("\"/>\n  </testcase>\n", out);
        return;
    }
    fputs("\">", out);
    junit_body(out, r);
    fprintf(out, "</%s>\n  </testcase>\n", elem[e]);
}

static void junit_property(FILE *out, const char *name, const char *value)
{
    fprintf(out, "    <property name=\"%s\" value=\"", name);
    xml_escape(out, value, true);
    fputs("\"/>\n", out);
}

void summary_write_junit(FILE *out, const struct suite_result *r, size_t n,
                         const struct suite_info *info)
{
    struct suite_totals t;
    suite_count(r, n, &t);
    char jobs[16];
    str_fmt(jobs, sizeof(jobs), "%u", info->jobs);
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            "<testsuite name=\"tpmfault\" tests=\"%zu\" failures=\"%zu\" "
            "errors=\"%zu\" skipped=\"%zu\" time=\"%.3f\">\n  <properties>\n",
            n, t.failed, t.broken, t.skipped, info->wall_s);
    junit_property(out, "shard", info->shard ? info->shard : "1/1");
    junit_property(out, "jobs", jobs);
    junit_property(out, "interrupted", info->interrupted ? "yes" : "no");
    fputs("  </properties>\n", out);
    for (size_t i = 0; i < n; i++)
        junit_case(out, &r[i]);
    fputs("</testsuite>\n", out);
}

/* --- summary.tap ----------------------------------------------------------- */

static void yaml_str(FILE *out, const char *indent, const char *key,
                     const char *val)
{
    fprintf(out, "%s%s: ", indent, key);
    if (val)
        json_write_string(out, val);   /* a JSON string is a YAML scalar */
    else
        fputs("null", out);
    fputc('\n', out);
}

static void tap_diagnostics(FILE *out, const struct suite_result *r)
{
    fputs("  ---\n", out);
    yaml_str(out, "  ", "verdict", verdict_name(r->verdict));
    yaml_str(out, "  ", "reason", r->reason);
    fprintf(out, "  seed: %s\n", r->seed[0] ? r->seed : "null");
    yaml_str(out, "  ", "reproduce", r->reproduce);
    if (r->n_failed)
        fputs("  failed:\n", out);
    for (size_t i = 0; i < r->n_failed; i++) {
        yaml_str(out, "    - ", "name", r->failed[i].name);
        yaml_str(out, "      ", "expected", r->failed[i].expected);
        yaml_str(out, "      ", "seen", r->failed[i].seen);
        yaml_str(out, "      ", "detail", r->failed[i].detail);
    }
    if (r->log_tail)
        yaml_str(out, "  ", "log_tail", r->log_tail);
    fputs("  ...\n", out);
}

void summary_write_tap(FILE *out, const struct suite_result *r, size_t n,
                       const struct suite_info *info)
{
    fprintf(out, "TAP version 13\n1..%zu\n", n);
    for (size_t i = 0; i < n; i++) {
        fprintf(out, "%s %zu - ", bad(&r[i]) ? "not ok" : "ok", i + 1);
        tap_text(out, r[i].name);
        if (r[i].verdict == VERDICT_SKIP) {
            fputs(" # SKIP ", out);
            tap_text(out, r[i].reason);
        }
        fputc('\n', out);
        if (bad(&r[i]))
            tap_diagnostics(out, &r[i]);
    }
    if (info->interrupted)
        fprintf(out, "Bail out! interrupted, %zu scenarios not run\n",
                info->not_run);
}

/* --- files ----------------------------------------------------------------- */

/* atomic_write's writers: the results and the suite are their context. */
struct summary_ctx {
    const struct suite_result *r;
    size_t n;
    const struct suite_info *info;
};

static void write_json(FILE *out, const void *p)
{
    const struct summary_ctx *c = p;
    summary_write_json(out, c->r, c->n, c->info);
}

static void write_junit(FILE *out, const void *p)
{
    const struct summary_ctx *c = p;
    summary_write_junit(out, c->r, c->n, c->info);
}

static void write_tap(FILE *out, const void *p)
{
    const struct summary_ctx *c = p;
    summary_write_tap(out, c->r, c->n, c->info);
}

static void write_index(FILE *out, const void *p)
{
    const struct summary_ctx *c = p;
    summary_write_index(out, c->r, c->n, c->info);
}

int summary_write_files(const char *dir, const struct suite_result *r,
                        size_t n, const struct suite_info *info, char **err)
{
    static const struct atomic_file files[] = {
        { "summary.json", write_json },
        { "junit.xml", write_junit },
        { "summary.tap", write_tap },
        { "index.html", write_index },
    };
    const struct summary_ctx c = { r, n, info };
    return atomic_write_files(dir, files, sizeof(files) / sizeof(files[0]),
                              &c, err);
}

/* --- for people ------------------------------------------------------------ */

void summary_print(FILE *out, const struct suite_result *r, size_t n,
                   const struct suite_info *info)
{
    for (size_t i = 0; i < n; i++) {
        if (!bad(&r[i]))
            continue;
        fprintf(out, "\n%s: %s — %s\n", r[i].name, verdict_name(r[i].verdict),
                r[i].reason ? r[i].reason : "no reason given");
        write_details(out, &r[i], true);
    }
    struct suite_totals t;
    suite_count(r, n, &t);
    fputc('\n', out);
    if (info->interrupted)
        fprintf(out, "interrupted: %zu scenarios not run\n", info->not_run);
    fprintf(out, "scenarios: %zu passed, %zu failed, %zu broken, %zu skipped "
            "(wall %.1f s)\n", t.passed, t.failed, t.broken, t.skipped,
            info->wall_s);
}

void suite_result_free(struct suite_result *r)
{
    for (size_t i = 0; i < r->n_failed; i++) {
        free(r->failed[i].name);
        free(r->failed[i].expected);
        free(r->failed[i].seen);
        free(r->failed[i].detail);
    }
    free(r->failed);
    free(r->reason);
    free(r->reproduce);
    free(r->log_tail);
    free(r->divergence);
    r->divergence = NULL;
    r->failed = NULL;
    r->n_failed = 0;
    r->reason = r->reproduce = r->log_tail = NULL;
}
