/* The catalogue against several kernels (make matrix): one table of
 * scenario x kernel -> verdict, read back from each kernel's suite reports
 * directory (summary.json, NAME/report.json, NAME/trace.jsonl), with the
 * facts whose values differ between kernels called out. */
#ifndef TPMFAULT_MATRIX_H
#define TPMFAULT_MATRIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MATRIX_MAX_KERNELS 8
#define MATRIX_TEXT 160

/* The facts compared across kernels, in table order (matrix_facts[]). */
enum matrix_fact {
    MF_EXTENDS_SEEN, MF_EXTENDS_APPLIED, MF_LIST_ENTRIES, MF_NOT_IN_PCR,
    MF_KERNEL_ERRORS, MF_CANCELS, MF_BYPASS, MF_QUOTE, MF_PADDED_BANKS,
    MF_BANK_LISTS, MF_COUNT
};

struct matrix_fact_spec {
    const char *name;          /* as in matrix.json and the differences */
    const char *help;          /* one line for matrix.md */
};
extern const struct matrix_fact_spec matrix_facts[MF_COUNT];

struct matrix_cell {
    bool present;              /* the kernel's summary lists the scenario */
    char verdict[16];          /* pass, fail, broken, skip */
    char reason[MATRIX_TEXT];
    double wall_s;
    /* the expectations a kernel condition decided: "bank-lists[6.1], ..." */
    char overrides[MATRIX_TEXT];
    bool have_facts;           /* its report.json was read */
    char fact[MF_COUNT][MATRIX_TEXT];
};

struct matrix {
    size_t n_kernels, n_scenarios;
    char kernel[MATRIX_MAX_KERNELS][64];      /* label: the directory's name */
    char release[MATRIX_MAX_KERNELS][128];    /* uname -r from its reports */
    char (*scenario)[64];                     /* sorted by name */
    struct matrix_cell *cell;                 /* [scenario * n_kernels + kernel] */
};

/* Read one suite reports directory per kernel, labelled by its last path
 * component.  0, or -1 with *err (a missing or unreadable summary.json);
 * a scenario without a report.json is a cell without facts. */
int matrix_load(struct matrix *m, char *const *dirs, size_t n, char **err);
void matrix_free(struct matrix *m);
struct matrix_cell *matrix_cell(const struct matrix *m, size_t s, size_t k);

/* Whether the cells of scenario s that have facts differ in fact f, or
 * (f == MF_COUNT) the present cells in their verdict. */
bool matrix_differs(const struct matrix *m, size_t s, int f);
/* Whether fact f differs in every scenario that has it on two kernels or
 * more, the same way (each kernel with one value throughout): a property of
 * the kernels rather than of a scenario, listed once. */
bool matrix_everywhere(const struct matrix *m, int f);
/* 0 when every present cell passed or was skipped and every scenario ran
 * on every kernel, else 1. */
int matrix_exit_code(const struct matrix *m);

/* matrix.md: the verdict table, the differences, what each fact means. */
void matrix_write_md(FILE *out, const struct matrix *m);
/* matrix.json: kernels, scenarios with each cell's verdict and facts, and
 * the differences. */
void matrix_write_json(FILE *out, const struct matrix *m);
/* Both into dir, each to a temporary name and renamed.  0 or -1 with *err. */
int matrix_write_files(const char *dir, const struct matrix *m, char **err);

#endif
