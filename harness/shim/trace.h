/* The shim's trace writer (the reader is verify/trace.h; the format is
 * docs/trace.md): one JSON object per line, flushed per line, so a
 * crash or a kill loses at most the line being written.  Lines start
 * with "ord" (data frames only) and "t" (monotonic seconds since the
 * shim started). */
#ifndef TPMFAULT_SHIM_TRACE_H
#define TPMFAULT_SHIM_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "tpm/frame.h"
#include "util/json.h"

struct trace_writer {
    FILE *f;
    struct json j;
    double t0;   /* CLOCK_MONOTONIC seconds at open */
};

int trace_open(struct trace_writer *tr, const char *path, char **err);
void trace_close(struct trace_writer *tr);

/* Begin a line: '{', then "ord" when ord > 0, then "t".  Add fields with
 * the json_* calls on the returned writer, then trace_end(). */
struct json *trace_begin(struct trace_writer *tr, uint64_t ord);
void trace_end(struct trace_writer *tr);

/* {"t":..,"event":"error","what":"..."} */
void trace_error(struct trace_writer *tr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* key: {"sha1":"<hex>","sha256":..} with one member per digest. */
void trace_digests(struct json *j, const char *key,
                   const struct pcr_digests *d);

/* "0x%08x" into buf[11]. */
const char *trace_hex32(char *buf, uint32_t v);

#endif
