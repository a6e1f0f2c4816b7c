#include "explore/class.h"

#include <stdio.h>
#include <string.h>

#include "explore/invariants.h"
#include "util/str.h"

enum shape {
    SH_NONE, SH_MISSING, SH_MISSING_NEXT, SH_MISSING_TAIL, SH_DOUBLED,
    SH_MISSING_DOUBLED, SH_UNEXPLAINED, N_SHAPES
};
static const char *const shapes[N_SHAPES] = {
    "none", "missing", "missing-next", "missing-tail", "doubled",
    "missing-doubled", "unexplained",
};
static const char *const shape_what[N_SHAPES] = {
    "PCR 10 holds every entry of the list once",
    "entries before the list's last one are missing from PCR 10",
    "an entry is missing from PCR 10 right after one the kernel logged an "
    "error for although that one reached the PCR: the error names the wrong "
    "measurement",
    "only the list's last entries are missing from PCR 10",
    "an entry was extended into PCR 10 twice",
    "entries are missing from PCR 10 and others were extended twice",
    "the trace does not explain PCR 10",
};
/* the words of a class that are neither a shape nor an invariant */
static const char *const others[] = { "ok", "broken", "skip" };

/* An entry missing from PCR 10 right after one the kernel logged an error
 * for although that one reached the PCR: the error names the wrong
 * measurement (a response held past the driver's deadline keeps QEMU's
 * worker busy, and the next extend never reaches the TPM). */
static bool next_lost(const struct run_facts *rf)
{
    for (size_t i = 0; i < rf->not_in_pcr.n; i++) {
        int64_t k = rf->not_in_pcr.v[i] - 1;
        if (k >= 0 && rf_has(&rf->error_entries, k) && !rf_has(&rf->not_in_pcr, k) &&
            !rf_has(&rf->applied_twice, k))
            return true;
    }
    return false;
}

static enum shape shape_of(const struct run_facts *rf)
{
    if (!rf->explained)
        return SH_UNEXPLAINED;
    bool lost = rf->not_in_pcr.n > 0, twice = rf->applied_twice.n > 0;
    if (lost && twice)
        return SH_MISSING_DOUBLED;
    if (twice)
        return SH_DOUBLED;
    if (!lost)
        return SH_NONE;
    return next_lost(rf) ? SH_MISSING_NEXT : rf_only_tail(rf) ? SH_MISSING_TAIL : SH_MISSING;
}

const char *class_shape(const struct run_facts *rf)
{
    return shapes[shape_of(rf)];
}

static bool in(const char *const *names, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(names[i]) == len && strncmp(names[i], s, len) == 0)
            return true;
    return false;
}

bool class_word_known(const char *s, size_t len)
{
    if (in(shapes, N_SHAPES, s, len) || in(others, sizeof(others) / sizeof(others[0]), s, len))
        return true;
    for (size_t i = 0; i < n_invariants; i++)
        if (in(&invariants[i].name, 1, s, len))
            return true;
    return false;
}

/* "# HEAD: TEXT." folded before column 78, later lines indented. */
static void put_comment(FILE *out, const char *head, const char *text)
{
    char line[512];
    size_t col = 1;
    str_fmt(line, sizeof(line), "%s: %s.", head, text);
    fputc('#', out);
    for (const char *w = line; *w;) {
        size_t n = strcspn(w, " ");
        if (col > 1 && col + 1 + n > 77) {
            fputs("\n#  ", out);
            col = 3;
        }
        fprintf(out, " %.*s", (int)n, w);
        col += 1 + n;
        w += n + strspn(w + n, " ");
    }
    fputc('\n', out);
}

void class_describe(FILE *out, const char *cls)
{
    char head[64];
    size_t len = strcspn(cls, ".");
    for (size_t i = 0; i < N_SHAPES; i++)
        if (strlen(shapes[i]) == len && strncmp(shapes[i], cls, len) == 0)
            put_comment(out, shapes[i], shape_what[i]);
    for (const char *p = strchr(cls, '.'); p; p = strchr(p, '.')) {
        len = strcspn(++p, ".");
        for (size_t i = 0; i < n_invariants; i++)
            if (strlen(invariants[i].name) == len && strncmp(invariants[i].name, p, len) == 0) {
                str_fmt(head, sizeof(head), "%s violated", invariants[i].name);
                put_comment(out, head, invariants[i].violated);
            }
    }
}

int class_name(const struct run_facts *rf, char *buf, size_t size)
{
    if (str_fmt(buf, size, "%s", class_shape(rf)) != 0)
        return -1;
    size_t before = strlen(buf);
    for (size_t i = 0; i < n_invariants; i++) {
        if (invariants[i].check(rf) != INV_VIOLATED)
            continue;
        size_t len = strlen(buf);
        if (str_fmt(buf + len, size - len, ".%s", invariants[i].name) != 0)
            return -1;
    }
    if (strlen(buf) == before) {
        size_t len = strlen(buf);
        return str_fmt(buf + len, size - len, ".ok");
    }
    return 0;
}
