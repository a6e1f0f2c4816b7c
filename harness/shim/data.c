/* Data channel: TPM frames between QEMU's fd and the shim's socketpair
 * end to swtpm.  Each complete guest command gets an ordinal (book.c) and
 * passes the one decision point (hook.h) before any I/O towards swtpm;
 * this file carries the decision out:
 *   relay    forward, relay swtpm's response;
 *   answer   not forwarded, a 10-byte response with the decided rc;
 *   replace  forward, read swtpm's response (keeps the channel in step),
 *            answer the decided rc instead;
 *   delay    forward when an evloop timer fires, relay the response;
 *   hold     not forwarded until CMD_CANCEL_TPM_CMD (unless the rule
 *            ignores it: the control channel still answers the cancel at
 *            once), the hold limit or shutdown (data_release): then
 *            forward and relay when applied_late, else answer
 *            TPM_RC_CANCELED; with end_rc the guest gets the rule's rc
 *            instead of either.  QEMU's worker waits on the data fd, so
 *            every hold ends with a response;
 *   drop     forward, read swtpm's response, answer nothing;
 *   close    close the data socket towards QEMU (QEMU then answers guest
 *            commands itself); the shim keeps its swtpm end for the truth;
 *   delay-rsp, hold-rsp, close-rsp  (a rule with direction = response)
 *            forward at once; swtpm's response is relayed late, held like
 *            a command (data_release), or the data socket towards QEMU
 *            closes instead (rsp_fault.c).
 * A frame whose size field is below the header or above the negotiated
 * buffer size, or that stays incomplete past its deadline, is traced as
 * an error and answered with a TPM error response (TPM_RC_COMMAND_SIZE,
 * or TPM_BAD_PARAM_SIZE for TPM 1.2 tags) after discarding what is
 * readable: QEMU writes whole frames and waits for an answer.
 *
 * Trace (keys and values: trace/format.h, docs/trace.md): a command line
 * says whether the command reached swtpm and its fate (relay_fate), with
 * the rule when one fired; a hold's end is a release event; a response
 * line has what the guest received, swtpm's own code when the command was
 * forwarded and swtpm's header arrived, and the response's fate. */
#include "shim/shim.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "shim/io.h"
#include "util/rd.h"

static void on_qemu(struct evloop *l, int fd, int mask, void *d);

/* Ready for the guest's next command. */
static void next_cmd(struct shim *s)
{
    struct data_relay *d = &s->data;
    shim_timer_off(s, &d->cmd_timer);
    shim_timer_off(s, &d->rsp_timer);
    shim_timer_off(s, &d->hold_timer);
    d->cmd_have = d->rsp_have = 0;
    if (d->book.cur.active)
        book_end(&d->book);
    if (d->qemu_fd >= 0)
        evloop_watch(s->loop, d->qemu_fd, EV_READ, on_qemu, s);
    ctrl_data_idle(s);
}

static void close_guest_fd(struct shim *s)
{
    struct data_relay *d = &s->data;
    if (d->out.fd >= 0 && !d->out.to_tpm)
        data_write_stop(s);
    if (d->qemu_fd >= 0) {
        evloop_unwatch(s->loop, d->qemu_fd);
        close(d->qemu_fd);
    }
    d->qemu_fd = -1;
}

void data_close(struct shim *s)
{
    struct data_relay *d = &s->data;
    data_write_stop(s);
    shim_timer_off(s, &d->cmd_timer);
    shim_timer_off(s, &d->rsp_timer);
    shim_timer_off(s, &d->hold_timer);
    close_guest_fd(s);
    if (d->tpm_fd >= 0) {
        evloop_unwatch(s->loop, d->tpm_fd);
        close(d->tpm_fd);
    }
    d->tpm_fd = -1;
}

/* A lost swtpm data socket ends the data channel; QEMU then fails every
 * guest command itself (TPM_FAIL), as with a dead swtpm. */
static void data_lost(struct shim *s, const char *what)
{
    trace_error(&s->trace, "data channel: %s", what);
    data_close(s);
    if (s->data.book.cur.active)
        book_end(&s->data.book);
    ctrl_data_idle(s);
}

/* The QEMU side alone is gone (or closed by a fault): the in-flight
 * command, if any, is given up; swtpm's side stays for the truth.  A
 * command still at swtpm has its response read and discarded as
 * unsolicited bytes. */
static void guest_gone(struct shim *s)
{
    struct data_relay *d = &s->data;
    close_guest_fd(s);
    shim_timer_off(s, &d->cmd_timer);
    shim_timer_off(s, &d->hold_timer);
    d->cmd_have = 0;
    if (d->book.cur.at_tpm)
        return;   /* rsp_complete() drops the response, then idles */
    shim_timer_off(s, &d->rsp_timer);
    if (d->book.cur.active)
        book_end(&d->book);
    ctrl_data_idle(s);
}

/* Every response the guest gets passes here: noted for the fault engine
 * (a resend after TPM_RC_RETRY), then to QEMU; then (data_written) the
 * next command. */
static void send_guest(struct shim *s, const uint8_t *p, size_t n)
{
    if (s->answered && n >= TPM_HDR_SIZE)
        s->answered(s->decide_ctx, be32_at(p + 6));
    data_write(s, false, p, n);
}

/* The command reached swtpm whole: its response is awaited. */
static void at_tpm(struct shim *s)
{
    s->data.book.cur.at_tpm = true;
    s->data.rsp_have = 0;
}

void data_written(struct shim *s, bool to_tpm)
{
    if (to_tpm)
        return at_tpm(s);
    next_cmd(s);
}

void data_write_failed(struct shim *s, bool to_tpm, const char *why)
{
    if (to_tpm)
        return data_lost(s, why);
    trace_error(&s->trace, "data channel to QEMU: %s", why);
    s->data.book.cur.at_tpm = false;
    guest_gone(s);
}

/* has: bit 0 = rc (the guest's), bit 1 = tpm_rc (swtpm's). */
#define HAS_RC  1
#define HAS_TPM 2
static void trace_rsp(struct shim *s, unsigned has, uint32_t rc,
                      uint32_t tpm_rc, enum trace_fate fate)
{
    const struct inflight *f = &s->data.book.cur;
    char hex[11];
    struct json *j = trace_frame(&s->trace, f->ord, TRACE_DIR_RSP,
                                 f->hdr.code, f->name);
    if (has & HAS_RC) {
        json_str(j, TRACE_K_RC, trace_hex32(hex, rc));
        const char *name = tpm_rc_name(rc, frame_family(f->hdr.tag));
        if (name)
            json_str(j, TRACE_K_RC_NAME, name);
    }
    if (has & HAS_TPM)
        json_str(j, TRACE_K_TPM_RC, trace_hex32(hex, tpm_rc));
    trace_fate(j, fate);
    trace_end(&s->trace);
}

/* The shim answers the in-flight command itself; tpm_has/tpm_rc say what
 * swtpm answered when the command was forwarded. */
static void answer_guest(struct shim *s, uint32_t rc2, uint32_t rc12,
                         unsigned tpm_has, uint32_t tpm_rc,
                         enum trace_fate fate)
{
    uint8_t *b = s->data.answer;
    const struct inflight *f = &s->data.book.cur;
    frame_build_error(b, f->hdr.tag, rc2, rc12);
    trace_rsp(s, HAS_RC | (tpm_has & HAS_TPM),
              frame_tag_is_tpm12(f->hdr.tag) ? rc12 : rc2, tpm_rc, fate);
    send_guest(s, b, TPM_HDR_SIZE);
}

static void synthesise(struct shim *s, uint32_t rc2, uint32_t rc12)
{
    answer_guest(s, rc2, rc12, 0, 0, TRACE_FATE_SYNTHESISED);
}

/* A frame that cannot be a command: error line, error answer, resync. */
static void bad_cmd(struct shim *s, const char *why)
{
    struct data_relay *d = &s->data;
    uint16_t tag = d->cmd_have >= 2 ? be16_at(d->cmd) : TPM2_ST_NO_SESSIONS;
    trace_error(&s->trace, "bad command frame (%zu bytes read): %s",
                d->cmd_have, why);
    io_drain(d->qemu_fd);
    frame_build_error(d->answer, tag, TPM2_RC_COMMAND_SIZE, TPM12_BAD_PARAM_SIZE);
    send_guest(s, d->answer, TPM_HDR_SIZE);
}

static void trace_extend(struct json *j, const uint8_t *p, size_t n)
{
    struct pcr_extend e;
    char *err = NULL;
    if (frame_parse_pcr_extend(p, n, &e, &err) < 0) {
        json_str(j, TRACE_K_PARSE_ERROR, err);
        free(err);
        return;
    }
    json_uint(j, TRACE_K_PCR, e.pcr);
    trace_digests(j, TRACE_K_DIGESTS, &e.digests);
}

static void trace_cmd(struct shim *s, const struct relay_decision *dec)
{
    struct data_relay *d = &s->data;
    const struct inflight *f = &d->book.cur;
    char hex[11];
    struct json *j = trace_frame(&s->trace, f->ord, TRACE_DIR_CMD,
                                 f->hdr.code, f->name);
    json_bool(j, TRACE_K_FORWARDED, relay_forwards(dec->action));
    trace_fate(j, relay_fate(dec->action));
    if (dec->rule) {
        json_obj_begin(j, TRACE_K_FAULT);
        json_str(j, TRACE_K_RULE, dec->rule);
        json_str(j, TRACE_K_ACTION, dec->fault);
        if (dec->action == ACT_ANSWER || dec->action == ACT_REPLACE)
            json_str(j, TRACE_K_RC, trace_hex32(hex, dec->rc));
        if (dec->delay_ms)
            json_uint(j, TRACE_K_DELAY_MS, dec->delay_ms);
        if (dec->action == ACT_HOLD)
            json_bool(j, TRACE_K_APPLIED_LATE, dec->applied_late);
        if (dec->end_rc)
            json_str(j, TRACE_K_RC, trace_hex32(hex, dec->rc));
        if (dec->ignore_cancel)
            json_str(j, TRACE_K_ON_CANCEL, TRACE_V_IGNORE);
        if (dec->on_response)
            json_str(j, TRACE_K_DIRECTION, TRACE_V_RESPONSE);
        json_obj_end(j);
    }
    if (frame_is_extend(f->hdr.tag, f->hdr.code))
        trace_extend(j, d->cmd, d->cmd_have);
    trace_end(&s->trace);
}

/* The in-flight command goes to swtpm now. */
static void forward(struct shim *s)
{
    struct data_relay *d = &s->data;
    /* Bytes swtpm sent beyond its last response must never be taken for
     * the answer to this command, whatever order the loop saw them in. */
    size_t stale = io_drain(d->tpm_fd);
    if (stale)
        trace_error(&s->trace, "%zu unsolicited bytes from swtpm data "
                    "channel discarded before a command", stale);
    data_write(s, true, d->cmd, d->cmd_have);   /* then at_tpm() */
}

static void on_delay_end(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.hold_timer = 0;
    s->data.book.cur.delaying = false;
    forward(s);
}

static void on_hold_limit(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.hold_timer = 0;
    data_release(s, TRACE_WHY_HOLD_LIMIT);
}

/* A held response ends: relayed, or replaced by the rule's rc. */
static void end_held_rsp(struct shim *s)
{
    struct data_relay *d = &s->data;
    if (!d->dec.end_rc)
        return data_relay_rsp(s, TRACE_FATE_HELD);
    answer_guest(s, d->dec.rc, d->dec.rc12, HAS_TPM, be32_at(d->rsp + 6),
                 TRACE_FATE_REPLACED);
}

void data_release(struct shim *s, enum trace_why why)
{
    struct data_relay *d = &s->data;
    struct inflight *f = &d->book.cur;
    if (!f->active || !f->held)
        return;
    shim_timer_off(s, &d->hold_timer);
    f->held = false;
    bool rsp = d->dec.action == ACT_HOLD_RSP;   /* forwarded long ago */
    bool fwd = rsp || d->dec.applied_late;
    struct json *j = trace_event(&s->trace, f->ord, TRACE_EV_RELEASE);
    json_bool(j, TRACE_K_FORWARDED, fwd);
    json_str(j, TRACE_K_WHY, trace_why_name(why));
    if (rsp)
        json_str(j, TRACE_K_DIRECTION, TRACE_V_RESPONSE);
    trace_end(&s->trace);
    if (rsp)
        return end_held_rsp(s);
    if (fwd && d->dec.end_rc)
        d->dec.action = ACT_REPLACE;   /* applied; the guest gets rc */
    if (fwd)
        return forward(s);
    if (d->dec.end_rc)
        return synthesise(s, d->dec.rc, d->dec.rc12);
    /* A TPM 1.2 driver does not read the answer to a command it
     * cancelled; TPM_FAIL (not executed) stands in the trace for the
     * TPM_RC_CANCELED that 1.2 does not have. */
    synthesise(s, TPM2_RC_CANCELED, TPM12_FAIL);
}

void data_cancelled(struct shim *s)
{
    struct data_relay *d = &s->data;
    d->book.cur.cancel_seen = true;
    if (!d->book.cur.held)
        return;
    if (!d->dec.ignore_cancel)
        return data_release(s, TRACE_WHY_CANCEL);
    struct json *j = trace_event(&s->trace, d->book.cur.ord, TRACE_EV_HOLD);
    json_str(j, TRACE_K_WHY, trace_why_name(TRACE_WHY_CANCEL_IGNORED));
    trace_end(&s->trace);
}

void data_settle(struct shim *s)
{
    struct data_relay *d = &s->data;
    struct inflight *f = &d->book.cur;
    if (!f->active)
        return;
    if (f->held)
        return data_release(s, TRACE_WHY_SHUTDOWN);
    if (f->delaying) {
        shim_timer_off(s, &d->hold_timer);
        f->delaying = false;
        if (d->dec.action == ACT_DELAY_RSP)
            return data_relay_rsp(s, TRACE_FATE_DELAYED);
        forward(s);
    }
}

static void cmd_complete(struct shim *s, const struct tpm_hdr *h)
{
    struct data_relay *d = &s->data;
    shim_timer_off(s, &d->cmd_timer);
    book_begin(&d->book, h);
    d->dec = s->decide(s->decide_ctx, &d->book.cur, d->cmd, d->cmd_have);
    trace_cmd(s, &d->dec);
    /* One command at a time: QEMU sends nothing until it has the answer. */
    evloop_watch(s->loop, d->qemu_fd, 0, NULL, NULL);
    switch (d->dec.action) {
    case ACT_ANSWER:
        return synthesise(s, d->dec.rc, d->dec.rc12);
    case ACT_CLOSE:
        return guest_gone(s);
    case ACT_DELAY:
        d->book.cur.delaying = true;
        d->hold_timer = evloop_timer(s->loop, d->dec.delay_ms, on_delay_end,
                                     s);
        if (d->hold_timer < 0) {
            d->hold_timer = 0;
            on_delay_end(s->loop, 0, s);
        }
        return;
    case ACT_HOLD:
        d->book.cur.held = true;
        if (d->dec.delay_ms) {
            d->hold_timer = evloop_timer(s->loop, d->dec.delay_ms,
                                         on_hold_limit, s);
            if (d->hold_timer < 0) {
                d->hold_timer = 0;
                data_release(s, TRACE_WHY_HOLD_LIMIT);
            }
        }
        return;
    case ACT_RELAY:
    case ACT_REPLACE:
    case ACT_DROP:
    case ACT_DELAY_RSP:
    case ACT_HOLD_RSP:
    case ACT_CLOSE_RSP:
        return forward(s);
    }
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
    if (r <= 0) {
        trace_error(&s->trace, "data channel: QEMU closed its data socket");
        return guest_gone(s);
    }
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
    if (d->cmd_have == h.size) {
        /* QEMU writes a command in one write and waits for its answer:
         * bytes after the frame are no command of their own (swtpm would
         * not see them either), never to be answered. */
        size_t extra = io_drain(fd);
        if (extra)
            trace_error(&s->trace, "data channel: %zu bytes after the "
                        "command frame discarded", extra);
        cmd_complete(s, &h);
    }
}

/* [run] tpm12_duration_ms: the guest's 1.2 driver is told shorter
 * command durations than swtpm's, so its deadlines come sooner. */
static void cap_durations(struct shim *s)
{
    struct data_relay *d = &s->data;
    uint32_t was[3], cap = s->cfg.tpm12_duration_ms * 1000u;
    if (!s->cfg.tpm12_duration_ms ||
        !frame12_cap_durations(d->cmd, d->cmd_have, d->rsp, d->rsp_have, cap,
                               was))
        return;
    struct json *j = trace_event(&s->trace, d->book.cur.ord,
                                 TRACE_EV_DURATIONS);
    json_uint(j, TRACE_K_SHORT_US, was[0]);
    json_uint(j, TRACE_K_MEDIUM_US, was[1]);
    json_uint(j, TRACE_K_LONG_US, was[2]);
    json_uint(j, TRACE_K_REPORTED_MAX_US, cap);
    trace_end(&s->trace);
}

void data_relay_rsp(struct shim *s, enum trace_fate fate)
{
    struct data_relay *d = &s->data;
    cap_durations(s);
    uint32_t rc = d->rsp_have >= TPM_HDR_SIZE ? be32_at(d->rsp + 6) : 0;
    trace_rsp(s, HAS_RC | HAS_TPM, rc, rc, fate);
    send_guest(s, d->rsp, d->rsp_have);
}

void data_close_for_rsp(struct shim *s, bool has_tpm, uint32_t tpm_rc)
{
    s->data.book.cur.at_tpm = false;   /* nothing more to wait for */
    trace_rsp(s, has_tpm ? HAS_TPM : 0, 0, tpm_rc, TRACE_FATE_CLOSED);
    guest_gone(s);
}

/* swtpm's response is complete: trace it, and relay, replace or drop it,
 * or hand it to a response fault (rsp_fault.c). */
static void rsp_complete(struct shim *s, const struct tpm_hdr *h)
{
    struct data_relay *d = &s->data;
    shim_timer_off(s, &d->rsp_timer);
    if (d->qemu_fd < 0) {   /* QEMU went away meanwhile */
        trace_rsp(s, HAS_TPM, 0, h->code, TRACE_FATE_DROPPED);
        return next_cmd(s);
    }
    switch (d->dec.action) {
    case ACT_REPLACE:
        return answer_guest(s, d->dec.rc, d->dec.rc12, HAS_TPM, h->code,
                            TRACE_FATE_REPLACED);
    case ACT_DROP:
        trace_rsp(s, HAS_TPM, 0, h->code, TRACE_FATE_DROPPED);
        return next_cmd(s);
    case ACT_DELAY_RSP:
    case ACT_HOLD_RSP:
    case ACT_CLOSE_RSP:
        return rsp_fault_take(s, h->code);
    default:
        return data_relay_rsp(s, TRACE_FATE_RELAYED);
    }
}

/* swtpm's answer never became a frame: TPM_RC_FAILURE to the guest (or
 * nothing, when QEMU is gone or the rule drops responses; a close on the
 * response still closes).  A delayed or held response is not waited for. */
static void rsp_failed(struct shim *s)
{
    struct data_relay *d = &s->data;
    unsigned has = d->rsp_have >= TPM_HDR_SIZE ? HAS_TPM : 0;
    uint32_t tpm_rc = has ? be32_at(d->rsp + 6) : 0;
    if (d->qemu_fd < 0 || d->dec.action == ACT_DROP) {
        trace_rsp(s, has, 0, tpm_rc, TRACE_FATE_DROPPED);
        return next_cmd(s);
    }
    if (d->dec.action == ACT_CLOSE_RSP)
        return data_close_for_rsp(s, has, tpm_rc);
    answer_guest(s, TPM2_RC_FAILURE, TPM12_FAIL, has, tpm_rc,
                 TRACE_FATE_SYNTHESISED);
}

static void on_rsp_timeout(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.rsp_timer = 0;
    trace_error(&s->trace, "swtpm response incomplete at the deadline "
                "(%zu bytes)", s->data.rsp_have);
    rsp_failed(s);
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

void data_on_tpm(struct evloop *l, int fd, int mask, void *p)
{
    (void)l;
    struct shim *s = p;
    struct data_relay *d = &s->data;
    struct tpm_hdr h;
    char *err = NULL;
    if (mask & EV_WRITE)
        return data_write_more(s);   /* reading waits for the next round */
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
        return rsp_failed(s);
    }
    if (d->rsp_have == h.size)
        rsp_complete(s, &h);
}

int data_start(struct shim *s, int qemu_fd, int tpm_fd)
{
    struct data_relay *d = &s->data;
    d->qemu_fd = qemu_fd;
    d->tpm_fd = tpm_fd;
    if (evloop_watch(s->loop, tpm_fd, EV_READ, data_on_tpm, s) < 0) {
        d->qemu_fd = d->tpm_fd = -1;
        return -1;
    }
    next_cmd(s);
    return 0;
}
