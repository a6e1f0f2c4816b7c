#include "trace_extends.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct trace_cmd *trace_extends(struct trace *t, size_t n, unsigned first_ord)
{
    memset(t, 0, sizeof(*t));
    t->truth_read_s = -1;
    t->cmds = calloc(n + 1, sizeof(*t->cmds));
    t->ext = calloc(n + 1, sizeof(*t->ext));
    if (!t->cmds || !t->ext)
        abort();
    t->n_cmds = t->cmds_cap = t->n_ext = t->cap = n;
    for (size_t i = 0; i < n; i++) {
        struct trace_cmd *c = &t->cmds[i];
        c->ord = first_ord + (unsigned)i;
        c->cc = TPM2_CC_PCR_EXTEND;
        snprintf(c->name, sizeof(c->name), "%s",
                 tpm_cc_name(c->cc, TPM_FAMILY_20));
        c->pcr = 10;
        c->t_rsp = c->t_release = -1;
        c->forwarded = c->answered = true;
        c->tpm_rc = c->guest_rc = 0;
        c->fault = -1;
        t->ext[i] = i;
    }
    t->frames = (unsigned)n;
    return t->cmds;
}
