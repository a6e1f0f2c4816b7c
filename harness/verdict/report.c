#include "verdict/report.h"

#include <stdio.h>
#include <string.h>

#include "util/atomicfile.h"
#include "util/escape.h"
#include "util/hex.h"
#include "util/json.h"
#include "util/mono.h"
#include "verify/boot_aggregate.h"
#include "verify/workload.h"

static const char *exp_result_name(enum exp_result r)
{
    return r == EXP_PASS ? "pass" : r == EXP_FAIL ? "fail" : "unknown";
}

static void json_hex_or_null(struct json *j, const char *key, bool have,
                             const uint8_t *v, size_t n)
{
    char hex[2 * ALG_MAX_DIGEST + 1];
    if (!have) {
        json_null(j, key);
        return;
    }
    hex_encode(v, n, hex);
    json_str(j, key, hex);
}

/* The bank's own list (kernels 6.10+), or null. */
static void json_bank_list(struct json *j, const struct alg_info *a,
                           const struct bank_list_facts *l)
{
    if (!l->present) {
        json_null(j, "list");
        return;
    }
    json_obj_begin(j, "list");
    json_bool(j, "read", l->read);
    json_uint(j, "entries", l->entries);
    json_hex_or_null(j, "replay", l->read, l->replay, a->size);
    json_uint(j, "digest_mismatches", l->digest_mismatches);
    if (l->first_mismatch >= 0)
        json_int(j, "first_mismatch", l->first_mismatch);
    else
        json_null(j, "first_mismatch");
    json_obj_end(j);
}

static void json_banks(struct json *j, const struct facts *f)
{
    json_obj_begin(j, "banks");
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(f->banks & (1u << b)))
            continue;
        const struct alg_info *a = alg_by_bank((enum bank)b);
        const struct bank_facts *bf = &f->bank[b];
        char source[64];
        snprintf(source, sizeof(source), "binary_runtime_measurements%s%s",
                 bf->replay_own_list ? "_" : "", bf->replay_own_list ? a->name : "");
        json_obj_begin(j, a->name);
        json_hex_or_null(j, "replay", bf->have_replay, bf->replay, a->size);
        json_str(j, "replay_source", bf->have_replay ? source : NULL);
        json_str(j, "extended_with", b == BANK_SHA1 ? "template digest" :
                 bf->padded ? "sha1 template digest, zero-padded" :
                 "template data hash");
        json_hex_or_null(j, "quote_pcr10", bf->have_quote, bf->quote, a->size);
        json_hex_or_null(j, "tpm_pcr10", bf->have_tpm, bf->tpm, a->size);
        json_bank_list(j, a, &bf->list);
        json_obj_end(j);
    }
    json_obj_end(j);
}

/* Banks IMA had no hash for, and whether the per-bank lists agree. */
static void json_bank_lists(struct json *j, const struct facts *f)
{
    json_arr_begin(j, "padded_banks");
    for (int b = 0; b < BANK_COUNT; b++)
        if (f->padded_banks & (1u << b))
            json_str(j, NULL, alg_by_bank((enum bank)b)->name);
    json_arr_end(j);
    json_obj_begin(j, "bank_lists");
    json_str(j, "state", f->bank_lists ? scn_lists_names[f->bank_lists - 1] : NULL);
    json_str(j, "detail", f->bank_lists_detail[0] ? f->bank_lists_detail : NULL);
    json_obj_end(j);
}

static void json_index_list(struct json *j, const char *key,
                            const int64_t *v, size_t n)
{
    json_arr_begin(j, key);
    for (size_t i = 0; i < n; i++)
        json_int(j, NULL, v[i]);
    json_arr_end(j);
}

/* Each IMA TPM error line with the entry being measured (null: after the
 * workload) and its result (null: a bare line, a failed PCR read). */
static void json_kernel_errors(struct json *j, const struct facts *f)
{
    json_arr_begin(j, "kernel_errors");
    for (unsigned i = 0; i < f->dmesg.n_err; i++) {
        char file[32];
        const struct kernel_error *k = &f->dmesg.err[i];
        json_obj_begin(j, NULL);
        if (k->entry >= 0)
            json_int(j, "entry", k->entry);
        else
            json_null(j, "entry");
        workload_file(file, sizeof(file), k->entry);
        json_str(j, "file", k->entry > 0 ? file : NULL);
        if (k->has_result)
            json_int(j, "result", k->result);
        else
            json_null(j, "result");
        json_obj_end(j);
    }
    json_arr_end(j);
}

static void json_faults(struct json *j, const struct facts *f)
{
    json_arr_begin(j, "faults_injected");
    for (size_t i = 0; i < f->trace.n_faults; i++) {
        const struct trace_fault *tf = &f->trace.faults[i];
        int applied = trace_ord_applied(&f->trace, tf->ord);
        json_obj_begin(j, NULL);
        json_str(j, "rule", tf->rule);
        json_uint(j, "ordinal", tf->ord);
        json_str(j, "command", tf->command);
        if (tf->pcr >= 0)
            json_int(j, "pcr", tf->pcr);
        json_str(j, "action", tf->action);
        json_str(j, "direction", tf->on_response ? "response" : "command");
        json_bool(j, "forwarded", tf->forwarded);
        if (applied >= 0)
            json_bool(j, "applied", applied);
        json_obj_end(j);
    }
    json_arr_end(j);
}

/* entries_not_in_pcr / entries_applied_twice: null when no explanation. */
static void json_explanation(struct json *j, const struct facts *f)
{
    const struct explanation *x = &f->expl;
    if (f->have_explanation && x->found) {
        json_index_list(j, "entries_not_in_pcr", x->not_in_pcr, x->n_not_in_pcr);
        json_index_list(j, "entries_applied_twice", x->applied_twice,
                        x->n_applied_twice);
    } else {
        json_null(j, "entries_not_in_pcr");
        json_null(j, "entries_applied_twice");
    }
    json_obj_begin(j, "explanation");
    json_bool(j, "found", f->have_explanation && x->found);
    json_str(j, "why_not", f->have_explanation && !x->found ? x->why : NULL);
    if (f->have_explanation && x->first_divergent >= 0) {
        json_int(j, "first_divergent_entry", x->first_divergent);
        json_str(j, "first_divergent_file", x->first_file);
        json_str(j, "first_divergent_why", x->first_why);
    } else {
        json_null(j, "first_divergent_entry");
    }
    json_obj_end(j);
}

/* boot_aggregate_is: firmware, zero, zero-pcrs, other, or null without
 * an entry 0; and why. */
static void json_boot_aggregate_is(struct json *j, const struct facts *f)
{
    const char *is = boot_aggregate_kind_name(f->boot_aggregate_kind);
    json_str(j, "boot_aggregate_is", is);
    json_str(j, "boot_aggregate_why", is ? f->boot_aggregate_why : NULL);
}

static void json_facts(struct json *j, const struct facts *f)
{
    json_obj_begin(j, "facts");
    json_uint(j, "extends_seen", f->extends_seen);
    json_uint(j, "extends_applied", f->extends_applied);
    json_uint(j, "list_entries", f->list_entries);
    json_uint(j, "violations", f->violations);
    json_bool(j, "list_complete", f->list_complete);
    json_bool(j, "trace_in_list", f->trace_in_list);
    json_bool(j, "bypass", f->dmesg.bypass);
    json_str(j, "boot_aggregate", f->boot_aggregate);
    json_boot_aggregate_is(j, f);
    json_bool(j, "quote_present", f->quote_present);
    json_bool(j, "quote_valid", f->quote_valid);
    json_str(j, "quote_problem", f->quote_problem[0] ? f->quote_problem : NULL);
    json_str(j, "list_problem", f->list_problem[0] ? f->list_problem : NULL);
    json_str(j, "trace_problem", f->trace_problem[0] ? f->trace_problem : NULL);
    json_uint(j, "tpm_errors_logged", f->dmesg.tpm_errors);
    json_str(j, "dmesg_problem", f->dmesg.problem[0] ? f->dmesg.problem : NULL);
    json_kernel_errors(j, f);
    json_bool(j, "guest_alive", f->guest_alive);
    json_faults(j, f);
    json_explanation(j, f);
    json_bank_lists(j, f);
    json_banks(j, f);
    json_obj_end(j);
}

static void write_json(FILE *out, const void *p)
{
    const struct run_report *c = p;
    const struct run_outcome *o = c->o;
    struct json j;
    json_init(&j, out, true);
    json_obj_begin(&j, NULL);
    json_str(&j, "scenario", c->s->name);
    json_str(&j, "description", c->s->description);
    json_str(&j, "verdict", verdict_name(c->v));
    json_str(&j, "reason", c->reason);
    /* whose failure a broken run is: "guest" (hung, panicked, stopped
     * short) or "harness" */
    json_str(&j, "broken_by", c->v != VERDICT_BROKEN ? NULL :
             o->guest_failed && o->broken[0] ? "guest" : "harness");
    json_uint(&j, "seed", o->seed);
    json_str(&j, "kernel", o->ev.kernel[0] ? o->ev.kernel : NULL);
    json_str(&j, "kernel_image", o->kernel_label);
    json_str(&j, "kernel_uname", o->ev.uname[0] ? o->ev.uname : NULL);
    /* the series whose expectation overrides applied, if any */
    json_str(&j, "kernel_series", c->f->kernel_series >= 0 ?
             scn_kernel_series[c->f->kernel_series] : NULL);
    /* the guest's TPM: "2.0", "1.2", or "absent" (no TPM device) */
    json_str(&j, "tpm", c->s->run.tpm == SCN_TPM_12 ? "1.2"
                        : c->s->run.tpm == SCN_TPM_ABSENT ? "absent" : "2.0");
    json_str(&j, "nonce", o->nonce_hex);
    json_double(&j, "wall_s", o->wall_s);
    json_str(&j, "reproduce", o->reproduce);
    struct phases ph;
    phases_compute(&o->clock, &o->ev, mono_now(), &ph);
    phases_json(&j, &ph);
    json_arr_begin(&j, "expectations");
    for (int i = 0; i < c->cs->n; i++) {
        const struct exp_check *e = &c->cs->c[i];
        json_obj_begin(&j, NULL);
        json_str(&j, "name", e->name);
        json_str(&j, "result", exp_result_name(e->result));
        json_str(&j, "expected", e->expected);
        json_str(&j, "seen", e->seen);
        json_str(&j, "detail", e->detail);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_facts(&j, c->f);
    json_obj_end(&j);
}

/* <testcase classname="tpmfault.NAME" name="CASE"> */
static void junit_case_open(FILE *out, const char *scenario, const char *name)
{
    fputs("  <testcase classname=\"tpmfault.", out);
    xml_escape(out, scenario, true);
    fputs("\" name=\"", out);
    xml_escape(out, name, true);
    fputs("\">", out);
}

/* A failure's body also names where the list and PCR 10 part ways. */
static void junit_failure(FILE *out, const struct exp_check *e,
                          const struct run_outcome *o, const struct facts *f)
{
    char diverge[1024] = "";
    fputs("\n    <failure message=\"expected ", out);
    xml_escape(out, e->expected, true);
    fputs(", saw ", out);
    xml_escape(out, e->seen, true);
    fputs("\">", out);
    xml_escape(out, e->detail, false);
    if (f->have_explanation && explain_divergence_text(&f->expl, diverge,
                                                       sizeof(diverge))[0] &&
        !strstr(e->detail, diverge)) {     /* not-in-pcr's detail says it */
        fputc('\n', out);
        xml_escape(out, diverge, false);
    }
    fprintf(out, "\nseed %llu\nReproduce with: ", (unsigned long long)o->seed);
    xml_escape(out, o->reproduce, false);
    fputs("</failure>\n  ", out);
}

/* One testcase per expectation; a broken or skipped run is one testcase. */
static void write_junit(FILE *out, const void *p)
{
    const struct run_report *c = p;
    const struct checks *cs = c->cs;
    int failures = 0;
    for (int i = 0; i < cs->n; i++)
        failures += cs->c[i].result == EXP_FAIL;
    bool whole = c->v == VERDICT_BROKEN || c->v == VERDICT_SKIP;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<testsuite name=\"tpmfault.", out);
    xml_escape(out, c->s->name, true);
    fprintf(out, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
            "time=\"%.3f\">\n", whole ? 1 : cs->n, whole ? 0 : failures,
            c->v == VERDICT_BROKEN, c->v == VERDICT_SKIP, c->o->wall_s);
    if (whole) {
        const char *elem = c->v == VERDICT_SKIP ? "skipped" : "error";
        junit_case_open(out, c->s->name, "run");
        fprintf(out, "\n    <%s message=\"", elem);
        xml_escape(out, c->reason, true);
        fputs("\"/>\n  </testcase>\n", out);
    }
    for (int i = 0; !whole && i < cs->n; i++) {
        junit_case_open(out, c->s->name, cs->c[i].name);
        if (cs->c[i].result != EXP_PASS)
            junit_failure(out, &cs->c[i], c->o, c->f);
        fputs("</testcase>\n", out);
    }
    fputs("</testsuite>\n", out);
}

/* "1..N" and one line per expectation (a failure's detail as a comment). */
static void tap_checks(FILE *out, const struct checks *cs)
{
    fprintf(out, "1..%d", cs->n);
    for (int i = 0; i < cs->n; i++) {
        const struct exp_check *e = &cs->c[i];
        fprintf(out, "\n%s %d - ", e->result == EXP_PASS ? "ok" : "not ok", i + 1);
        tap_text(out, e->name);
        fputs(": expected ", out);
        tap_text(out, e->expected);
        fputs(", saw ", out);
        tap_text(out, e->seen);
        if (e->result != EXP_PASS && e->detail[0]) {
            fputs("\n# ", out);
            tap_text(out, e->detail);
        }
    }
}

static void write_tap(FILE *out, const void *p)
{
    const struct run_report *c = p;
    fputs("TAP version 13\n", out);
    if (c->v == VERDICT_SKIP) {
        fputs("1..0 # SKIP ", out);
        tap_text(out, c->reason);
    } else if (c->v == VERDICT_BROKEN) {
        fputs("1..1\nnot ok 1 - ", out);
        tap_text(out, c->s->name);
        fputs(" run # broken: ", out);
        tap_text(out, c->reason);
    } else {
        tap_checks(out, c->cs);
    }
    fputc('\n', out);
}

static void write_nonce(FILE *out, const void *p)
{
    const struct run_report *c = p;
    fprintf(out, "%s\n", c->o->nonce_hex);
}

int report_write(const char *dir, const struct scenario *s,
                 const struct run_outcome *o, const struct facts *f,
                 const struct checks *cs, enum verdict v, const char *reason,
                 char **err)
{
    static const struct atomic_file files[] = {
        { "junit.xml", write_junit },
        { "report.tap", write_tap },
        { "nonce", write_nonce },
        { "report.json", write_json },   /* last: its phases time the others */
    };
    const struct run_report c = { s, o, f, cs, v, reason };
    return atomic_write_files(dir, files, sizeof(files) / sizeof(files[0]),
                              &c, err);
}
