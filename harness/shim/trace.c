#include "shim/trace.h"

#include <stdarg.h>
#include <stdlib.h>

#include "util/err.h"
#include "util/hex.h"
#include "util/mono.h"

int trace_open(struct trace_writer *tr, const char *path, char **err)
{
    tr->f = fopen(path, "we");
    if (!tr->f)
        return err_errno(err, "trace file %s", path);
    json_init(&tr->j, tr->f, false);
    tr->t0 = mono_now();
    return 0;
}

void trace_close(struct trace_writer *tr)
{
    if (tr->f)
        fclose(tr->f);
    tr->f = NULL;
}

struct json *trace_begin(struct trace_writer *tr, uint64_t ord)
{
    json_init(&tr->j, tr->f, false);
    json_obj_begin(&tr->j, NULL);
    if (ord)
        json_uint(&tr->j, TRACE_K_ORD, ord);
    json_double(&tr->j, TRACE_K_T, mono_now() - tr->t0);
    return &tr->j;
}

struct json *trace_event(struct trace_writer *tr, uint64_t ord,
                         enum trace_event ev)
{
    struct json *j = trace_begin(tr, ord);
    json_str(j, TRACE_K_EVENT, trace_event_name(ev));
    return j;
}

struct json *trace_frame(struct trace_writer *tr, uint64_t ord,
                         enum trace_dir dir, uint32_t cc, const char *name)
{
    char hex[11];
    struct json *j = trace_begin(tr, ord);
    json_str(j, TRACE_K_DIR, trace_dir_name(dir));
    json_str(j, TRACE_K_CC, trace_hex32(hex, cc));
    json_str(j, TRACE_K_NAME, name);
    return j;
}

void trace_fate(struct json *j, enum trace_fate f)
{
    json_str(j, TRACE_K_FATE, trace_fate_name(f));
}

void trace_end(struct trace_writer *tr)
{
    json_obj_end(&tr->j);
    fputc('\n', tr->f);
    fflush(tr->f);
}

void trace_error(struct trace_writer *tr, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);
    struct json *j = trace_event(tr, 0, TRACE_EV_ERROR);
    json_str(j, TRACE_K_WHAT, msg ? msg : "(out of memory)");
    trace_end(tr);
    free(msg);
}

void trace_digests(struct json *j, const char *key,
                   const struct pcr_digests *d)
{
    char hex[2 * ALG_MAX_DIGEST + 1];
    json_obj_begin(j, key);
    for (unsigned i = 0; i < d->count; i++) {
        const struct alg_info *a = alg_by_bank(d->v[i].bank);
        hex_encode(d->v[i].d, a->size, hex);
        json_str(j, a->name, hex);
    }
    json_obj_end(j);
}

const char *trace_hex32(char *buf, uint32_t v)
{
    snprintf(buf, 11, "0x%08x", v);
    return buf;
}
