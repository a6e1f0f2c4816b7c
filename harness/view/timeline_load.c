/* Reading a report directory for the timeline, with the verifier's own
 * readers: the trace (verify/trace), the list (verify/entries, replayed in
 * the banks IMA extended), dmesg (verify/dmesg); then the explanation. */
#include "view/timeline.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/str.h"

static void note_problem(struct timeline *tl, const char *what)
{
    size_t used = strlen(tl->problem);
    what = what ? what : "out of memory";
    snprintf(tl->problem + used, sizeof(tl->problem) - used, "%s%s",
             used ? "; " : "", what);
}

/* 1 when dir/name exists, 0 when not, -1 (problem noted) when the path
 * does not fit. */
static int path_in(struct timeline *tl, const char *dir, const char *name,
                   char *path, size_t size)
{
    if (str_fmt(path, size, "%s/%s", dir, name) < 0) {
        note_problem(tl, "report directory path too long");
        return -1;
    }
    return access(path, F_OK) == 0;
}

static void read_trace(struct timeline *tl, const char *dir)
{
    char path[4096], *err = NULL;
    if (path_in(tl, dir, "trace.jsonl", path, sizeof(path)) <= 0)
        return;
    if (trace_load(path, &tl->trace, &err) < 0) {
        note_problem(tl, err);
        free(err);
        return;
    }
    tl->have_trace = true;
}

static void read_dmesg(struct timeline *tl, const char *dir)
{
    char path[4096], *err = NULL;
    if (path_in(tl, dir, "dmesg.txt", path, sizeof(path)) <= 0)
        return;
    FILE *in = fopen(path, "r");
    if (!in) {
        err_errno(&err, "%s", path);
        note_problem(tl, err);
        free(err);
        return;
    }
    dmesg_scan(in, &tl->dm);
    fclose(in);
    tl->have_dmesg = true;
}

/* The banks every PCR 10 extend carried (what IMA extends); sha1 alone
 * when there were none (TPM-bypass: the list still has sha1 digests). */
static unsigned extended_banks(const struct trace *t)
{
    unsigned banks = t->n_ext ? ~0u : 1u << BANK_SHA1;
    for (size_t i = 0; i < t->n_ext; i++)
        banks &= trace_ext(t, i)->bank_mask;
    return banks ? banks : 1u << BANK_SHA1;
}

static void read_list(struct timeline *tl, const char *dir)
{
    char path[4096], *err = NULL;
    if (path_in(tl, dir, "binary_runtime_measurements", path, sizeof(path)) <= 0)
        return;
    unsigned banks = extended_banks(&tl->trace);
    unsigned padded = tl->dm.hash_unavailable & banks;
    if (list_entries_load(path, banks, padded, &tl->le, &err) < 0) {
        note_problem(tl, err);
        free(err);
        return;
    }
    tl->have_list = true;
}

int timeline_load(const char *dir, struct timeline *tl, char **err)
{
    memset(tl, 0, sizeof(*tl));
    read_trace(tl, dir);
    read_dmesg(tl, dir);
    read_list(tl, dir);
    if (!tl->have_trace && !tl->have_list && !tl->have_dmesg && !tl->problem[0])
        note_problem(tl, "no trace.jsonl, binary_runtime_measurements or "
                     "dmesg.txt: not a run's report directory");
    if (tl->have_list && tl->have_trace && tl->trace.have_truth) {
        explain_run(&tl->le, &tl->trace, &tl->x);
        tl->have_explanation = true;
    }
    char *why = NULL;
    if (timeline_build(tl, &why) < 0) {
        note_problem(tl, why);
        free(why);
    }
    if (tl->problem[0])
        return err_set(err, "%s: %s", dir, tl->problem);
    return 0;
}

void timeline_free(struct timeline *tl)
{
    trace_free(&tl->trace);
    list_entries_free(&tl->le);
    free(tl->rows);
    free(tl->entries);
    tl->rows = NULL;
    tl->entries = NULL;
    tl->n_rows = tl->n_entries = 0;
}
