/* The boot_aggregate fact: what entry 0 is, from the trace's firmware
 * extends (boot_aggregate.h). */
#include "verdict/facts_boot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify/boot_aggregate.h"
#include "verify/replay_trace.h"

void facts_boot_aggregate(struct facts *f)
{
    struct trace_scan ts;
    memset(&ts, 0, sizeof(ts));
    f->boot_aggregate_kind = BA_UNKNOWN;
    if (!f->boot_aggregate[0])
        return;
    const struct alg_info *a = f->boot_aggregate_alg;
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
