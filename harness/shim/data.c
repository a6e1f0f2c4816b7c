/* Data channel: TPM frames between QEMU's fd and the shim's socketpair
 * end to swtpm.  Each complete guest command gets an ordinal (book.c) and
 * passes the one decision point (hook.h) before any I/O towards swtpm.
 * A frame whose size field is below the header or above the negotiated
 * buffer size, or that stays incomplete past its deadline, is traced as
 * an error and answered with a TPM error response (TPM_RC_COMMAND_SIZE,
 * or TPM_BAD_PARAM_SIZE for TPM 1.2 tags) after discarding what is
 * readable: QEMU writes whole frames and waits for an answer. */
#include "shim/shim.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "shim/io.h"
#include "util/hex.h"
#include "util/rd.h"

static void on_qemu(struct evloop *l, int fd, int mask, void *d);
static void on_tpm(struct evloop *l, int fd, int mask, void *d);

static void timer_off(struct shim *s, long long *t)
{
    evloop_cancel(s->loop, *t);
    *t = 0;
}

/* Ready for the guest's next command. */
static void next_cmd(struct shim *s)
{
    struct data_relay *d = &s->data;
    timer_off(s, &d->cmd_timer);
    timer_off(s, &d->rsp_timer);
    d->cmd_have = d->rsp_have = 0;
    if (d->book.cur.active)
        book_end(&d->book);
    evloop_watch(s->loop, d->qemu_fd, EV_READ, on_qemu, s);
    ctrl_data_idle(s);
}

void data_close(struct shim *s)
{
    struct data_relay *d = &s->data;
    timer_off(s, &d->cmd_timer);
    timer_off(s, &d->rsp_timer);
    if (d->qemu_fd >= 0) {
        evloop_unwatch(s->loop, d->qemu_fd);
        close(d->qemu_fd);
    }
    if (d->tpm_fd >= 0) {
        evloop_unwatch(s->loop, d->tpm_fd);
        close(d->tpm_fd);
    }
    d->qemu_fd = d->tpm_fd = -1;
}

/* A lost data socket ends the data channel; QEMU then fails every guest
 * command itself (TPM_FAIL), as with a dead swtpm. */
static void data_lost(struct shim *s, const char *what)
{
    trace_error(&s->trace, "data channel: %s", what);
    data_close(s);
    if (s->data.book.cur.active)
        book_end(&s->data.book);
    ctrl_data_idle(s);
}

static void send_guest(struct shim *s, const uint8_t *p, size_t n)
{
    char *err = NULL;
    if (io_send_all(s->data.qemu_fd, p, n, -1, SHIM_IO_MS, &err) < 0) {
        data_lost(s, err);
        free(err);
        return;
    }
    next_cmd(s);
}

static void trace_rsp(struct shim *s, uint32_t rc, const char *fate)
{
    const struct inflight *f = &s->data.book.cur;
    char hex[11];
    struct json *j = trace_begin(&s->trace, f->ord);
    json_str(j, "dir", "rsp");
    json_str(j, "cc", trace_hex32(hex, f->hdr.code));
    json_str(j, "name", f->name);
    json_str(j, "rc", trace_hex32(hex, rc));
    if (tpm_rc_name(rc))
        json_str(j, "rc_name", tpm_rc_name(rc));
    json_str(j, "fate", fate);
    trace_end(&s->trace);
}

/* The shim answers the in-flight command itself. */
static void answer_guest(struct shim *s, uint32_t rc2, uint32_t rc12)
{
    uint8_t b[TPM_HDR_SIZE];
    const struct inflight *f = &s->data.book.cur;
    frame_build_error(b, f->hdr.tag, rc2, rc12);
    trace_rsp(s, frame_tag_is_tpm12(f->hdr.tag) ? rc12 : rc2, "answered");
    send_guest(s, b, sizeof(b));
}

/* A frame that cannot be a command: error line, error answer, resync. */
static void bad_cmd(struct shim *s, const char *why)
{
    struct data_relay *d = &s->data;
    uint16_t tag = d->cmd_have >= 2 ? be16_at(d->cmd) : TPM2_ST_NO_SESSIONS;
    uint8_t b[TPM_HDR_SIZE];
    trace_error(&s->trace, "bad command frame (%zu bytes read): %s",
                d->cmd_have, why);
    io_drain(d->qemu_fd);
    frame_build_error(b, tag, TPM2_RC_COMMAND_SIZE, TPM12_BAD_PARAM_SIZE);
    send_guest(s, b, sizeof(b));
}

static void trace_extend(struct json *j, const uint8_t *p, size_t n)
{
    struct pcr_extend e;
    char *err = NULL;
    char hex[2 * ALG_MAX_DIGEST + 1];
    if (frame_parse_pcr_extend(p, n, &e, &err) < 0) {
        json_str(j, "parse_error", err);
        free(err);
        return;
    }
    json_uint(j, "pcr", e.pcr);
    json_obj_begin(j, "digests");
    for (unsigned i = 0; i < e.digests.count; i++) {
        const struct alg_info *a = alg_by_bank(e.digests.v[i].bank);
        hex_encode(e.digests.v[i].d, a->size, hex);
        json_str(j, a->name, hex);
    }
    json_obj_end(j);
}

static void trace_cmd(struct shim *s, const char *fate)
{
    struct data_relay *d = &s->data;
    const struct inflight *f = &d->book.cur;
    char hex[11];
    struct json *j = trace_begin(&s->trace, f->ord);
    json_str(j, "dir", "cmd");
    json_str(j, "cc", trace_hex32(hex, f->hdr.code));
    json_str(j, "name", f->name);
    json_str(j, "fate", fate);
    if (f->hdr.code == TPM2_CC_PCR_EXTEND && !frame_tag_is_tpm12(f->hdr.tag))
        trace_extend(j, d->cmd, d->cmd_have);
    trace_end(&s->trace);
}

static void cmd_complete(struct shim *s, const struct tpm_hdr *h)
{
    struct data_relay *d = &s->data;
    char *err = NULL;
    timer_off(s, &d->cmd_timer);
    book_begin(&d->book, h);
    struct relay_decision dec = s->decide(s->decide_ctx, &d->book.cur,
                                          d->cmd, d->cmd_have);
    trace_cmd(s, relay_fate(dec.action));
    if (dec.action == ACT_ANSWER)
        return answer_guest(s, dec.rc, dec.rc);
    if (io_send_all(d->tpm_fd, d->cmd, d->cmd_have, -1, SHIM_IO_MS,
                    &err) < 0) {
        data_lost(s, err);
        free(err);
        return;
    }
    d->book.cur.at_tpm = true;
    d->rsp_have = 0;
    /* One command at a time: QEMU sends nothing until it has the answer. */
    evloop_watch(s->loop, d->qemu_fd, 0, NULL, NULL);
}

static void on_cmd_timeout(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.cmd_timer = 0;
    bad_cmd(s, "incomplete frame at the deadline");
}

static void on_qemu(struct evloop *l, int fd, int mask, void *p)
{
    (void)l;
    (void)mask;
    struct shim *s = p;
    struct data_relay *d = &s->data;
    struct tpm_hdr h;
    char *err = NULL;
    size_t need = TPM_HDR_SIZE;
    if (d->cmd_have >= TPM_HDR_SIZE)
        need = be32_at(d->cmd + 2);   /* checked when the header came */
    ssize_t r = io_recv(fd, d->cmd + d->cmd_have, need - d->cmd_have, NULL);
    if (r < 0 && errno == EAGAIN)
        return;
    if (r <= 0)
        return data_lost(s, "QEMU closed its data socket");
    if (!d->cmd_have)
        d->cmd_timer = evloop_timer(s->loop, SHIM_IO_MS, on_cmd_timeout, s);
    d->cmd_have += (size_t)r;
    if (d->cmd_have < TPM_HDR_SIZE)
        return;
    if (frame_hdr_parse(d->cmd, d->cmd_have, d->bufsize, &h, &err) < 0) {
        bad_cmd(s, err);
        free(err);
        return;
    }
    if (d->cmd_have == h.size)
        cmd_complete(s, &h);
}

/* swtpm's response is complete: trace and relay it. */
static void rsp_complete(struct shim *s, const struct tpm_hdr *h)
{
    struct data_relay *d = &s->data;
    trace_rsp(s, h->code, "relayed");
    send_guest(s, d->rsp, d->rsp_have);
}

static void on_rsp_timeout(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.rsp_timer = 0;
    trace_error(&s->trace, "swtpm response incomplete at the deadline "
                "(%zu bytes)", s->data.rsp_have);
    answer_guest(s, TPM2_RC_FAILURE, TPM12_FAIL);
}

/* Bytes from swtpm when no command is at swtpm. */
static void unsolicited(struct shim *s, int fd)
{
    uint8_t b[256];
    ssize_t r = io_recv(fd, b, sizeof(b), NULL);
    if (r == 0 || (r < 0 && errno != EAGAIN))
        return data_lost(s, "swtpm closed its data socket");
    if (r > 0)
        trace_error(&s->trace, "%zd unsolicited bytes from swtpm data "
                    "channel (+%zu discarded)", r, io_drain(fd));
}

static void on_tpm(struct evloop *l, int fd, int mask, void *p)
{
    (void)l;
    (void)mask;
    struct shim *s = p;
    struct data_relay *d = &s->data;
    struct tpm_hdr h;
    char *err = NULL;
    if (!d->book.cur.at_tpm)
        return unsolicited(s, fd);
    size_t need = d->rsp_have >= TPM_HDR_SIZE ? be32_at(d->rsp + 2)
                                              : TPM_HDR_SIZE;
    ssize_t r = io_recv(fd, d->rsp + d->rsp_have, need - d->rsp_have, NULL);
    if (r < 0 && errno == EAGAIN)
        return;
    if (r <= 0)
        return data_lost(s, "swtpm closed its data socket mid-command");
    if (!d->rsp_have)
        d->rsp_timer = evloop_timer(s->loop, SHIM_IO_MS, on_rsp_timeout, s);
    d->rsp_have += (size_t)r;
    if (d->rsp_have < TPM_HDR_SIZE)
        return;
    if (frame_hdr_parse(d->rsp, d->rsp_have, d->bufsize, &h, &err) < 0) {
        trace_error(&s->trace, "bad response frame from swtpm: %s", err);
        free(err);
        io_drain(fd);
        return answer_guest(s, TPM2_RC_FAILURE, TPM12_FAIL);
    }
    if (d->rsp_have == h.size)
        rsp_complete(s, &h);
}

int data_start(struct shim *s, int qemu_fd, int tpm_fd)
{
    struct data_relay *d = &s->data;
    d->qemu_fd = qemu_fd;
    d->tpm_fd = tpm_fd;
    if (evloop_watch(s->loop, tpm_fd, EV_READ, on_tpm, s) < 0) {
        d->qemu_fd = d->tpm_fd = -1;
        return -1;
    }
    next_cmd(s);
    return 0;
}
