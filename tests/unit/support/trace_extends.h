/* A struct trace made in a test, as trace_load would read it from a trace
 * of n PCR 10 extends and nothing else (tests that check what the verifier
 * makes of given extends, without writing a trace file). */
#ifndef TPMFAULT_TEST_TRACE_EXTENDS_H
#define TPMFAULT_TEST_TRACE_EXTENDS_H

#include <stddef.h>

#include "verify/trace.h"

/* t with n TPM2_PCR_Extend commands of PCR 10 at ordinals first_ord, +1,
 * ...: each forwarded and answered TPM_RC_SUCCESS, no banks yet.  Returns
 * t->cmds for the caller to fill in; trace_free releases it. */
struct trace_cmd *trace_extends(struct trace *t, size_t n, unsigned first_ord);

#endif
