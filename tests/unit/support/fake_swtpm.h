/* A fake swtpm for the shim's unit tests (after QEMU's
 * tests/qtest/tpm-emu.c), and one shim session around it: the fake's
 * control thread listens in a private directory, the shim runs in a child
 * process (with the shim's own SIGINT/SIGTERM handling), and the test
 * plays QEMU on the session's sockets.  Every wait has a deadline.
 *
 * The fake reads each control request with exactly QEMU's length and
 * answers with the size QEMU reads: result 0, plus some caps for
 * GET_CAPABILITY, the established bit for GET_TPMESTABLISHED, the buffer
 * size for SET_BUFFERSIZE (as swtpm: the requested one within 10..4096,
 * or the current one for 0) and a 5-byte blob "BLOB!" for GET_STATEBLOB.
 * fake_set_*_fault makes it misbehave once (enum fake_fault).  Its data
 * side answers PCR_Read with sha256 = aa.. and anything else with a
 * 10-byte success (after rsp_delay_ms, when set).  Both sides log what
 * they received. */
#ifndef TPMFAULT_TEST_FAKE_SWTPM_H
#define TPMFAULT_TEST_FAKE_SWTPM_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "faults/engine.h"
#include "tpm/frame.h"

#define FAKE_TMO 5000        /* ms: one exchange */
#define FAKE_LOG_MAX 64
#define FAKE_BUFSIZE 4096    /* the data buffer; SET_BUFFERSIZE's maximum */

/* A misbehaviour of the fake for its next answer on one side (it behaves
 * again after it): what a broken or hostile swtpm could send. */
enum fake_fault {
    FAKE_OK,
    FAKE_SIZE_SMALL,  /* data: a header alone, size field 6 (< header) */
    FAKE_SIZE_BIG,    /* data: a header alone, size field 0x10000000 */
    FAKE_SHORT,       /* data: size field 100, 20 bytes sent, then silence;
                       * control: 2 bytes of the reply, then silence */
    FAKE_LONG,        /* the proper answer and 8 bytes more, one write */
    FAKE_CLOSE,       /* a few bytes, then that socket is shut down */
    FAKE_BAD_LEN,     /* control, GET_STATEBLOB: trailing length 0x7fffffff */
};

struct fake_swtpm {
    int lfd;
    pthread_t ctrl_thr, data_thr;
    bool data_started;
    int data_fd;                      /* swtpm's end of the data socket */
    pthread_mutex_t mu;               /* guards the logs below */
    uint32_t codes[FAKE_LOG_MAX];     /* control commands received */
    size_t lens[FAKE_LOG_MAX];        /* their payload lengths */
    int extra[FAKE_LOG_MAX];          /* bytes beyond the exact length */
    int n;
    uint32_t frames[FAKE_LOG_MAX];    /* data frames: command codes */
    size_t frame_lens[FAKE_LOG_MAX];
    uint64_t frame_ms[FAKE_LOG_MAX];  /* when each was answered (evloop ms) */
    int nframes;
    int rsp_delay_ms;                 /* work this long before answering */
    enum fake_fault data_fault, ctrl_fault;   /* for the next answer */
    uint32_t bufsize;                 /* SET_BUFFERSIZE's; 0: FAKE_BUFSIZE */
};

struct shim_session {
    char dir[64], listen[96], fake[96], trace[96];
    struct fake_swtpm fk;
    pid_t shim;  /* the shim's child process; 0 once reaped */
    int c;       /* control connection, as QEMU */
    int d;       /* data socket, as QEMU; -1 before SET_DATAFD */
    enum tpm_family family;   /* the shim's: how it reads the truth (set
                               * before session_start, which keeps it) */
};

/* Payload and reply sizes of a control command as QEMU writes and reads
 * them (tpm_emulator.c); -1 for a code the fake does not know. */
int fake_ctrl_sizes(uint32_t code, size_t *req, size_t *rsp);

/* Under the fake's lock: control commands and data frames so far, the
 * code of data frame i (negative: from the end), and how many data
 * frames had code cc. */
int fake_nctrl(struct fake_swtpm *f);
int fake_nframes(struct fake_swtpm *f);
uint32_t fake_frame(struct fake_swtpm *f, int i);
int fake_saw(struct fake_swtpm *f, uint32_t cc);
/* When the last data frame with code cc was answered (evloop_now_ms), or
 * 0 when none was; make the data side take ms before each answer. */
uint64_t fake_answered_ms(struct fake_swtpm *f, uint32_t cc);
void fake_set_rsp_delay(struct fake_swtpm *f, int ms);
/* Misbehave in the next data response / control reply. */
void fake_set_data_fault(struct fake_swtpm *f, enum fake_fault x);
void fake_set_ctrl_fault(struct fake_swtpm *f, enum fake_fault x);

/* Whether fd becomes readable within ms. */
int fd_readable(int fd, int ms);

/* Start the fake and a shim (deciding with eng, started; NULL: relay
 * everything) in a private directory named after name, and connect as
 * QEMU.  0, or -1 (session_end still cleans up). */
int session_start(struct shim_session *e, const char *name,
                  struct fault_engine *eng);
/* CMD_SET_DATAFD with a new socketpair, whose other end becomes e->d.
 * Returns the result, or -1 when the exchange failed. */
int64_t session_set_datafd(struct shim_session *e);
/* The same with the send buffer of the shim's end of the data socket set
 * to sndbuf bytes (the kernel's minimum when smaller): a QEMU that does
 * not read its responses soon makes the shim's writes wait. */
int64_t session_set_datafd_sndbuf(struct shim_session *e, int sndbuf);
/* A control command with a zero payload as QEMU sends it (sendfd >= 0
 * goes along as SCM_RIGHTS): its 4-byte result, or UINT32_MAX when the
 * exchange failed. */
uint32_t session_ctrl(struct shim_session *e, uint32_t code, int sendfd);
/* Wait up to ms for the shim to exit: its exit status, or -1 when it did
 * not exit normally in time. */
int session_wait_exit(struct shim_session *e, int ms);
/* The trace so far, in a static buffer. */
const char *session_trace(struct shim_session *e);
/* Kill the shim if still running, stop the fake, remove the directory. */
void session_end(struct shim_session *e);
/* cmocka's teardown for a session calloc'ed into *state: session_end,
 * then free. */
int session_teardown(void **state);

#endif
