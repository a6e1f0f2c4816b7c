/* Control channel: QEMU's requests, relayed to swtpm's control socket
 * with exact framing (ctrlcmd.c), a few answered by the shim itself:
 *  - an unknown code: 4-byte TPM_BAD_ORDINAL, as swtpm answers;
 *  - SET_DATAFD: the shim keeps QEMU's fd and passes swtpm its own
 *    socketpair end, so every data frame crosses the shim;
 *  - CANCEL_TPM_CMD while a data command is at swtpm, delayed or held by
 *    the shim, or its frame is still being written: answered 0 at once
 *    (swtpm would answer only after the command, and cannot cancel); a
 *    held command is then released, unless its rule ignores cancels;
 *  - SHUTDOWN: first end a held or delayed command, read the TPM's truth
 *    (PCR 10), then forward. */
#include "shim/shim.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim/io.h"
#include "util/err.h"
#include "util/rd.h"

static void on_qemu(struct evloop *l, int fd, int mask, void *d);
static void on_tpm(struct evloop *l, int fd, int mask, void *d);

static int reserve(uint8_t **p, size_t *alloc, size_t n)
{
    if (n <= *alloc)
        return 0;
    uint8_t *q = realloc(*p, n);
    if (!q)
        return -1;
    *p = q;
    *alloc = n;
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Back to reading QEMU's next request. */
static void to_req(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    shim_timer_off(s, &c->req_timer);
    shim_timer_off(s, &c->rsp_timer);
    c->phase = CTRL_REQ;
    c->spec = NULL;
    c->req_have = c->rsp_have = 0;
    close_fd(&c->fd_in);
    close_fd(&c->pair_keep);
    evloop_watch(s->loop, c->qemu_fd, EV_READ, on_qemu, s);
}

static void trace_ctrl(struct shim *s, const char *name, uint32_t code,
                       uint32_t result, enum trace_fate fate)
{
    struct json *j = trace_event(&s->trace, 0, TRACE_EV_CTRL);
    json_str(j, TRACE_K_CMD, name);
    json_uint(j, TRACE_K_CODE, code);
    json_uint(j, TRACE_K_RESULT, result);
    trace_fate(j, fate);
    trace_end(&s->trace);
}

static void send_qemu(struct shim *s, const uint8_t *p, size_t n)
{
    char *err = NULL;
    if (io_send_all(s->ctrl.qemu_fd, p, n, -1, SHIM_IO_MS, &err) < 0) {
        trace_error(&s->trace, "control reply to QEMU: %s", err);
        free(err);
    }
}

/* The shim answers a request itself with a 4-byte result. */
static void answer(struct shim *s, uint32_t result)
{
    struct ctrl_relay *c = &s->ctrl;
    uint8_t b[4];
    put_be32(b, result);
    trace_ctrl(s, c->spec ? c->spec->name : "unknown",
               c->req_have >= 4 ? be32_at(c->req) : 0, result,
               TRACE_FATE_ANSWERED);
    send_qemu(s, b, sizeof(b));
    to_req(s);
}

static void tpm_gone(struct shim *s, const char *why)
{
    trace_error(&s->trace, "swtpm control channel: %s", why);
    shim_finish(s, 1);
}

static void on_rsp_timeout(struct evloop *l, long long id, void *d)
{
    (void)l;
    (void)id;
    struct shim *s = d;
    s->ctrl.rsp_timer = 0;
    tpm_gone(s, "no complete response within the deadline");
}

/* Forward the complete request (with sendfd for SET_DATAFD). */
static void forward(struct shim *s, int sendfd)
{
    struct ctrl_relay *c = &s->ctrl;
    char *err = NULL;
    /* Leftovers of an earlier reply are not this request's reply. */
    size_t stale = io_drain(c->tpm_fd);
    if (stale)
        trace_error(&s->trace, "%zu unsolicited bytes from swtpm control "
                    "channel discarded before a request", stale);
    if (io_send_all(c->tpm_fd, c->req, c->req_have, sendfd, SHIM_IO_MS,
                    &err) < 0) {
        tpm_gone(s, err);
        free(err);
        return;
    }
    c->phase = CTRL_RSP;
    c->rsp_have = 0;
    /* QEMU waits for the reply and sends nothing meanwhile. */
    evloop_watch(s->loop, c->qemu_fd, 0, NULL, NULL);
    c->rsp_timer = evloop_timer(s->loop, SHIM_CTRL_RSP_MS, on_rsp_timeout, s);
}

static void set_datafd(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    int sp[2];
    if (c->fd_in < 0)
        return answer(s, CTRL_TPM_BAD_PARAMETER);   /* as swtpm */
    if (s->data.tpm_fd >= 0)
        return answer(s, CTRL_TPM_IOERROR);         /* as swtpm: fd set */
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0) {
        trace_error(&s->trace, "socketpair: %s", strerror(errno));
        return answer(s, CTRL_TPM_FAIL);
    }
    c->pair_keep = sp[0];
    forward(s, sp[1]);
    close(sp[1]);   /* swtpm has its copy now */
}

/* Shutdown or close: the TPM's truth first, then forward or finish. */
static void shutdown_proceed(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    shim_timer_off(s, &c->idle_timer);
    if (s->data.tpm_fd >= 0 && !s->data.book.cur.active)
        shim_pcr_truth(s);
    else if (s->data.tpm_fd >= 0)
        trace_error(&s->trace, "pcr_truth skipped: command ord %llu still "
                    "in flight", (unsigned long long)s->data.book.cur.ord);
    else
        trace_error(&s->trace, "pcr_truth skipped: no data channel");
    if (c->closing)
        shim_finish(s, 0);
    else
        forward(s, -1);
}

static void on_idle_timeout(struct evloop *l, long long id, void *d)
{
    (void)l;
    (void)id;
    struct shim *s = d;
    s->ctrl.idle_timer = 0;
    shutdown_proceed(s);
}

/* Wait (bounded) for an in-flight data command, then shutdown_proceed. */
static void shutdown_begin(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    if (!s->data.book.cur.active)
        return shutdown_proceed(s);
    c->phase = CTRL_WAIT_IDLE;
    evloop_watch(s->loop, c->qemu_fd, 0, NULL, NULL);
    c->idle_timer = evloop_timer(s->loop, SHIM_IDLE_MS, on_idle_timeout, s);
    /* A held command is answered (or forwarded) now, a delayed one
     * forwarded now; either may end the wait at once (ctrl_data_idle). */
    data_settle(s);
}

void ctrl_data_idle(struct shim *s)
{
    if (s->ctrl.phase == CTRL_WAIT_IDLE)
        shutdown_proceed(s);
}

static void dispatch(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    switch (c->spec->code) {
    case CMD_SET_DATAFD:
        return set_datafd(s);
    case CMD_CANCEL_TPM_CMD: {
        struct inflight *f = &s->data.book.cur;
        if (!f->active ||
            !(f->at_tpm || f->held || f->delaying || data_writing(&s->data)))
            break;
        answer(s, CTRL_TPM_SUCCESS);
        return data_cancelled(s);   /* releases a hold, unless ignored */
    }
    case CMD_SHUTDOWN:
        return shutdown_begin(s);
    }
    forward(s, -1);
}

static void qemu_gone(struct shim *s, const char *why)
{
    struct ctrl_relay *c = &s->ctrl;
    trace_error(&s->trace, "QEMU control connection %s without CMD_SHUTDOWN",
                why);
    evloop_watch(s->loop, c->qemu_fd, 0, NULL, NULL);
    c->closing = true;
    shutdown_begin(s);
}

static void on_req_timeout(struct evloop *l, long long id, void *d)
{
    (void)l;
    (void)id;
    struct shim *s = d;
    s->ctrl.req_timer = 0;
    trace_error(&s->trace, "control request incomplete after %d ms "
                "(%zu bytes)", SHIM_IO_MS, s->ctrl.req_have);
    answer(s, CTRL_TPM_BAD_PARAMETER);
}

/* Bytes needed for the request so far; -1 when it can never be valid. */
static int req_need(struct shim *s, size_t *need, size_t *cap)
{
    struct ctrl_relay *c = &s->ctrl;
    char *err = NULL;
    if (c->req_have < 4) {
        *need = *cap = 4;
        return 0;
    }
    if (ctrl_req_need(c->spec, c->req, c->req_have, need, cap, &err) < 0) {
        trace_error(&s->trace, "control request: %s", err);
        free(err);
        io_drain(c->qemu_fd);
        answer(s, CTRL_TPM_BAD_PARAMETER);
        return -1;
    }
    return 0;
}

/* A complete code: look it up; unknown codes are answered here. */
static int known_code(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    if (c->spec || c->req_have < 4)
        return 0;
    c->spec = ctrl_spec_find(be32_at(c->req));
    if (c->spec)
        return 0;
    trace_error(&s->trace, "unknown control command 0x%08x",
                be32_at(c->req));
    io_drain(c->qemu_fd);   /* its payload length is unknowable */
    answer(s, CTRL_TPM_BAD_ORDINAL);
    return -1;
}

static void on_qemu(struct evloop *l, int fd, int mask, void *d)
{
    (void)l;
    (void)mask;
    struct shim *s = d;
    struct ctrl_relay *c = &s->ctrl;
    size_t need, cap;
    if (req_need(s, &need, &cap) < 0)
        return;
    if (reserve(&c->req, &c->req_alloc, cap) < 0)
        return qemu_gone(s, "out of memory");
    ssize_t r = io_recv(fd, c->req + c->req_have, cap - c->req_have,
                        &c->fd_in);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
    if (r <= 0)
        return qemu_gone(s, c->req_have ? "closed mid-request" : "closed");
    if (!c->req_have)
        c->req_timer = evloop_timer(s->loop, SHIM_IO_MS, on_req_timeout, s);
    c->req_have += (size_t)r;
    if (known_code(s) < 0 || req_need(s, &need, &cap) < 0)
        return;
    if (c->req_have < need)
        return;
    shim_timer_off(s, &c->req_timer);
    /* One request is one write; what follows it in that write is dropped
     * as swtpm drops it, not read as the next request. */
    size_t extra = io_drain(fd);
    if (extra)
        trace_error(&s->trace, "control channel: %zu bytes after the %s "
                    "request discarded", extra, c->spec->name);
    dispatch(s);
}

/* swtpm's complete response: note what the shim needs, trace, relay. */
static void rsp_complete(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    const struct ctrl_spec *sp = c->spec;
    uint32_t result = (sp->flags & CTRL_F_NO_RESULT) ? 0 : be32_at(c->rsp);
    if (sp->code == CMD_SET_BUFFERSIZE && result == 0 &&
        c->rsp_have >= 8) {
        uint32_t b = be32_at(c->rsp + 4);
        if (b >= TPM_HDR_SIZE && b <= SHIM_MAX_BUFSIZE)
            s->data.bufsize = b;
    }
    if (sp->code == CMD_SET_DATAFD && result == 0) {
        if (data_start(s, c->fd_in, c->pair_keep) == 0)
            c->fd_in = c->pair_keep = -1;
    }
    trace_ctrl(s, sp->name, sp->code, result, TRACE_FATE_RELAYED);
    shim_restore_ctrl(s, sp->code, result);
    send_qemu(s, c->rsp, c->rsp_have);
    if (sp->code == CMD_SHUTDOWN)
        return shim_finish(s, 0);
    to_req(s);
}

static void on_tpm(struct evloop *l, int fd, int mask, void *d)
{
    (void)l;
    (void)mask;
    struct shim *s = d;
    struct ctrl_relay *c = &s->ctrl;
    size_t need, cap;
    char *err = NULL;
    if (c->phase != CTRL_RSP) {
        uint8_t b[64];
        ssize_t r = io_recv(fd, b, sizeof(b), NULL);
        if (r == 0 || (r < 0 && errno != EAGAIN))
            return tpm_gone(s, "closed");
        if (r > 0)
            trace_error(&s->trace, "%zd unsolicited bytes from swtpm "
                        "control channel", r);
        return;
    }
    if (ctrl_rsp_need(c->spec, c->rsp, c->rsp_have, &need, &cap, &err) < 0 ||
        reserve(&c->rsp, &c->rsp_alloc, cap) < 0) {
        tpm_gone(s, err ? err : "out of memory");
        free(err);
        return;
    }
    ssize_t r = io_recv(fd, c->rsp + c->rsp_have, cap - c->rsp_have, NULL);
    if (r < 0 && errno == EAGAIN)
        return;
    if (r <= 0)
        return tpm_gone(s, "closed mid-response");
    c->rsp_have += (size_t)r;
    if (ctrl_rsp_need(c->spec, c->rsp, c->rsp_have, &need, &cap, &err) < 0) {
        tpm_gone(s, err);
        free(err);
        return;
    }
    if (c->rsp_have >= need)
        rsp_complete(s);
}

void ctrl_start(struct shim *s, int qemu_fd)
{
    struct ctrl_relay *c = &s->ctrl;
    c->qemu_fd = qemu_fd;
    evloop_watch(s->loop, c->tpm_fd, EV_READ, on_tpm, s);
    to_req(s);
}

void ctrl_close(struct shim *s)
{
    struct ctrl_relay *c = &s->ctrl;
    close_fd(&c->qemu_fd);
    close_fd(&c->tpm_fd);
    close_fd(&c->fd_in);
    close_fd(&c->pair_keep);
    free(c->req);
    free(c->rsp);
    c->req = c->rsp = NULL;
    c->req_alloc = c->rsp_alloc = 0;
}
