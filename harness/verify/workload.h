/* The guest agent's workload (scripts/guest/agent.sh): list entry k > 0 is
 * the measurement of WORKLOAD_FILE "k", e.g. /work/file3. */
#ifndef TPMFAULT_WORKLOAD_H
#define TPMFAULT_WORKLOAD_H

#include <stdio.h>

#define WORKLOAD_FILE "/work/file"
/* [run] files is at most this: entry indices run 0..WORKLOAD_MAX_FILES */
#define WORKLOAD_MAX_FILES 10000

static inline void workload_file(char *buf, size_t size, long k)
{
    snprintf(buf, size, WORKLOAD_FILE "%ld", k);
}

#endif
