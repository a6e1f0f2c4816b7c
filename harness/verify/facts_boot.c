/* The boot_aggregate fact: what entry 0 is, from the trace's firmware
 * extends (boot_aggregate.h). */
#include "verify/facts_boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/boot_aggregate.h"
#include "verify/replay_trace.h"

/* The bank of "sha256:hex"; the old "ima" template's digest is sha1. */
static const struct alg_info *aggregate_alg(const char *ba)
{
    char name[16];
    size_t n = strcspn(ba, ":");
    if (n == 0)
        return alg_by_name("sha1");
    if (n >= sizeof(name) || ba[n] != ':')
        return NULL;
    memcpy(name, ba, n);
    name[n] = '\0';
    return alg_by_name(name);
}

void facts_boot_aggregate(struct facts *f)
{
    struct trace_scan ts;
    memset(&ts, 0, sizeof(ts));
    f->boot_aggregate_kind = BA_UNKNOWN;
    if (!f->boot_aggregate[0])
        return;
    const struct alg_info *a = aggregate_alg(f->boot_aggregate);
    if (!a) {
        f->boot_aggregate_kind = BA_OTHER;
        snprintf(f->boot_aggregate_why, sizeof(f->boot_aggregate_why),
                 "a digest of an unknown bank");
        return;
    }
    /* no trace (no TPM device): the firmware PCRs stay unknown */
    if (f->have_trace)
        trace_scan(&f->trace, &ts);
    f->boot_aggregate_kind = boot_aggregate_judge(
        &ts.boot, a->bank, f->boot_aggregate_digest, f->boot_aggregate_len,
        f->boot_aggregate_why, sizeof(f->boot_aggregate_why));
}
