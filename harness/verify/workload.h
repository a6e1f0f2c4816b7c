/* The guest agent's workload (scripts/guest/agent.sh): list entry k > 0 is
 * the measurement of WORKLOAD_FILE "k", e.g. /work/file3. */
#ifndef TPMFAULT_WORKLOAD_H
#define TPMFAULT_WORKLOAD_H

#include <stdio.h>

#define WORKLOAD_FILE "/work/file"

static inline void workload_file(char *buf, size_t size, long k)
{
    snprintf(buf, size, WORKLOAD_FILE "%ld", k);
}

#endif
