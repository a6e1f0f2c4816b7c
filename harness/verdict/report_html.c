#include "verdict/report_html.h"

#include <stdlib.h>
#include <string.h>

#include "util/atomicfile.h"
#include "util/escape.h"
#include "util/hex.h"
#include "util/memtext.h"
#include "verdict/summary.h"
#include "view/table.h"
#include "view/timeline_svg.h"
#include "view/timeline_text.h"

static void esc(FILE *out, const char *s)
{
    xml_escape(out, s, false);
}

static void head(FILE *out, const struct run_report *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width\">\n<title>tpmfault: ", out);
    esc(out, r->s->name);
    fprintf(out, " — %s</title>\n<style>\n%s</style>\n</head>\n<body>\n",
            verdict_name(r->v), report_html_css);
}

static void header(FILE *out, const struct run_report *r)
{
    const struct run_outcome *o = r->o;
    fputs("<header>\n<h1>", out);
    esc(out, r->s->name);
    fprintf(out, "<span class=\"verdict v-%s\">%s</span></h1>\n<p class=\"desc\">",
            verdict_name(r->v), verdict_name(r->v));
    esc(out, r->s->description);
    fputs("</p>\n<p>", out);
    esc(out, r->reason);
    fputs("</p>\n<p class=\"meta\">kernel ", out);
    esc(out, o->ev.kernel[0] ? o->ev.kernel : o->kernel_label);
    fprintf(out, " · seed %llu · %.1f s · Reproduce with: <code>",
            (unsigned long long)o->seed, o->wall_s);
    esc(out, o->reproduce);
    fputs("</code></p>\n</header>\n", out);
}

/* The console's compact form, one list item per line. */
static void what_faults_did(FILE *out, const struct html_report *h)
{
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m)
        return;
    timeline_print_compact(m, h->tl);
    if (!memtext_close(m, &text))
        return;
    fputs("<h2>What the faults did</h2>\n<ul class=\"did\">\n", out);
    if (!len)
        fputs("<li>no fault fired, and every list entry is in PCR 10 once</li>\n", out);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        fputs("<li>", out);
        esc(out, line + strspn(line, " "));
        fputs("</li>\n", out);
    }
    fputs("</ul>\n", out);
    free(text);
    const struct explanation *x = &h->r->f->expl;
    if (h->r->f->have_explanation && x->found && x->first_divergent >= 0) {
        fprintf(out, "<p class=\"diverge\">First divergent entry: <b>%lld</b> ",
                (long long)x->first_divergent);
        esc(out, x->first_file);
        fputs(" — ", out);
        esc(out, x->first_why);
        fputs("</p>\n", out);
    }
}

static void legend(FILE *out, const struct timeline *tl)
{
    fputs("<p class=\"legend\">", out);
    for (int k = 0; k < TL_FATES; k++)
        fprintf(out, "<span><i class=\"%s\"></i>%s</span>", tl_fate_class[k],
                tl_fate_names[k]);
    fputs("<span><i class=\"cancel\"></i>CMD_CANCEL_TPM_CMD</span>", out);
    if (tl->trace.tpm12)
        fputs("<span>TPM 1.2: the driver's deadline is the TPM's reported "
              "duration (not drawn)</span></p>\n", out);
    else
        fprintf(out, "<span><i class=\"deadline\"></i>the driver's %.0f ms "
                "deadline</span></p>\n", TL_DRIVER_DEADLINE_S * 1e3);
}

static void timeline_section(FILE *out, const struct timeline *tl)
{
    fputs("<h2>Timeline</h2>\n", out);
    if (!tl->n_rows) {
        fputs("<p>The trace holds no TPM command (no TPM device, or no trace).</p>\n", out);
        return;
    }
    legend(out, tl);
    fputs("<div class=\"scroll\"><p class=\"caption\">Every command the guest sent, "
          "on the shim's clock (hover a mark for its row)</p>\n", out);
    timeline_svg_run(out, tl);
    fputs("</div>\n<div class=\"scroll\"><p class=\"caption\">IMA's PCR 10 extends, "
          "one column each, with the list entry each one carries</p>\n", out);
    timeline_svg_extends(out, tl);
    fputs("</div>\n", out);
}

static void write_table(FILE *out, struct table *tab, const char *cls)
{
    table_write_html(out, tab, cls);
    table_free(tab);
}

static void entries_section(FILE *out, const struct timeline *tl)
{
    struct table tab;
    fputs("<h2>List entries</h2>\n", out);
    if (tl->unaligned[0]) {
        fputs("<p>The applied extends do not follow the list: ", out);
        esc(out, tl->unaligned);
        fputs("</p>\n", out);
    }
    timeline_entry_table(tl, &tab);
    write_table(out, &tab, "entries");
}

static void hex_cell(struct table_row *r, size_t col, bool have, const uint8_t *v,
                     size_t n)
{
    char hex[2 * ALG_MAX_DIGEST + 1];
    if (!have) {
        table_set(r, col, "-");
        return;
    }
    hex_encode(v, n, hex);
    table_set(r, col, "%s", hex);
}

/* PCR 10 per bank: the replay, the quote, the TPM, and where a replay
 * that differs parts from the TPM (the trace's first divergent entry). */
static void pcr_section(FILE *out, const struct facts *f)
{
    static const char *const cols[] = {
        "bank", "replay of the list", "quote", "TPM (read by the shim)",
        "replay vs TPM", "first divergent entry",
    };
    const struct explanation *x = &f->expl;
    bool diverge = f->have_explanation && x->found && x->first_divergent >= 0;
    struct table tab;
    table_init(&tab, 6, cols);
    for (int b = 0; b < BANK_COUNT; b++) {
        const struct bank_facts *bf = &f->bank[b];
        const struct alg_info *a = alg_by_bank((enum bank)b);
        if (!(f->banks & (1u << b)))
            continue;
        bool same = bf->have_replay && bf->have_tpm &&
                    memcmp(bf->replay, bf->tpm, a->size) == 0;
        struct table_row *r = table_add(&tab, NULL, same || !bf->have_tpm ? NULL : "odd");
        if (!r)
            break;
        table_set(r, 0, "%s", a->name);
        hex_cell(r, 1, bf->have_replay, bf->replay, a->size);
        hex_cell(r, 2, bf->have_quote, bf->quote, a->size);
        hex_cell(r, 3, bf->have_tpm, bf->tpm, a->size);
        table_set(r, 4, "%s", !bf->have_replay || !bf->have_tpm ? "-" :
                  same ? "equal" : "differ");
        bool differ = bf->have_replay && bf->have_tpm && !same;
        if (diverge && differ)
            table_set(r, 5, "%lld %s", (long long)x->first_divergent, x->first_file);
        else if (bf->diverge_tpm.index >= 0 && differ)
            table_set(r, 5, "%lld %s", (long long)bf->diverge_tpm.index,
                      bf->diverge_tpm.file_name);
    }
    fputs("<h2>PCR 10</h2>\n", out);
    write_table(out, &tab, "pcrs");
}

static void expectations_section(FILE *out, const struct checks *cs)
{
    static const char *const cols[] = {
        "expectation", "result", "expected", "seen", "detail",
    };
    static const char *const result[] = { "pass", "fail", "unknown" };
    static const char *const cls[] = { "r-pass", "r-fail", "r-unknown" };
    struct table tab;
    table_init(&tab, 5, cols);
    for (int i = 0; i < cs->n; i++) {
        const struct exp_check *c = &cs->c[i];
        struct table_row *r = table_add(&tab, NULL, cls[c->result]);
        if (!r)
            break;
        table_set(r, 0, "%s", c->name);
        table_set(r, 1, "%s", result[c->result]);
        table_set(r, 2, "%s", c->expected);
        table_set(r, 3, "%s", c->seen);
        table_set(r, 4, "%s", c->detail);
    }
    fputs("<h2>Expectations</h2>\n", out);
    write_table(out, &tab, "expectations");
}

static void commands_section(FILE *out, const struct timeline *tl)
{
    struct table tab;
    fputs("<h2>Commands</h2>\n", out);
    timeline_command_table(tl, false, &tab);
    write_table(out, &tab, "commands");
    fputs("<details><summary>every command and control message</summary>\n", out);
    timeline_command_table(tl, true, &tab);
    write_table(out, &tab, "commands all");
    fputs("</details>\n", out);
}

void report_html(FILE *out, const struct html_report *h)
{
    head(out, h->r);
    header(out, h->r);
    what_faults_did(out, h);
    timeline_section(out, h->tl);
    entries_section(out, h->tl);
    pcr_section(out, h->r->f);
    expectations_section(out, h->r->cs);
    commands_section(out, h->tl);
    if (h->tl->problem[0]) {
        fputs("<p class=\"meta\">Not read: ", out);
        esc(out, h->tl->problem);
        fputs("</p>\n", out);
    }
    fputs("</body>\n</html>\n", out);
}

static void write_page(FILE *out, const void *ctx)
{
    report_html(out, ctx);
}

int report_html_write(const char *dir, const struct html_report *h, char **err)
{
    return atomic_write(dir, "report.html", write_page, h, err);
}
