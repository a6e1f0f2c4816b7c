#include "view/timeline_text.h"

#include <string.h>

#include "view/timeline_svg.h"
#include "view/timeline_words.h"

enum { C_ORD, C_T, C_PHASE, C_CMD, C_PCR, C_ENTRY, C_FILE, C_RULE, C_SWTPM,
       C_GUEST, C_LATENCY, C_NOTES, C_COUNT };

static const char *const cmd_head[C_COUNT] = {
    "frame", "t (s)", "phase", "command", "pcr", "entry", "file", "fault",
    "swtpm", "guest saw", "latency", "notes",
};

/* SGR colours by fate (terminal only). */
static const char *const fate_sgr[TL_FATES] = {
    [TL_HELD] = "33", [TL_TWICE] = "35", [TL_LOST] = "31;1",
    [TL_ERRORED] = "31", [TL_RELAYED] = NULL,
};

static void add_cmd_row(struct table *tab, const struct timeline *tl,
                        const struct tl_row *r)
{
    struct table_row *row = table_add(tab, fate_sgr[r->fate],
                                      tl_fate_class[r->fate]);
    char buf[96];
    if (!row)
        return;
    table_set(row, C_ORD, "%u", r->c->ord);
    table_set(row, C_T, "%.3f", r->c->t);
    table_set(row, C_PHASE, "%s", tl_phase_names[r->phase]);
    table_set(row, C_CMD, "%s", r->c->name);
    if (r->c->pcr >= 0)
        table_set(row, C_PCR, "%d", r->c->pcr);
    table_set(row, C_ENTRY, "%s", tl_entry_label(tl, r, buf, sizeof(buf)));
    if (r->entry != TL_NONE)
        table_set(row, C_FILE, "%s", tl->entries[r->entry].file);
    table_set(row, C_RULE, "%s", tl_rule_text(r, buf, sizeof(buf)));
    table_set(row, C_SWTPM, "%s", tl_swtpm_text(r));
    table_set(row, C_GUEST, "%s", tl_guest_text(tl, r, buf, sizeof(buf)));
    table_set(row, C_LATENCY, "%s", tl_latency_text(r, buf, sizeof(buf)));
    if (r->cancels)
        table_set(row, C_NOTES, "%s, %u cancel%s", tl_fate_names[r->fate],
                  r->cancels, r->cancels > 1 ? "s" : "");
    else if (r->fate != TL_RELAYED)
        table_set(row, C_NOTES, "%s", tl_fate_names[r->fate]);
}

static void add_ctrl_row(struct table *tab, const struct trace_ctrl *c)
{
    struct table_row *row = table_add(tab, "36", "control");
    if (!row)
        return;
    table_set(row, C_T, "%.3f", c->t);
    table_set(row, C_PHASE, "control");
    table_set(row, C_CMD, "%s", c->cmd);
    if (c->after_ord)
        table_set(row, C_NOTES, "after frame %u", c->after_ord);
}

static bool ctrl_shown(const struct trace_ctrl *c, bool all)
{
    return all || tl_ctrl_is_cancel(c) || tl_ctrl_is_shutdown(c);
}

void timeline_command_table(const struct timeline *tl, bool all,
                            struct table *tab)
{
    table_init(tab, C_COUNT, cmd_head);
    size_t k = 0;
    const struct trace *t = &tl->trace;
    for (size_t i = 0; i <= tl->n_rows; i++) {
        double before = i < tl->n_rows ? tl->rows[i].c->t : 1e300;
        for (; k < t->n_ctrls && t->ctrls[k].t <= before; k++)
            if (ctrl_shown(&t->ctrls[k], all))
                add_ctrl_row(tab, &t->ctrls[k]);
        if (i < tl->n_rows && (all || tl->rows[i].extend || tl->rows[i].fault))
            add_cmd_row(tab, tl, &tl->rows[i]);
    }
}

enum { E_INDEX, E_FILE, E_IN_PCR, E_FRAMES, E_KERNEL, E_WHY, E_COUNT };

static const char *const entry_head[E_COUNT] = {
    "entry", "file", "in PCR 10", "frames", "kernel log", "why",
};

void timeline_entry_table(const struct timeline *tl, struct table *tab)
{
    table_init(tab, E_COUNT, entry_head);
    for (size_t i = 0; i < tl->n_entries; i++) {
        const struct tl_entry *e = &tl->entries[i];
        bool odd = e->in_pcr != 1 && !tl->unaligned[0];
        bool first = tl->have_explanation && tl->x.first_divergent == e->index;
        struct table_row *row = table_add(tab, odd ? "31" : NULL,
                                          first ? "odd first" : odd ? "odd" : NULL);
        char buf[96];
        if (!row)
            break;
        table_set(row, E_INDEX, "%lld", (long long)e->index);
        table_set(row, E_FILE, "%s", e->file);
        table_set(row, E_IN_PCR, "%s", tl->unaligned[0] ? "?" :
                  tl_times_text(e->in_pcr, buf, sizeof(buf)));
        table_set(row, E_FRAMES, "%u", e->frames);
        table_set(row, E_KERNEL, "%s", tl_kernel_text(e, buf, sizeof(buf)));
        table_set(row, E_WHY, "%s", e->why);
    }
}

static void print_table(FILE *out, struct table *tab, bool colour)
{
    table_print(out, tab, "", colour);
    table_free(tab);
}

void timeline_print(FILE *out, const struct timeline *tl, bool all, bool colour)
{
    size_t firings = 0;
    for (size_t i = 0; i < tl->n_rows; i++)
        firings += tl->rows[i].fault != NULL;
    fprintf(out, "%zu commands (%zu PCR 10 extends), fault firings: %zu, "
            "cancels: %u, list entries: %zu%s\n\n", tl->n_rows, tl->trace.n_ext,
            firings, tl->cancels, tl->n_entries,
            tl->dm.bypass ? ", IMA in TPM-bypass" : "");
    struct table tab;
    if (tl->n_rows || tl->trace.n_ctrls) {
        timeline_command_table(tl, all, &tab);
        print_table(out, &tab, colour);
        fputc('\n', out);
    }
    if (tl->unaligned[0])
        fprintf(out, "the applied extends do not follow the list: %s\n\n",
                tl->unaligned);
    if (tl->n_entries) {
        timeline_entry_table(tl, &tab);
        print_table(out, &tab, colour);
    }
}

/* Rows i.. on which the same rule fired again on the same measurement. */
static size_t same_firing(const struct timeline *tl, size_t i)
{
    const struct tl_row *r = &tl->rows[i];
    size_t j = i + 1;
    while (j < tl->n_rows && tl->rows[j].fault &&
           strcmp(tl->rows[j].fault->rule, r->fault->rule) == 0 &&
           tl->rows[j].entry == r->entry &&
           strcmp(tl->rows[j].c->name, r->c->name) == 0)
        j++;
    return j;
}

static void print_firing(FILE *out, const struct timeline *tl, size_t i, size_t j)
{
    const struct tl_row *r = &tl->rows[i], *last = &tl->rows[j - 1];
    char rule[96], rc[48];
    size_t applied = 0;
    for (size_t k = i; k < j; k++)
        applied += tl->rows[k].applied;
    fprintf(out, "  fault %s fired on frame", tl_rule_text(r, rule, sizeof(rule)));
    if (j - i > 1)
        fprintf(out, "s %u..%u (%zu)", r->c->ord, last->c->ord, j - i);
    else
        fprintf(out, " %u", r->c->ord);
    fprintf(out, ": %s", r->c->name);
    if (r->entry != TL_NONE)
        fprintf(out, " of entry %lld %s", (long long)tl->entries[r->entry].index,
                tl->entries[r->entry].file);
    fprintf(out, "; the guest saw %s", last->c->answered ?
            tl_rc_text(tl, last->c->guest_rc, rc, sizeof(rc)) : "no response");
    if (!r->extend)
        fprintf(out, "; %s\n", tl_swtpm_text(last));
    else if (j - i > 1 && applied)
        fprintf(out, "; applied %zu of %zu times\n", applied, j - i);
    else
        fprintf(out, "; %s\n", applied ? "applied" : "not applied");
}

static void print_odd_entries(FILE *out, const struct timeline *tl)
{
    size_t never = 0;
    for (size_t i = 0; i < tl->n_entries; i++)
        never += tl->entries[i].in_pcr == 0;
    if (tl->dm.bypass && never == tl->n_entries) {
        fprintf(out, "  IMA in TPM-bypass: none of the %zu entries is in PCR 10\n",
                tl->n_entries);
        return;
    }
    for (size_t i = 0; !tl->unaligned[0] && i < tl->n_entries; i++) {
        const struct tl_entry *e = &tl->entries[i];
        char times[24], kernel[160];
        if (e->in_pcr == 1)
            continue;
        fprintf(out, "  entry %lld %s: %s in PCR 10 (%u frame%s%s%s)\n",
                (long long)e->index, e->file,
                tl_times_text(e->in_pcr, times, sizeof(times)), e->frames,
                e->frames == 1 ? "" : "s", e->n_kernel ? "; kernel: " : "",
                tl_kernel_text(e, kernel, sizeof(kernel)));
    }
}

void timeline_print_compact(FILE *out, const struct timeline *tl)
{
    for (size_t i = 0; i < tl->n_rows;) {
        if (!tl->rows[i].fault) {
            i++;
            continue;
        }
        size_t j = same_firing(tl, i);
        print_firing(out, tl, i, j);
        i = j;
    }
    print_odd_entries(out, tl);
}
