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
        json_uint(&tr->j, "ord", ord);
    json_double(&tr->j, "t", mono_now() - tr->t0);
    return &tr->j;
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
    struct json *j = trace_begin(tr, 0);
    json_str(j, "event", "error");
    json_str(j, "what", msg ? msg : "(out of memory)");
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
