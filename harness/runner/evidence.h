/* The guest agent's report over the second serial port: TPMFAULT lines
 * (phases, statuses, files in base64).  Decoding writes each file into the
 * report directory byte for byte. */
#ifndef TPMFAULT_EVIDENCE_H
#define TPMFAULT_EVIDENCE_H

#include <stdbool.h>

#define EV_MAX_STATUS 32

struct ev_status {
    char name[32];
    int rc;
};

struct evidence {
    bool booted;
    bool workload_done;
    bool done;                     /* the agent finished and powered off */
    char kernel[128];              /* uname -r */
    char uname[256];               /* uname -r -v */
    int files_read;                /* workload reads that returned 0 */
    int files_failed;              /* workload reads that did not */
    int n_files;                   /* evidence files written */
    struct ev_status status[EV_MAX_STATUS];
    int n_status;
    char problem[200];             /* first malformed thing seen, if any */
};

/* Decode the capture at serial_path into files under outdir.  A capture
 * cut short is not an error: what arrived is kept and ev says how far the
 * guest got.  Returns -1 only when the capture cannot be read. */
int evidence_decode(const char *serial_path, const char *outdir,
                    struct evidence *ev, char **err);

/* The status code for name, or -1 when the agent never reported it. */
int evidence_status(const struct evidence *ev, const char *name);

#endif
