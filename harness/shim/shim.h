/* The shim: QEMU's control connection and data fd on one side, swtpm's
 * control socket and a socketpair to it on the other.  Control and data
 * are separate state machines (ctrl.c, data.c) on one event loop. */
#ifndef TPMFAULT_SHIM_H
#define TPMFAULT_SHIM_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "shim/book.h"
#include "shim/ctrlcmd.h"
#include "shim/evloop.h"
#include "shim/hook.h"
#include "shim/trace.h"

#define SHIM_IO_MS        2000   /* one frame written, or a partial one completed */
#define SHIM_CTRL_RSP_MS  10000  /* swtpm answering a control command */
#define SHIM_IDLE_MS      2000   /* in-flight command before shutdown */
#define SHIM_TRUTH_MS     3000   /* the TPM's truth at shutdown, all reads */
#define SHIM_DEFAULT_BUFSIZE 4096
#define SHIM_MAX_BUFSIZE  65536
#define SHIM_TRUTH_PCR    10

struct shim_config {
    const char *listen_path;
    const char *swtpm_ctrl_path;
    const char *trace_path;
    unsigned deadline_ms;   /* swtpm connected and QEMU accepted by then */
    enum tpm_family family; /* swtpm's TPM: how the truth is read */
    unsigned tpm12_duration_ms;  /* 0, or cap the TIS durations a 1.2
                                  * reports to the guest */
};

struct data_relay {
    int qemu_fd, tpm_fd;    /* -1 until SET_DATAFD succeeded */
    uint32_t bufsize;       /* from CMD_SET_BUFFERSIZE; frame size limit */
    uint8_t cmd[SHIM_MAX_BUFSIZE];
    size_t cmd_have;
    uint8_t rsp[SHIM_MAX_BUFSIZE];
    size_t rsp_have;
    long long cmd_timer, rsp_timer;
    long long hold_timer;   /* ACT_DELAY(_RSP)'s wait or ACT_HOLD(_RSP)'s
                             * limit */
    struct relay_decision dec;   /* the in-flight command's */
    struct frame_book book;
    /* A frame going out (data.c): written as far as the peer takes it,
     * the rest through the loop, so control requests (a
     * CMD_CANCEL_TPM_CMD) are served while it waits. */
    struct {
        int fd;                  /* -1: no write in progress */
        bool to_tpm;             /* a command to swtpm, else a response */
        const uint8_t *p;        /* into cmd, rsp or answer */
        size_t n, done;
        long long timer;         /* SHIM_IO_MS for the whole frame */
    } out;
    uint8_t answer[TPM_HDR_SIZE];   /* the shim's own answers */
};

/* The in-flight command's frame is going out to swtpm, or its response to
 * QEMU, and the peer is slow to take it (the loop finishes the write). */
static inline bool data_writing(const struct data_relay *d)
{
    return d->out.fd >= 0;
}

enum ctrl_phase {
    CTRL_REQ,        /* reading QEMU's request */
    CTRL_RSP,        /* request forwarded, reading swtpm's response */
    CTRL_WAIT_IDLE,  /* shutdown or close waits for the data command */
};

struct ctrl_relay {
    int qemu_fd, tpm_fd;
    enum ctrl_phase phase;
    const struct ctrl_spec *spec;
    uint8_t *req, *rsp;
    size_t req_have, req_alloc, rsp_have, rsp_alloc;
    int fd_in;        /* fd that came with QEMU's request */
    int pair_keep;    /* our socketpair end while SET_DATAFD is answered */
    bool closing;     /* QEMU went away: truth, then exit without shutdown */
    long long req_timer, rsp_timer, idle_timer;
};

/* A run restored from a snapshot (--prefix, restore.c): until swtpm has
 * the snapshot's state (CMD_SET_STATEBLOB, then CMD_INIT), the frames are
 * the new QEMU's own probes, relayed without the fault rules. */
struct shim_restore {
    bool restoring, state_set;
    relay_decide_fn *decide;       /* the rules', in force once restored */
    relay_answered_fn *answered;
};

struct shim {
    struct shim_config cfg;
    struct shim_restore restore;
    struct evloop *loop;
    struct trace_writer trace;
    int listen_fd;
    long long start_timer, retry_timer;
    struct ctrl_relay ctrl;
    struct data_relay data;
    relay_decide_fn *decide;
    relay_answered_fn *answered;   /* NULL: nobody asks */
    void *decide_ctx;
    int exit_code;
};

/* Open the trace, listen, and start connecting to swtpm.  On failure
 * shim_fini() still releases what was set up. */
int shim_init(struct shim *s, const struct shim_config *cfg, char **err);
/* The stop signals (SIGINT, SIGTERM, SIGHUP: sig_install_stop's) set
 * the returned flag; they stay blocked except
 * while the shim waits (wait_mask: the loop's ppoll and io.c's waits), so
 * every wait ends at once on a stop signal.  SIGPIPE is ignored. */
volatile sig_atomic_t *shim_signals_install(sigset_t *wait_mask);
/* Serve one QEMU connection (its waits stop on *signalled, see
 * shim_signals_install).  Returns the process exit code. */
int shim_run(struct shim *s, const sigset_t *wait_mask,
             volatile sig_atomic_t *signalled);
void shim_fini(struct shim *s);
/* Stop the loop with this exit code (the first one set wins). */
void shim_finish(struct shim *s, int code);
/* Cancel the timer *t (if any) and clear it. */
void shim_timer_off(struct shim *s, long long *t);

/* ctrl.c */
void ctrl_start(struct shim *s, int qemu_fd);
/* The data channel has no command in flight any more. */
void ctrl_data_idle(struct shim *s);
void ctrl_close(struct shim *s);

/* data.c */
int data_start(struct shim *s, int qemu_fd, int tpm_fd);
void data_close(struct shim *s);
/* End a held command (why: TRACE_WHY_CANCEL, _HOLD_LIMIT, _SHUTDOWN): forward
 * it when its rule applies it late, else answer TPM_RC_CANCELED; a held
 * response (ACT_HOLD_RSP) is relayed. */
void data_release(struct shim *s, enum trace_why why);
/* QEMU sent CMD_CANCEL_TPM_CMD (the control channel has answered it):
 * a held command or response is released, unless its rule ignores
 * cancels (traced: TRACE_EV_HOLD, TRACE_WHY_CANCEL_IGNORED). */
void data_cancelled(struct shim *s);
/* Before shutdown: end a hold, forward a delayed command or relay a
 * delayed response now. */
void data_settle(struct shim *s);
/* For rsp_fault.c: relay swtpm's response (in data.rsp) to the guest, its
 * line with this fate; or close the data socket to QEMU instead of
 * answering (the response line's fate is TRACE_FATE_CLOSED, with swtpm's
 * rc when has_tpm). */
void data_relay_rsp(struct shim *s, enum trace_fate fate);
void data_close_for_rsp(struct shim *s, bool has_tpm, uint32_t tpm_rc);

/* dataout.c: write p[0..n) to swtpm (to_tpm) or QEMU, through the loop
 * when the peer is slow; the end is data_written or data_write_failed
 * (maybe before data_write returns). */
void data_write(struct shim *s, bool to_tpm, const uint8_t *p, size_t n);
/* swtpm's fd is writable again (data_on_tpm with EV_WRITE). */
void data_write_more(struct shim *s);
/* Forget a write in progress (the channel closes). */
void data_write_stop(struct shim *s);
/* data.c: the ends of a write, and swtpm's fd handler. */
void data_written(struct shim *s, bool to_tpm);
void data_write_failed(struct shim *s, bool to_tpm, const char *why);
void data_on_tpm(struct evloop *l, int fd, int mask, void *d);

/* rsp_fault.c: swtpm answered a command whose rule acts on the response
 * (ACT_DELAY_RSP, ACT_HOLD_RSP, ACT_CLOSE_RSP); its response is complete
 * in data.rsp with rc tpm_rc. */
void rsp_fault_take(struct shim *s, uint32_t tpm_rc);

/* restore.c: the trace begins with the snapshot's (prefix.h), whose
 * frames the rules in decide_ctx have counted; the frames before the
 * restore are relayed as they are.  0, or -1 with *err. */
int shim_restore_begin(struct shim *s, const char *prefix, char **err);
/* ctrl.c: swtpm answered a control command with result (restore.c ends
 * the restore on the CMD_INIT after a CMD_SET_STATEBLOB). */
void shim_restore_ctrl(struct shim *s, uint32_t code, uint32_t result);

/* truth.c: read PCR 10 from swtpm over the shim's data socket and trace
 * it as the TPM's truth.  0, or -1 (an error line is traced). */
int shim_pcr_truth(struct shim *s);

#endif
