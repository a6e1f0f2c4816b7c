/* Loading the matrix: each kernel's summary.json for the verdicts, each
 * scenario's report.json and trace.jsonl for the facts compared. */
#include "runner/matrix.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/jsonread.h"
#include "util/str.h"
#include "util/textfile.h"
#include "verify/trace.h"

const struct matrix_fact_spec matrix_facts[MF_COUNT] = {
    [MF_EXTENDS_SEEN] = { "extends_seen",
        "PCR 10 extends the shim saw from the guest (each driver resend counts)" },
    [MF_EXTENDS_APPLIED] = { "extends_applied", "of those, executed by swtpm" },
    [MF_LIST_ENTRIES] = { "list_entries", "entries in the guest's measurement list" },
    [MF_NOT_IN_PCR] = { "not_in_pcr", "list entries that never reached PCR 10" },
    [MF_KERNEL_ERRORS] = { "kernel_errors",
        "IMA's 'Error Communicating to TPM chip' lines, as entry:result (-: none)" },
    [MF_CANCELS] = { "cancels", "CMD_CANCEL_TPM_CMD messages QEMU sent (trace)" },
    [MF_BYPASS] = { "bypass", "IMA's TPM-bypass mode" },
    [MF_QUOTE] = { "quote", "the guest's quote: valid, invalid or refused" },
    [MF_PADDED_BANKS] = { "padded_banks",
        "banks IMA had no hash for, extended with the sha1 digest zero-padded" },
    [MF_BANK_LISTS] = { "bank_lists",
        "the per-bank lists (6.10+): agree, disagree or absent" },
};

typedef void fact_reader(const struct jv *facts, const char *dir, char *buf,
                         size_t n);

static void read_number(const struct jv *facts, const char *key, char *buf,
                        size_t n)
{
    const struct jv *v = jv_get(facts, key);
    if (v && v->type == JV_NUM)
        str_fmt(buf, n, "%.0f", v->num);
}

static void rd_seen(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    read_number(f, "extends_seen", b, n);
}

static void rd_applied(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    read_number(f, "extends_applied", b, n);
}

static void rd_entries(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    read_number(f, "list_entries", b, n);
}

/* Append one item to a comma list. */
static void item(char *buf, size_t n, const char *fmt, double v)
{
    size_t len = strlen(buf);
    str_fmt(buf + len, n - len, "%s", len ? "," : "");
    len = strlen(buf);
    str_fmt(buf + len, n - len, fmt, v);
}

static void rd_not_in_pcr(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    const struct jv *v = jv_get(f, "entries_not_in_pcr");
    if (!v || v->type != JV_ARR) {
        str_fmt(b, n, "unexplained");
        return;
    }
    for (const struct jv *e = v->child; e; e = e->next)
        if (e->type == JV_NUM)
            item(b, n, "%.0f", e->num);
    if (!b[0])
        str_fmt(b, n, "none");
}

static void rd_errors(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    const struct jv *v = jv_get(f, "kernel_errors");
    for (const struct jv *e = v && v->type == JV_ARR ? v->child : NULL; e;
         e = e->next) {
        const struct jv *entry = jv_get(e, "entry");
        char one[48];
        if (entry && entry->type == JV_NUM)
            str_fmt(one, sizeof(one), "%.0f:", entry->num);
        else
            str_fmt(one, sizeof(one), "after:");
        const struct jv *result = jv_get(e, "result");
        size_t len = strlen(b);
        if (result && result->type == JV_NUM)
            str_fmt(b + len, n - len, "%s%s%.0f", len ? "," : "", one, result->num);
        else                              /* a bare line: no result */
            str_fmt(b + len, n - len, "%s%s-", len ? "," : "", one);
    }
    if (!b[0])
        str_fmt(b, n, "none");
}

/* QEMU's CMD_CANCEL_TPM_CMD messages, from the trace's one reader. */
static void rd_cancels(const struct jv *f, const char *dir, char *b, size_t n)
{
    (void)f;
    char path[4096], *err = NULL;
    struct trace t;
    if (str_fmt(path, sizeof(path), "%s/trace.jsonl", dir) < 0)
        return;
    if (trace_load(path, &t, &err) < 0) {
        str_fmt(b, n, "no trace");
        free(err);
        return;
    }
    str_fmt(b, n, "%zu", t.n_cancels);
    trace_free(&t);
}

static void rd_bypass(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    const struct jv *v = jv_get(f, "bypass");
    if (v && v->type == JV_BOOL)
        str_fmt(b, n, "%s", v->b ? "on" : "off");
}

static void rd_quote(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    const struct jv *present = jv_get(f, "quote_present");
    const struct jv *valid = jv_get(f, "quote_valid");
    if (present && present->type == JV_BOOL && valid && valid->type == JV_BOOL)
        str_fmt(b, n, "%s", !present->b ? "refused" : valid->b ? "valid" : "invalid");
}

static void rd_padded(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    const struct jv *v = jv_get(f, "padded_banks");
    for (const struct jv *e = v && v->type == JV_ARR ? v->child : NULL; e;
         e = e->next) {
        size_t len = strlen(b);
        if (e->type == JV_STR)
            str_fmt(b + len, n - len, "%s%s", len ? "," : "", e->str);
    }
    if (v && !b[0])
        str_fmt(b, n, "none");
}

static void rd_lists(const struct jv *f, const char *d, char *b, size_t n)
{
    (void)d;
    const char *state = jv_get_str(jv_get(f, "bank_lists"), "state");
    if (state)
        str_fmt(b, n, "%s", state);
}

static fact_reader *const readers[MF_COUNT] = {
    [MF_EXTENDS_SEEN] = rd_seen, [MF_EXTENDS_APPLIED] = rd_applied,
    [MF_LIST_ENTRIES] = rd_entries, [MF_NOT_IN_PCR] = rd_not_in_pcr,
    [MF_KERNEL_ERRORS] = rd_errors, [MF_CANCELS] = rd_cancels,
    [MF_BYPASS] = rd_bypass, [MF_QUOTE] = rd_quote,
    [MF_PADDED_BANKS] = rd_padded, [MF_BANK_LISTS] = rd_lists,
};

static struct jv *read_json(const char *path, char **err)
{
    char *text = text_file_read(path, err);
    if (!text)
        return NULL;
    struct jv *v = jv_parse(text, err);
    free(text);
    if (!v)
        err_prefix(err, "%s", path);
    return v;
}

struct matrix_cell *matrix_cell(const struct matrix *m, size_t s, size_t k)
{
    return &m->cell[s * m->n_kernels + k];
}

/* The scenario's row, added (rows stay sorted) when it is new. */
static int row_of(struct matrix *m, const char *name, size_t *row, char **err)
{
    size_t i = 0;
    while (i < m->n_scenarios && strcmp(m->scenario[i], name) < 0)
        i++;
    if (i < m->n_scenarios && strcmp(m->scenario[i], name) == 0) {
        *row = i;
        return 0;
    }
    size_t n = m->n_scenarios + 1;
    char (*names)[64] = realloc(m->scenario, n * sizeof(*names));
    if (names)
        m->scenario = names;
    struct matrix_cell *cells = realloc(m->cell, n * m->n_kernels *
                                                 sizeof(*cells));
    if (cells)
        m->cell = cells;
    if (!names || !cells)
        return err_set(err, "out of memory");
    size_t per = m->n_kernels;        /* cells are [row][n_kernels] */
    memmove(&m->scenario[i + 1], &m->scenario[i],
            (m->n_scenarios - i) * sizeof(*names));
    memmove(&m->cell[(i + 1) * per], &m->cell[i * per],
            (m->n_scenarios - i) * per * sizeof(*cells));
    memset(&m->cell[i * per], 0, per * sizeof(*cells));
    str_fmt(m->scenario[i], sizeof(m->scenario[i]), "%s", name);
    m->n_scenarios = n;
    *row = i;
    return 0;
}

/* Expectations named key[SERIES]: a kernel condition decided them. */
static void note_overrides(const struct jv *report, struct matrix_cell *c)
{
    const struct jv *exps = jv_get(report, "expectations");
    for (const struct jv *e = exps && exps->type == JV_ARR ? exps->child : NULL;
         e; e = e->next) {
        const char *name = jv_get_str(e, "name");
        size_t len = strlen(c->overrides);
        if (name && strchr(name, '['))
            str_fmt(c->overrides + len, sizeof(c->overrides) - len, "%s%s",
                    len ? ", " : "", name);
    }
}

static void read_report(struct matrix *m, size_t k, const char *dir,
                        struct matrix_cell *c)
{
    char path[4096], *err = NULL;
    if (str_fmt(path, sizeof(path), "%s/report.json", dir) < 0)
        return;
    struct jv *report = read_json(path, &err);
    free(err);
    if (!report)
        return;
    const struct jv *facts = jv_get(report, "facts");
    const char *release = jv_get_str(report, "kernel");
    if (release && !m->release[k][0])
        str_fmt(m->release[k], sizeof(m->release[k]), "%s", release);
    note_overrides(report, c);
    if (facts && facts->type == JV_OBJ) {
        c->have_facts = true;
        for (int f = 0; f < MF_COUNT; f++)
            readers[f](facts, dir, c->fact[f], sizeof(c->fact[f]));
    }
    jv_free(report);
}

static int load_kernel(struct matrix *m, size_t k, const char *dir, char **err)
{
    char path[4096];
    if (str_fmt(path, sizeof(path), "%s/summary.json", dir) < 0)
        return err_set(err, "%s: path too long", dir);
    struct jv *sum = read_json(path, err);
    if (!sum)
        return -1;
    const struct jv *list = jv_get(sum, "scenarios");
    int rc = 0;
    if (!list || list->type != JV_ARR)
        rc = err_set(err, "%s: no scenarios array", path);
    for (const struct jv *e = rc == 0 ? list->child : NULL; e; e = e->next) {
        const char *name = jv_get_str(e, "name"), *verdict = jv_get_str(e, "verdict");
        size_t row = 0;
        if (!name || !verdict || strchr(name, '/')) {
            rc = err_set(err, "%s: a scenario without a name or verdict", path);
            break;
        }
        if ((rc = row_of(m, name, &row, err)) < 0)
            break;
        struct matrix_cell *c = matrix_cell(m, row, k);
        memset(c, 0, sizeof(*c));
        c->present = true;
        str_fmt(c->verdict, sizeof(c->verdict), "%s", verdict);
        str_fmt(c->reason, sizeof(c->reason), "%s", jv_get_str(e, "reason") ?
                jv_get_str(e, "reason") : "");
        c->wall_s = jv_get_num(e, "wall_s", 0);
        char sdir[4096];
        if (str_fmt(sdir, sizeof(sdir), "%s/%s", dir, name) == 0)
            read_report(m, k, sdir, c);
    }
    jv_free(sum);
    return rc;
}

/* "reports/matrix/6.12/" -> "6.12" */
static void label_of(const char *dir, char *label, size_t n)
{
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    size_t start = len;
    while (start > 0 && dir[start - 1] != '/')
        start--;
    str_fmt(label, n, "%.*s", (int)(len - start), dir + start);
}

int matrix_load(struct matrix *m, char *const *dirs, size_t n, char **err)
{
    memset(m, 0, sizeof(*m));
    if (n == 0 || n > MATRIX_MAX_KERNELS)
        return err_set(err, "matrix: 1 to %d kernels, not %zu", MATRIX_MAX_KERNELS, n);
    m->n_kernels = n;
    for (size_t k = 0; k < n; k++) {
        label_of(dirs[k], m->kernel[k], sizeof(m->kernel[k]));
        for (size_t j = 0; j < k; j++)
            if (strcmp(m->kernel[j], m->kernel[k]) == 0) {
                matrix_free(m);
                return err_set(err, "matrix: two kernels labelled %s", m->kernel[k]);
            }
    }
    for (size_t k = 0; k < n; k++) {
        if (load_kernel(m, k, dirs[k], err) < 0) {
            matrix_free(m);
            return -1;
        }
    }
    return 0;
}

void matrix_free(struct matrix *m)
{
    free(m->scenario);
    free(m->cell);
    m->scenario = NULL;
    m->cell = NULL;
    m->n_scenarios = 0;
}
