/* The timeline's cells in words (terminal, console and report.html). */
#ifndef TPMFAULT_TIMELINE_WORDS_H
#define TPMFAULT_TIMELINE_WORDS_H

#include <stddef.h>

#include "view/timeline.h"

/* "applied", "not applied", "reached", "kept from swtpm". */
const char *tl_swtpm_text(const struct tl_row *r);
/* The response code the guest saw, by name: "TPM_RC_RETRY", "-" when it
 * had no answer. */
const char *tl_guest_text(const struct timeline *tl, const struct tl_row *r,
                          char *buf, size_t n);
/* "third-file (error)", "" when no rule fired. */
const char *tl_rule_text(const struct tl_row *r, char *buf, size_t n);
/* "0.0 ms", "754.9 ms, held 754.8 ms", "no answer". */
const char *tl_latency_text(const struct tl_row *r, char *buf, size_t n);
/* "never", "once", "twice", "3 times". */
const char *tl_times_text(unsigned times, char *buf, size_t n);
/* The row's list entry: "3", "3 (resend 1)", "?" (an extend no entry
 * matched), "" (not an extend). */
const char *tl_entry_label(const struct timeline *tl, const struct tl_row *r,
                           char *buf, size_t n);
/* The kernel's error lines given to the entry: "TPM error, result -62". */
const char *tl_kernel_text(const struct tl_entry *e, char *buf, size_t n);

#endif
