#include "verify/replay_trace.h"

#include "util/err.h"

#include <string.h>

/* An extend of a boot PCR that swtpm executed, folded into s->boot. */
static void fold_boot(struct trace_scan *s, const struct trace_cmd *c)
{
    for (int b = 0; b < BANK_COUNT; b++) {
        if (!(c->bank_mask & (1u << b)))
            continue;
        alg_extend((enum bank)b, s->boot.v[b][c->pcr], c->digest[b]);
        s->boot.have[b] = (1u << BOOT_PCRS) - 1;  /* all start at zero */
    }
}

void trace_scan(const struct trace *t, struct trace_scan *s)
{
    bool ima_started = false;    /* a PCR 10 extend was seen */
    memset(s, 0, sizeof *s);
    for (size_t i = 0; i < t->n_cmds; i++) {
        const struct trace_cmd *c = &t->cmds[i];
        bool executed = c->answered && c->tpm_rc == 0;   /* swtpm's own answer */
        if (trace_cmd_is_quote(t, c)) {
            if (executed) {
                s->have_quote = true;
                s->quote_ord = c->ord;
            }
        } else if (trace_cmd_is_extend(t, c) && c->pcr == 10) {
            ima_started = true;
        } else if (trace_cmd_is_extend(t, c) && c->pcr >= 0 &&
                   c->pcr < BOOT_PCRS && !ima_started && executed) {
            fold_boot(s, c);
        }
    }
}

int trace_scan_file(const char *path, struct trace_scan *s, char **err)
{
    struct trace t;
    memset(s, 0, sizeof *s);
    if (trace_load(path, &t, err) < 0)
        return -1;
    trace_scan(&t, s);
    trace_free(&t);
    return 0;
}
