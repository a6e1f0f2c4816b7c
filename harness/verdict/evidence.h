/* The guest agent's report over the second serial port: TPMFAULT lines
 * (phases, statuses, files in base64).  Decoding writes each file into the
 * report directory byte for byte. */
#ifndef TPMFAULT_EVIDENCE_H
#define TPMFAULT_EVIDENCE_H

#include <stdbool.h>

#define EV_MAX_STATUS 32
#define EV_MAX_MARKS 16

/* "TPMFAULT mark NAME SECONDS": the guest's uptime as the agent passed a
 * point of its run (phases.h names them). */
struct ev_mark {
    char name[32];
    double uptime;
};

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
    struct ev_mark mark[EV_MAX_MARKS];
    int n_marks;
    char problem[200];             /* first malformed thing seen, if any */
};

/* Decode the capture at serial_path into files under outdir.  A capture
 * cut short is not an error: what arrived is kept and ev says how far the
 * guest got.  Returns -1 only when the capture cannot be read. */
int evidence_decode(const char *serial_path, const char *outdir,
                    struct evidence *ev, char **err);

/* The status code for name, or -1 when the agent never reported it. */
int evidence_status(const struct evidence *ev, const char *name);

/* The uptime of the mark called name, or -1 when the agent never passed it. */
double evidence_mark(const struct evidence *ev, const char *name);
/* Parse a mark line's arguments ("NAME SECONDS"); false when malformed. */
bool evidence_parse_mark(const char *args, struct ev_mark *m);

#endif
