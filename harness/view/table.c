#include "view/table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"
#include "util/vec.h"

void table_init(struct table *t, size_t ncols, const char *const *headers)
{
    memset(t, 0, sizeof(*t));
    t->ncols = ncols < TABLE_MAX_COLS ? ncols : TABLE_MAX_COLS;
    for (size_t c = 0; c < t->ncols; c++)
        snprintf(t->head.cell[c], TABLE_CELL, "%s", headers[c]);
}

struct table_row *table_add(struct table *t, const char *colour,
                            const char *cls)
{
    struct table_row *g = vec_room(t->rows, t->n, &t->cap, sizeof(*g), 32);
    if (!g)
        return NULL;
    t->rows = g;
    struct table_row *r = &t->rows[t->n++];
    memset(r, 0, sizeof(*r));
    r->colour = colour;
    r->cls = cls;
    return r;
}

void table_set(struct table_row *r, size_t col, const char *fmt, ...)
{
    if (!r || col >= TABLE_MAX_COLS)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->cell[col], TABLE_CELL, fmt, ap);
    va_end(ap);
}

/* Display width: UTF-8 continuation bytes take no column. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (; *s; s++)
        w += ((unsigned char)*s & 0xc0) != 0x80;
    return w;
}

static void print_row(FILE *out, const struct table *t, const struct table_row *r,
                      const size_t *w, const char *indent, bool colour)
{
    bool sgr = colour && r->colour;
    size_t end = t->ncols;        /* no padding after the last filled cell */
    while (end > 1 && !r->cell[end - 1][0])
        end--;
    fputs(indent, out);
    if (sgr)
        fprintf(out, "\033[%sm", r->colour);
    for (size_t c = 0; c < end; c++) {
        bool last = c + 1 == end;
        fputs(r->cell[c], out);
        for (size_t k = width(r->cell[c]); !last && k < w[c] + 2; k++)
            fputc(' ', out);
    }
    if (sgr)
        fputs("\033[0m", out);
    fputc('\n', out);
}

void table_print(FILE *out, const struct table *t, const char *indent,
                 bool colour)
{
    size_t w[TABLE_MAX_COLS] = { 0 };
    for (size_t c = 0; c < t->ncols; c++) {
        w[c] = width(t->head.cell[c]);
        for (size_t i = 0; i < t->n; i++)
            if (width(t->rows[i].cell[c]) > w[c])
                w[c] = width(t->rows[i].cell[c]);
    }
    struct table_row head = t->head;
    head.colour = "1";
    print_row(out, t, &head, w, indent, colour);
    for (size_t i = 0; i < t->n; i++)
        print_row(out, t, &t->rows[i], w, indent, colour);
}

static void html_row(FILE *out, const struct table *t,
                     const struct table_row *r, const char *cell)
{
    if (r->cls)
        fprintf(out, "<tr class=\"%s\">", r->cls);
    else
        fputs("<tr>", out);
    for (size_t c = 0; c < t->ncols; c++) {
        fprintf(out, "<%s>", cell);
        xml_escape(out, r->cell[c], false);
        fprintf(out, "</%s>", cell);
    }
    fputs("</tr>\n", out);
}

void table_write_html(FILE *out, const struct table *t, const char *cls)
{
    fprintf(out, "<table class=\"%s\">\n<thead>", cls);
    html_row(out, t, &t->head, "th");
    fputs("</thead>\n<tbody>\n", out);
    for (size_t i = 0; i < t->n; i++)
        html_row(out, t, &t->rows[i], "td");
    fputs("</tbody>\n</table>\n", out);
}

void table_free(struct table *t)
{
    free(t->rows);
    t->rows = NULL;
    t->n = t->cap = 0;
}
