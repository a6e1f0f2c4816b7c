/* The shim's trace writer (the reader is verify/trace.h; keys and values
 * are trace/format.h's, documented in docs/trace.md): one JSON object per
 * line, flushed per line, so a crash or a kill loses at most the line
 * being written.  Lines start with TRACE_K_ORD (lines about a command
 * only) and TRACE_K_T (monotonic seconds since the shim started). */
#ifndef TPMFAULT_SHIM_TRACE_H
#define TPMFAULT_SHIM_TRACE_H

#include <stdint.h>
#include <stdio.h>

#include "tpm/frame.h"
#include "trace/format.h"
#include "util/json.h"

struct trace_writer {
    FILE *f;
    struct json j;
    double t0;   /* CLOCK_MONOTONIC seconds at open */
};

int trace_open(struct trace_writer *tr, const char *path, char **err);
void trace_close(struct trace_writer *tr);

/* Begin a line: '{', then TRACE_K_ORD when ord > 0, then TRACE_K_T.  Add
 * fields with the json_* calls on the returned writer, then trace_end(). */
struct json *trace_begin(struct trace_writer *tr, uint64_t ord);
void trace_end(struct trace_writer *tr);
/* Begin an event line (TRACE_K_EVENT). */
struct json *trace_event(struct trace_writer *tr, uint64_t ord,
                         enum trace_event ev);
/* Begin a frame line: TRACE_K_DIR, TRACE_K_CC, TRACE_K_NAME. */
struct json *trace_frame(struct trace_writer *tr, uint64_t ord,
                         enum trace_dir dir, uint32_t cc, const char *name);
/* TRACE_K_FATE. */
void trace_fate(struct json *j, enum trace_fate f);

/* The error event: TRACE_K_WHAT, formatted. */
void trace_error(struct trace_writer *tr, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* key: {"sha1":"<hex>","sha256":..} with one member per digest. */
void trace_digests(struct json *j, const char *key,
                   const struct pcr_digests *d);

/* "0x%08x" into buf[11]: codes as the trace writes them. */
const char *trace_hex32(char *buf, uint32_t v);

#endif
