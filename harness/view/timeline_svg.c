#include "view/timeline_svg.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "view/timeline_words.h"

const char *const tl_fate_class[TL_FATES] = {
    [TL_HELD] = "held", [TL_TWICE] = "twice", [TL_LOST] = "lost",
    [TL_ERRORED] = "errored", [TL_RELAYED] = "relayed",
};

#define RUN_W 1080.0       /* drawing width of the run's axis */
#define RUN_X0 80.0        /* left margin: row labels */
#define RUN_H 158

static double dmax(double a, double b)
{
    return a > b ? a : b;
}

static double x_of(const struct timeline *tl, double t)
{
    double end = tl->t_end > 0 ? tl->t_end : 1;
    return RUN_X0 + t / end * (RUN_W - RUN_X0 - 20);
}

static void text(FILE *out, double x, double y, const char *cls,
                 const char *anchor, const char *s)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" class=\"%s\" text-anchor=\"%s\">",
            x, y, cls, anchor);
    xml_escape(out, s, false);
    fputs("</text>\n", out);
}

/* printf, XML-escaped: one piece of a title (escaping piece by piece
 * writes what escaping the whole would). */
static void esc_printf(FILE *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void esc_printf(FILE *out, const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    xml_escape(out, buf, false);
}

/* A mark's tooltip: everything the row says. */
static void row_title(FILE *out, const struct timeline *tl, const struct tl_row *r)
{
    char rule[96], rc[48], lat[64];
    const struct trace_cmd *c = r->c;
    fputs("<title>", out);
    esc_printf(out, "frame %u at %.3f s: %s", c->ord, c->t, c->name);
    if (c->pcr >= 0)
        esc_printf(out, " PCR %d", c->pcr);
    if (r->entry != TL_NONE)
        esc_printf(out, ", entry %lld %s%s", (long long)tl->entries[r->entry].index,
                   tl->entries[r->entry].file, r->send > 1 ? " (resend)" : "");
    if (r->fault)
        esc_printf(out, ", fault %s", tl_rule_text(r, rule, sizeof(rule)));
    esc_printf(out, "; swtpm: %s; the guest saw %s; %s; %s", tl_swtpm_text(r),
               tl_guest_text(tl, r, rc, sizeof(rc)),
               tl_latency_text(r, lat, sizeof(lat)), tl_fate_names[r->fate]);
    fputs("</title>", out);
}

/* Phase labels sit above their bands, on a second line when the one
 * before would overlap (a short workload between boot and the agent). */
static void phase_bands(FILE *out, const struct timeline *tl)
{
    double label_end = -1;
    int line = 0;
    for (int p = 0; p < TL_PHASES; p++) {
        double lo = -1, hi = -1;
        for (size_t i = 0; i < tl->n_rows; i++) {
            if (tl->rows[i].phase != (enum tl_phase)p)
                continue;
            lo = lo < 0 ? tl->rows[i].c->t : lo;
            hi = tl->rows[i].c->t;
        }
        if (lo < 0)
            continue;
        double x = x_of(tl, lo), w = dmax(x_of(tl, hi) - x, 3);
        fprintf(out, "<rect class=\"phase phase-%s\" x=\"%.1f\" y=\"28\" "
                "width=\"%.1f\" height=\"56\"/>\n", tl_phase_names[p], x, w);
        line = x < label_end + 6 ? !line : 0;
        text(out, x, line ? 24 : 12, "phase-label", "start", tl_phase_names[p]);
        label_end = x + 6.5 * (double)strlen(tl_phase_names[p]);
    }
}

static void frame_marks(FILE *out, const struct timeline *tl)
{
    for (size_t i = 0; i < tl->n_rows; i++) {
        const struct tl_row *r = &tl->rows[i];
        double x = x_of(tl, r->c->t);
        fprintf(out, "<rect class=\"frame %s%s\" data-ord=\"%u\" x=\"%.1f\" "
                "y=\"%d\" width=\"%.1f\" height=\"%d\">",
                tl_fate_class[r->fate], r->extend ? " pcr10" : "", r->c->ord,
                x - (r->extend ? 1.5 : 0.75), r->extend ? 30 : 40,
                r->extend ? 3.0 : 1.5, r->extend ? 52 : 32);
        row_title(out, tl, r);
        fputs("</rect>\n", out);
    }
}

/* A held command: a bar from its arrival to its release, and the driver's
 * deadline counted from its arrival (TPM 2.0: TPM_MEDIUM; a 1.2 driver
 * takes it from the TPM's reported durations, which the trace lacks). */
static void holds(FILE *out, const struct timeline *tl)
{
    char label[64], deadline[32];
    snprintf(deadline, sizeof(deadline), "%.0f ms deadline",
             TL_DRIVER_DEADLINE_S * 1e3);
    for (size_t i = 0; i < tl->n_rows; i++) {
        const struct trace_cmd *c = tl->rows[i].c;
        if (!c->held)
            continue;
        double end = c->t_release >= 0 ? c->t_release : tl->t_end;
        double x = x_of(tl, c->t), w = dmax(x_of(tl, end) - x, 2);
        double dl = x_of(tl, c->t + TL_DRIVER_DEADLINE_S);
        fprintf(out, "<rect class=\"hold\" x=\"%.1f\" y=\"92\" width=\"%.1f\" "
                "height=\"10\"><title>frame %u held %.1f ms</title></rect>\n",
                x, w, c->ord, (end - c->t) * 1e3);
        snprintf(label, sizeof(label), "held %.0f ms", (end - c->t) * 1e3);
        text(out, x, 116, "hold-label", "start", label);
        if (tl->trace.tpm12)      /* its deadline is the TPM's own duration */
            continue;
        fprintf(out, "<line class=\"deadline\" x1=\"%.1f\" y1=\"28\" x2=\"%.1f\" "
                "y2=\"106\"/>\n", dl, dl);
        text(out, dl + 3, 126, "deadline-label", "start", deadline);
    }
}

static void ctrl_ticks(FILE *out, const struct timeline *tl)
{
    for (size_t i = 0; i < tl->trace.n_ctrls; i++) {
        const struct trace_ctrl *c = &tl->trace.ctrls[i];
        bool cancel = tl_ctrl_is_cancel(c);
        if (!cancel && !tl_ctrl_is_shutdown(c))
            continue;
        double x = x_of(tl, c->t);
        fprintf(out, "<line class=\"%s\" x1=\"%.1f\" y1=\"86\" x2=\"%.1f\" "
                "y2=\"106\"><title>%s at %.3f s</title></line>\n",
                cancel ? "cancel" : "shutdown", x, x, c->cmd, c->t);
        if (!cancel)
            text(out, x, 118, "tick-label", "end", "shutdown");
    }
}

static void time_axis(FILE *out, const struct timeline *tl)
{
    static const double steps[] = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60 };
    double step = 60;
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
        if (tl->t_end / steps[i] <= 12) {
            step = steps[i];
            break;
        }
    fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"134\" x2=\"%.1f\" y2=\"134\"/>\n",
            RUN_X0, x_of(tl, tl->t_end));
    for (double t = 0; t <= tl->t_end + 1e-9; t += step) {
        char label[24];
        double x = x_of(tl, t);
        snprintf(label, sizeof(label), "%g s", t);
        fprintf(out, "<line class=\"axis\" x1=\"%.1f\" y1=\"134\" x2=\"%.1f\" "
                "y2=\"139\"/>\n", x, x);
        text(out, x, 151, "axis-label", "middle", label);
    }
}

void timeline_svg_run(FILE *out, const struct timeline *tl)
{
    fprintf(out, "<svg class=\"run\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%.0f\" height=\"%d\" viewBox=\"0 0 %.0f %d\" role=\"img\" "
            "aria-label=\"every TPM command of the run on a time axis\">\n",
            RUN_W, RUN_H, RUN_W, RUN_H);
    text(out, 4, 60, "row-label", "start", "commands");
    text(out, 4, 101, "row-label", "start", "holds, control");
    phase_bands(out, tl);
    frame_marks(out, tl);
    holds(out, tl);
    ctrl_ticks(out, tl);
    time_axis(out, tl);
    fputs("</svg>\n", out);
}

/* --- the extends, one column each, entries under them ------------------- */

#define EXT_X0 80.0
#define EXT_COL_MIN 112.0
#define EXT_COL_MAX 160.0

static size_t count_extends(const struct timeline *tl)
{
    size_t n = 0;
    for (size_t i = 0; i < tl->n_rows; i++)
        n += tl->rows[i].extend;
    return n;
}

static double ext_col(size_t columns)
{
    double w = (RUN_W - EXT_X0 - 20) / (double)(columns ? columns : 1);
    return w < EXT_COL_MIN ? EXT_COL_MIN : w > EXT_COL_MAX ? EXT_COL_MAX : w;
}

static void ext_column(FILE *out, const struct timeline *tl,
                       const struct tl_row *r, double cx)
{
    char buf[96], rc[48];
    snprintf(buf, sizeof(buf), "frame %u", r->c->ord);
    text(out, cx, 14, "ext-ord", "middle", buf);
    fprintf(out, "<circle class=\"ext %s\" data-ord=\"%u\" cx=\"%.1f\" cy=\"30\" "
            "r=\"8\">", tl_fate_class[r->fate], r->c->ord, cx);
    row_title(out, tl, r);
    fputs("</circle>\n", out);
    snprintf(buf, sizeof(buf), "%.3f s", r->c->t);
    text(out, cx, 54, "ext-time", "middle", buf);
    text(out, cx, 67, "ext-rc", "middle", tl_guest_text(tl, r, rc, sizeof(rc)));
    text(out, cx, 80, "ext-lat", "middle", tl_latency_text(r, buf, sizeof(buf)));
    if (r->fault)
        text(out, cx, 93, "ext-rule", "middle", tl_rule_text(r, buf, sizeof(buf)));
}

/* One entry's box under the columns of its frames (x, width w), dashed
 * when no frame carried it. */
static void entry_box(FILE *out, const struct timeline *tl,
                      const struct tl_entry *e, double x, double w)
{
    char label[300], times[24];
    const char *cls = tl->unaligned[0] ? "unknown" : e->in_pcr == 1 ? "once" :
                      e->in_pcr == 0 ? "never" : "twice";
    fprintf(out, "<g class=\"entry entry-%s%s\" data-entry=\"%lld\">"
            "<rect x=\"%.1f\" y=\"104\" width=\"%.1f\" height=\"40\" rx=\"4\"/>\n",
            cls, e->frames ? "" : " unreached", (long long)e->index, x + 3, w - 6);
    fprintf(out, "<title>entry %lld ", (long long)e->index);
    xml_escape(out, e->file, false);
    fputs(": ", out);
    xml_escape(out, e->why[0] ? e->why : "in PCR 10 once", false);
    fputs("</title>\n", out);
    snprintf(label, sizeof(label), "entry %lld", (long long)e->index);
    text(out, x + w / 2, 119, "entry-label", "middle", label);
    text(out, x + w / 2, 132, "entry-file", "middle", e->file);
    snprintf(label, sizeof(label), "in PCR 10: %s", tl->unaligned[0] ? "?" :
             tl_times_text(e->in_pcr, times, sizeof(times)));
    text(out, x + w / 2, 158, "entry-pcr", "middle", label);
    if (!e->frames)
        text(out, x + w / 2, 171, "entry-pcr", "middle", "never sent");
    fputs("</g>\n", out);
}

void timeline_svg_extends(FILE *out, const struct timeline *tl)
{
    size_t unreached = 0;
    for (size_t i = 0; i < tl->n_entries; i++)
        unreached += tl->entries[i].frames == 0;
    size_t cols = count_extends(tl) + unreached;
    double cw = ext_col(cols);
    double width = EXT_X0 + cw * (double)cols + 20;
    fprintf(out, "<svg class=\"extends\" xmlns=\"http://www.w3.org/2000/svg\" "
            "width=\"%.0f\" height=\"180\" viewBox=\"0 0 %.0f 180\" role=\"img\" "
            "aria-label=\"IMA's PCR 10 extends and the list entries they carry\">\n",
            width, width);
    text(out, 4, 34, "row-label", "start", "extends");
    text(out, 4, 128, "row-label", "start", "list");
    size_t col = 0;
    double *x_at = calloc(tl->n_rows + 1, sizeof(*x_at));
    for (size_t i = 0; x_at && i < tl->n_rows; i++) {
        if (!tl->rows[i].extend)
            continue;
        x_at[i] = EXT_X0 + cw * (double)col++;
        ext_column(out, tl, &tl->rows[i], x_at[i] + cw / 2);
    }
    for (size_t i = 0; x_at && i < tl->n_entries; i++) {
        const struct tl_entry *e = &tl->entries[i];
        if (e->frames)
            entry_box(out, tl, e, x_at[e->first_row],
                      x_at[e->last_row] + cw - x_at[e->first_row]);
        else
            entry_box(out, tl, e, EXT_X0 + cw * (double)col++, cw);
    }
    free(x_at);
    fputs("</svg>\n", out);
}
