/* A terminal table: cells formatted first, then printed with every column
 * as wide as its widest cell (the last one unpadded), a row's colour only
 * when asked (a terminal); or as an HTML table. */
#ifndef TPMFAULT_TABLE_H
#define TPMFAULT_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define TABLE_MAX_COLS 12
#define TABLE_CELL 336

struct table_row {
    char cell[TABLE_MAX_COLS][TABLE_CELL];
    const char *colour;           /* an SGR sequence such as "31", or NULL */
    const char *cls;              /* the row's class in HTML, or NULL */
};

struct table {
    size_t ncols;
    struct table_row head;
    struct table_row *rows;
    size_t n, cap;
};

void table_init(struct table *t, size_t ncols, const char *const *headers);
/* A new empty row (cells ""), or NULL when memory runs out. */
struct table_row *table_add(struct table *t, const char *colour,
                            const char *cls);
/* printf into one cell; text past TABLE_CELL is cut. */
void table_set(struct table_row *r, size_t col, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void table_print(FILE *out, const struct table *t, const char *indent,
                 bool colour);
/* The same as an HTML <table> (every cell XML-escaped). */
void table_write_html(FILE *out, const struct table *t, const char *cls);
void table_free(struct table *t);

#endif
