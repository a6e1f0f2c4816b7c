#include "explore/record.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomicfile.h"
#include "util/err.h"
#include "util/json.h"
#include "util/jsonread.h"
#include "util/str.h"
#include "util/textfile.h"

struct explore_run *explore_log_add(struct explore_log *log)
{
    if (log->n == log->cap) {
        size_t cap = log->cap ? 2 * log->cap : 64;
        struct explore_run *grown = realloc(log->runs, cap * sizeof(*grown));
        if (!grown)
            return NULL;
        log->runs = grown;
        log->cap = cap;
    }
    struct explore_run *r = &log->runs[log->n++];
    memset(r, 0, sizeof(*r));
    return r;
}

void explore_log_free(struct explore_log *log)
{
    for (size_t i = 0; i < log->n; i++)
        free(log->runs[i].placement);
    free(log->runs);
    log->runs = NULL;
    log->n = log->cap = 0;
}

size_t explore_class_count(const struct explore_log *log, size_t i, bool *first)
{
    size_t count = 0;
    *first = true;
    for (size_t j = 0; j < log->n; j++) {
        bool same = strcmp(log->runs[j].cls, log->runs[i].cls) == 0;
        count += same;
        *first = *first && !(same && j < i);
    }
    return count;
}

static void write_run(struct json *j, const struct explore_run *r)
{
    char report[64];
    str_fmt(report, sizeof(report), "runs/%s/report.json", r->name);
    json_obj_begin(j, NULL);
    json_uint(j, "index", r->index);
    json_str(j, "name", r->name);
    json_str(j, "placement", r->placement);
    json_uint(j, "seed", r->run_seed);
    json_str(j, "class", r->cls);
    json_str(j, "verdict", r->verdict);
    json_str(j, "problem", r->problem[0] ? r->problem : NULL);
    json_obj_begin(j, "invariants");
    for (size_t i = 0; i < n_invariants; i++)
        json_str(j, invariants[i].name, inv_result_name(r->inv[i]));
    json_obj_end(j);
    json_double(j, "wall_s", r->wall_s);
    json_str(j, "report", report);
    json_obj_end(j);
}

static void write_summary(FILE *out, const void *ctx)
{
    const struct explore_log *log = ctx;
    struct json j;
    json_init(&j, out, true);
    json_obj_begin(&j, NULL);
    json_uint(&j, "seed", log->seed);
    json_str(&j, "kernel", log->kernel[0] ? log->kernel : NULL);
    json_uint(&j, "runs_done", log->n);
    json_str(&j, "stopped", log->stopped);
    json_double(&j, "wall_s", log->wall_s);
    json_double(&j, "runs_per_minute", log->wall_s > 0 ? 60.0 * log->n / log->wall_s : 0);
    json_arr_begin(&j, "runs");
    for (size_t i = 0; i < log->n; i++)
        write_run(&j, &log->runs[i]);
    json_arr_end(&j);
    json_obj_end(&j);
    fputc('\n', out);
}

int explore_log_write(const char *dir, const struct explore_log *log, char **err)
{
    return atomic_write(dir, "summary.json", write_summary, log, err);
}

static enum inv_result result_named(const char *s)
{
    for (int r = INV_HOLDS; r <= INV_UNKNOWN; r++)
        if (s && strcmp(s, inv_result_name((enum inv_result)r)) == 0)
            return (enum inv_result)r;
    return INV_UNKNOWN;
}

static int copy_str(const struct jv *o, const char *key, char *buf, size_t size)
{
    const char *s = jv_get_str(o, key);
    return str_fmt(buf, size, "%s", s ? s : "");
}

static int read_run(const struct jv *e, struct explore_log *log)
{
    struct explore_run *r = explore_log_add(log);
    const struct jv *inv = jv_get(e, "invariants");
    const char *placement = jv_get_str(e, "placement");
    if (!r || jv_get_u64(e, "index", &r->index) < 0 ||
        jv_get_u64(e, "seed", &r->run_seed) < 0 || !placement ||
        copy_str(e, "name", r->name, sizeof(r->name)) < 0 || !r->name[0] ||
        copy_str(e, "class", r->cls, sizeof(r->cls)) < 0 || !r->cls[0] ||
        copy_str(e, "verdict", r->verdict, sizeof(r->verdict)) < 0 ||
        copy_str(e, "problem", r->problem, sizeof(r->problem)) < 0 ||
        !inv || inv->type != JV_OBJ)
        return -1;
    r->placement = strdup(placement);
    r->wall_s = jv_get_num(e, "wall_s", 0);
    for (size_t i = 0; i < n_invariants; i++)
        r->inv[i] = result_named(jv_get_str(inv, invariants[i].name));
    return r->placement ? 0 : -1;
}

static int read_top(const struct jv *top, struct explore_log *log,
                    const char *path, char **err)
{
    const struct jv *runs = jv_get(top, "runs");
    if (jv_get_u64(top, "seed", &log->seed) < 0)
        return err_set(err, "%s: 'seed': missing or not a number", path);
    if (copy_str(top, "kernel", log->kernel, sizeof(log->kernel)) < 0)
        return err_set(err, "%s: 'kernel': too long", path);
    log->wall_s = jv_get_num(top, "wall_s", 0);
    if (!runs || runs->type != JV_ARR)
        return err_set(err, "%s: 'runs': missing or not an array", path);
    size_t i = 0;
    for (const struct jv *e = runs->child; e; e = e->next, i++)
        if (e->type != JV_OBJ || read_run(e, log) < 0)
            return err_set(err, "%s: runs[%zu]: a field is missing or bad", path, i);
    return 0;
}

int explore_log_read(const char *dir, struct explore_log *log, char **err)
{
    char path[PATH_MAX];
    memset(log, 0, sizeof(*log));
    if (str_fmt(path, sizeof(path), "%s/summary.json", dir) < 0)
        return err_set(err, "%s: path too long", dir);
    char *text = text_file_read(path, err);
    if (!text)
        return -1;
    struct jv *top = jv_parse(text, err);
    free(text);
    if (!top)
        return err_prefix(err, "%s", path);
    int rc = read_top(top, log, path, err);
    jv_free(top);
    if (rc < 0)
        explore_log_free(log);
    return rc;
}
