/* Writing the matrix: matrix.md for people, matrix.json for tools; both
 * call out, per scenario, each fact whose value differs between kernels. */
#include "runner/matrix.h"

#include <stdlib.h>
#include <string.h>

#include "util/atomicfile.h"
#include "util/json.h"
#include "util/str.h"

static const char *value_of(const struct matrix_cell *c, int f)
{
    if (f == MF_COUNT)
        return c->verdict;
    return c->have_facts && c->fact[f][0] ? c->fact[f] : "-";
}

bool matrix_differs(const struct matrix *m, size_t s, int f)
{
    const char *first = NULL;
    for (size_t k = 0; k < m->n_kernels; k++) {
        const struct matrix_cell *c = matrix_cell(m, s, k);
        if (!c->present || (f != MF_COUNT && !c->have_facts))
            continue;                /* a run without a report has no facts */
        const char *v = value_of(c, f);
        if (!first)
            first = v;
        else if (strcmp(first, v) != 0)
            return true;
    }
    return false;
}

bool matrix_everywhere(const struct matrix *m, int f)
{
    const char *value[MATRIX_MAX_KERNELS] = { NULL };
    size_t compared = 0;
    for (size_t s = 0; s < m->n_scenarios; s++) {
        size_t with = 0;
        for (size_t k = 0; k < m->n_kernels; k++)
            with += matrix_cell(m, s, k)->have_facts;
        if (with < 2)
            continue;
        if (!matrix_differs(m, s, f))
            return false;
        for (size_t k = 0; k < m->n_kernels; k++) {
            const struct matrix_cell *c = matrix_cell(m, s, k);
            if (!c->have_facts)
                continue;
            if (!value[k])
                value[k] = value_of(c, f);
            else if (strcmp(value[k], value_of(c, f)) != 0)
                return false;
        }
        compared++;
    }
    return compared > 1;
}

int matrix_exit_code(const struct matrix *m)
{
    for (size_t s = 0; s < m->n_scenarios; s++)
        for (size_t k = 0; k < m->n_kernels; k++) {
            const struct matrix_cell *c = matrix_cell(m, s, k);
            if (!c->present || (strcmp(c->verdict, "pass") != 0 &&
                                strcmp(c->verdict, "skip") != 0))
                return 1;
        }
    return 0;
}

/* --- matrix.md --------------------------------------------------------------- */

/* Table text: '|' and newlines would break the row. */
static void md_text(FILE *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputs("\\|", out);
        else
            fputc(*s == '\n' ? ' ' : *s, out);
    }
}

static void md_cell(FILE *out, const struct matrix_cell *c)
{
    if (!c->present) {
        fputs(" not run |", out);
        return;
    }
    bool bad = strcmp(c->verdict, "pass") != 0 && strcmp(c->verdict, "skip") != 0;
    fprintf(out, " %s%s%s", bad ? "**" : "", c->verdict, bad ? "**" : "");
    if (c->overrides[0]) {
        fputs(" (", out);
        md_text(out, c->overrides);
        fputc(')', out);
    }
    fputs(" |", out);
}

static void md_table(FILE *out, const struct matrix *m)
{
    fputs("| scenario |", out);
    for (size_t k = 0; k < m->n_kernels; k++)
        fprintf(out, " %s |", m->kernel[k]);
    fputs("\n|---|", out);
    for (size_t k = 0; k < m->n_kernels; k++)
        fputs("---|", out);
    fputc('\n', out);
    for (size_t s = 0; s < m->n_scenarios; s++) {
        fprintf(out, "| %s |", m->scenario[s]);
        for (size_t k = 0; k < m->n_kernels; k++)
            md_cell(out, matrix_cell(m, s, k));
        fputc('\n', out);
    }
}

/* "extends_seen: 6.1 = 6, 6.12 = 7" */
static void md_difference(FILE *out, const struct matrix *m, size_t s, int f,
                          const char *indent)
{
    fprintf(out, "%s- %s:", indent, f == MF_COUNT ? "verdict" : matrix_facts[f].name);
    const char *sep = " ";
    for (size_t k = 0; k < m->n_kernels; k++) {
        const struct matrix_cell *c = matrix_cell(m, s, k);
        if (!c->present || (f != MF_COUNT && !c->have_facts))
            continue;
        fprintf(out, "%s%s = ", sep, m->kernel[k]);
        md_text(out, value_of(c, f));
        sep = "; ";
    }
    fputc('\n', out);
}

/* Each cell that did not pass, with its reason. */
static void md_not_passed(FILE *out, const struct matrix *m)
{
    bool header = false;
    for (size_t s = 0; s < m->n_scenarios; s++)
        for (size_t k = 0; k < m->n_kernels; k++) {
            const struct matrix_cell *c = matrix_cell(m, s, k);
            if (c->present && (!strcmp(c->verdict, "pass") || !strcmp(c->verdict, "skip")))
                continue;
            if (!header)
                fputs("\n## Not passed\n\n", out);
            header = true;
            fprintf(out, "- %s on %s: %s", m->scenario[s], m->kernel[k],
                    c->present ? c->verdict : "not run");
            if (c->present && c->reason[0]) {
                fputs(" — ", out);
                md_text(out, c->reason);
            }
            fputc('\n', out);
        }
}

static void md_differences(FILE *out, const struct matrix *m)
{
    fputs("\n## Behaviour differences\n\n", out);
    bool everywhere[MF_COUNT + 1] = { false };
    size_t listed = 0;
    for (int f = 0; f < MF_COUNT; f++) {
        if (!(everywhere[f] = matrix_everywhere(m, f)))
            continue;
        if (!listed++)
            fputs("In every scenario:\n", out);
        for (size_t s = 0; s < m->n_scenarios; s++)
            if (matrix_differs(m, s, f)) {
                md_difference(out, m, s, f, "");
                break;
            }
    }
    if (listed)
        fputc('\n', out);
    for (size_t s = 0; s < m->n_scenarios; s++) {
        bool any = false;
        for (int f = 0; f <= MF_COUNT && !any; f++)
            any = !everywhere[f] && matrix_differs(m, s, f);
        if (!any)
            continue;
        fprintf(out, "- **%s**\n", m->scenario[s]);
        for (int f = MF_COUNT; f >= 0; f--)     /* the verdict first */
            if (!everywhere[f] && matrix_differs(m, s, f))
                md_difference(out, m, s, f, "  ");
        listed++;
    }
    if (!listed)
        fputs("None: every scenario gave the same verdict and facts on every "
              "kernel.\n", out);
}

void matrix_write_md(FILE *out, const struct matrix *m)
{
    fputs("# tpmfault: the catalogue against each kernel\n\nKernels:", out);
    for (size_t k = 0; k < m->n_kernels; k++)
        fprintf(out, "%s %s (%s)", k ? "," : "", m->kernel[k],
                m->release[k][0] ? m->release[k] : "uname unknown");
    fputs(".  A verdict in parentheses names the expectations a kernel "
          "condition (key[SERIES] in the script) decided.\n\n", out);
    md_table(out, m);
    md_not_passed(out, m);
    md_differences(out, m);
    fputs("\nFacts compared (from each scenario's report.json and trace.jsonl):\n\n", out);
    for (int f = 0; f < MF_COUNT; f++)
        fprintf(out, "- `%s`: %s\n", matrix_facts[f].name, matrix_facts[f].help);
}

/* --- matrix.json -------------------------------------------------------------- */

static void json_cell(struct json *j, const struct matrix *m, size_t k,
                      const struct matrix_cell *c)
{
    json_obj_begin(j, m->kernel[k]);
    json_str(j, "verdict", c->present ? c->verdict : "not run");
    json_str(j, "reason", c->present ? c->reason : NULL);
    json_double(j, "wall_s", c->wall_s);
    json_str(j, "overrides", c->overrides[0] ? c->overrides : NULL);
    if (c->have_facts) {
        json_obj_begin(j, "facts");
        for (int f = 0; f < MF_COUNT; f++)
            json_str(j, matrix_facts[f].name, c->fact[f][0] ? c->fact[f] : NULL);
        json_obj_end(j);
    } else {
        json_null(j, "facts");
    }
    json_obj_end(j);
}

void matrix_write_json(FILE *out, const struct matrix *m)
{
    struct json j;
    json_init(&j, out, true);
    json_obj_begin(&j, NULL);
    json_arr_begin(&j, "kernels");
    for (size_t k = 0; k < m->n_kernels; k++) {
        json_obj_begin(&j, NULL);
        json_str(&j, "label", m->kernel[k]);
        json_str(&j, "release", m->release[k][0] ? m->release[k] : NULL);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_arr_begin(&j, "scenarios");
    for (size_t s = 0; s < m->n_scenarios; s++) {
        json_obj_begin(&j, NULL);
        json_str(&j, "name", m->scenario[s]);
        json_obj_begin(&j, "kernels");
        for (size_t k = 0; k < m->n_kernels; k++)
            json_cell(&j, m, k, matrix_cell(m, s, k));
        json_obj_end(&j);
        json_arr_begin(&j, "differences");
        for (int f = MF_COUNT; f >= 0; f--)
            if (matrix_differs(m, s, f))
                json_str(&j, NULL, f == MF_COUNT ? "verdict" : matrix_facts[f].name);
        json_arr_end(&j);
        json_obj_end(&j);
    }
    json_arr_end(&j);
    json_arr_begin(&j, "differences_everywhere");
    for (int f = 0; f < MF_COUNT; f++)
        if (matrix_everywhere(m, f))
            json_str(&j, NULL, matrix_facts[f].name);
    json_arr_end(&j);
    json_bool(&j, "all_passed", matrix_exit_code(m) == 0);
    json_obj_end(&j);
    fputc('\n', out);
}

/* --- files --------------------------------------------------------------------- */

/* atomic_write's writers: the matrix is their context. */
static void write_md(FILE *out, const void *m) { matrix_write_md(out, m); }
static void write_json(FILE *out, const void *m) { matrix_write_json(out, m); }

int matrix_write_files(const char *dir, const struct matrix *m, char **err)
{
    if (atomic_write(dir, "matrix.md", write_md, m, err) < 0 ||
        atomic_write(dir, "matrix.json", write_json, m, err) < 0)
        return -1;
    return 0;
}
