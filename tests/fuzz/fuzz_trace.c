/* The trace readers: verify/trace.c trace_load and replay_trace.c
 * trace_scan_file over a trace.jsonl (through a memfd: they take a path),
 * the exact comparison of a real list (the baseline run's, from the imalist
 * seeds) with what they read (replay_trace_exact), and util/jsonread.c
 * jv_parse over the whole input as one JSON text.
 *
 * Contract: the error convention; a rejected line is named "PATH:LINE:"
 * and a JSON error names its offset, within the text; the counts agree
 * (extends <= commands, applied <= extends, applied <= sent); every string
 * member the reader keeps is NUL-terminated within its array; the exact
 * comparison is described in a NUL-terminated line. */
#include "fuzz.h"

#include <sys/mman.h>
#include <unistd.h>

#include "util/jsonread.h"
#include "verify/replay_trace.h"
#include "verify/trace.h"

static int memfd = -1;
static char path[64];

static void check_json(const uint8_t *data, size_t size)
{
    char *text = fuzz_str(data, size);
    char *err = NULL;
    struct jv *v = jv_parse(text, &err);
    FUZZ_CHECK((v && !err) || (!v && err), "jv_parse: %p, '%s'", (void *)v,
               err ? err : "(null)");
    if (!v) {
        const char *at = strstr(err, "offset ");
        FUZZ_CHECK(at, "no offset in '%s'", err);
        unsigned long off = strtoul(at + 7, NULL, 10);
        FUZZ_CHECK(off <= strlen(text), "offset %lu past the text (%zu)",
                   off, strlen(text));
    } else {
        /* the accessors on whatever came back */
        (void)jv_get_str(v, "event");
        (void)jv_get_num(v, "ord", 0);
    }
    jv_free(v);
    free(err);
    free(text);
}

/* The list the trace is compared with: the baseline run's (its seed
 * starts with the imalist target's selector byte). */
static void check_exact(const struct trace *t)
{
    static uint8_t *list;
    static size_t n;
    if (!list)
        fuzz_read_file("tests/fuzz/corpus/imalist", "run-baseline", &list, &n);
    struct trace_scan sc;
    char *err = NULL;
    int rc = trace_scan_file(path, &sc, &err);
    FUZZ_CHECK(rc == 0 && !err, "trace_scan_file: %s", err ? err : "");
    struct replay_src src = { .p = list + 1, .n = n - 1, .digest_len = 20 };
    struct replay_opts o = { .banks = (1u << BANK_SHA1) | (1u << BANK_SHA256) };
    struct trace_exact x;
    rc = replay_trace_exact(&src, &o, t, &sc, NULL, 0, &x, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc == 0) {
        char line[512];
        memset(line, 'x', sizeof(line));
        trace_exact_describe(&x, line, sizeof(line));
        FUZZ_CHECK(memchr(line, 0, sizeof(line)), "description");
        FUZZ_CHECK(x.applied <= t->n_ext, "applied %zu of %zu extends",
                   x.applied, t->n_ext);
        FUZZ_CHECK(!x.exact || (x.expl.found && x.expl.first_divergent < 0),
                   "exact");
    }
    free(err);
}

static void check_trace(const uint8_t *data, size_t size)
{
    if (memfd < 0) {
        memfd = memfd_create("trace.jsonl", 0);
        if (memfd < 0)
            abort();
        snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
    }
    if (ftruncate(memfd, 0) < 0 || pwrite(memfd, data, size, 0) != (ssize_t)size)
        abort();
    struct trace t;
    char *err = NULL;
    int rc = trace_load(path, &t, &err);
    FUZZ_CHECK_ERR(rc, err);
    if (rc < 0) {
        size_t plen = strlen(path);
        FUZZ_CHECK(strncmp(err, path, plen) == 0 && err[plen] == ':' &&
                   err[plen + 1] >= '1' && err[plen + 1] <= '9',
                   "'%s' does not name the line", err);
        FUZZ_CHECK(t.ext == NULL && t.faults == NULL, "freed on error");
        free(err);
        return;
    }
    FUZZ_CHECK(t.n_ext <= t.frames && t.n_faults <= t.frames,
               "%zu extends, %zu faults, %u commands", t.n_ext, t.n_faults,
               t.frames);
    FUZZ_CHECK(trace_applied_count(&t) <= t.n_ext, "applied");
    FUZZ_CHECK(memchr(t.first_error, 0, sizeof(t.first_error)), "first_error");
    for (size_t i = 0; i < t.n_faults; i++) {
        const struct trace_fault *f = &t.faults[i];
        FUZZ_CHECK(memchr(f->rule, 0, sizeof(f->rule)) &&
                   memchr(f->action, 0, sizeof(f->action)) &&
                   memchr(f->command, 0, sizeof(f->command)), "fault strings");
        int a = trace_ord_applied(&t, f->ord);
        FUZZ_CHECK(a >= -1 && a <= 1, "trace_ord_applied %d", a);
    }
    check_exact(&t);
    trace_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_trace(data, size);
    check_json(data, size);
    return 0;
}
