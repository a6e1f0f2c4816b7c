/* What really happened, beyond report.json: boot_aggregate as the firmware's
 * extends (the shim's trace) make it. */
#ifndef TPMFAULT_EXPLORE_TRUTH_H
#define TPMFAULT_EXPLORE_TRUTH_H

#include <stddef.h>

/* The aggregate of PCRs 0-9 as swtpm held them at IMA's first extend (the
 * run's trace.jsonl in dir), in the algorithm of claimed ("sha256:hex", the
 * list's boot_aggregate), into out in the same form.  0, or -1 with *err
 * (no trace, a PCR the trace does not give, an unknown algorithm). */
int boot_aggregate_truth(const char *dir, const char *claimed, char *out,
                         size_t size, char **err);

#endif
