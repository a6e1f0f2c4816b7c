#include "faults/prefix.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tpm/frame.h"
#include "trace/format.h"
#include "util/err.h"
#include "util/jsonread.h"
#include "util/num.h"

/* A command line's frame as the engine saw it.  Its identity (a hash of
 * its bytes) is not in the trace: 0 never makes a frame a resend, which
 * is what the boot has (no fault answered TPM_RC_RETRY in it). */
static int cmd_frame(const struct jv *line, struct fault_frame *f)
{
    const char *cc = jv_get_str(line, TRACE_K_CC);
    uint64_t v;
    if (!cc || num_parse(cc, UINT32_MAX, &v) < 0)
        return -1;
    f->cc = (uint32_t)v;
    f->pcr = (int)jv_get_int(line, TRACE_K_PCR, 0, TPM2_MAX_PCR, FAULT_PCR_ANY);
    f->ordinal = (uint64_t)jv_get_int(line, TRACE_K_ORD, 1, INT64_MAX, 0);
    f->id = 0;
    return f->ordinal ? 0 : -1;
}

/* One prefix line through the engine. */
static int take(struct fault_engine *e, const struct jv *line, const char *where,
                struct prefix_state *st, char **err)
{
    const char *dir = jv_get_str(line, TRACE_K_DIR);
    st->last_t = jv_get_num(line, TRACE_K_T, st->last_t);
    if (!dir)
        return 0;
    if (trace_dir_of(dir) == TRACE_DIR_RSP) {
        const char *rc = jv_get_str(line, TRACE_K_RC);
        uint64_t v;
        if (rc && num_parse(rc, UINT32_MAX, &v) == 0)
            fault_note_answer(e, (uint32_t)v);
        return 0;
    }
    struct fault_frame f;
    struct fault_decision d;
    if (trace_dir_of(dir) != TRACE_DIR_CMD || cmd_frame(line, &f) < 0)
        return err_set(err, "%s: not a command line of a trace", where);
    if (jv_get(line, TRACE_K_FAULT))
        return err_set(err, "%s: a fault fired while the snapshot was made", where);
    fault_decide(e, &f, &d);
    if (d.action != FA_NONE) {
        const char *name = jv_get_str(line, TRACE_K_NAME);
        return err_set(err, "fault rule '%s' fires on frame %llu (%s) of the "
                       "snapshot's boot (%s): the run needs a fresh boot",
                       e->rules[d.rule].name, (unsigned long long)f.ordinal,
                       name ? name : "?", where);
    }
    st->frames++;
    if (f.ordinal > st->last_ord)
        st->last_ord = f.ordinal;
    return 0;
}

int prefix_replay(struct fault_engine *e, const char *path, FILE *out,
                  struct prefix_state *st, char **err)
{
    memset(st, 0, sizeof(*st));
    FILE *f = fopen(path, "r");
    if (!f)
        return err_errno(err, "snapshot trace %s", path);
    char *text = NULL, where[64 + 4096];
    size_t cap = 0;
    int rc = 0;
    for (unsigned n = 1; rc == 0 && getline(&text, &cap, f) > 0; n++) {
        char *perr = NULL;
        struct jv *line = jv_parse(text, &perr);
        snprintf(where, sizeof(where), "%s:%u", path, n);
        if (!line)
            rc = err_set(err, "%s: %s", where, perr);
        else
            rc = take(e, line, where, st, err);
        free(perr);
        jv_free(line);
        if (rc == 0 && out && fputs(text, out) < 0)
            rc = err_errno(err, "copying %s", where);
    }
    if (rc == 0 && ferror(f))
        rc = err_errno(err, "reading %s", path);
    free(text);
    fclose(f);
    return rc;
}
