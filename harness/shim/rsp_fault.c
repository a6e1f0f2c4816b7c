/* Faults on swtpm's response (a rule with direction = response).  The
 * command went to swtpm at once and swtpm has answered (so an extend is
 * applied); its response, complete in data.rsp, is then
 *   delay-rsp  relayed delay_ms later (an evloop timer; a cancel does not
 *              shorten it; shutdown relays it at once, data_settle);
 *   hold-rsp   held until CMD_CANCEL_TPM_CMD (unless the rule ignores
 *              it), the hold limit (delay_ms, when non-zero) or shutdown,
 *              all through data_release, then relayed (or replaced by the
 *              rule's rc).  A cancel that came while the command was still
 *              at swtpm (unless ignored), or a shutdown already waiting,
 *              ends the hold at once:
 *              QEMU's worker waits on the data fd, so every hold ends with
 *              a response;
 *   close-rsp  not relayed: the data socket towards QEMU closes.
 * While a response waits, the command is no longer at swtpm (later bytes
 * from swtpm are unsolicited), and it is "delaying" or "held", so the
 * control channel answers a cancel itself.  The response line is written
 * when the guest gets the response (TRACE_FATE_DELAYED, _HELD) or the
 * socket closes (TRACE_FATE_CLOSED), always with swtpm's tpm_rc. */
#include "shim/shim.h"

static void on_rsp_delay_end(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.hold_timer = 0;
    s->data.book.cur.delaying = false;
    data_relay_rsp(s, TRACE_FATE_DELAYED);
}

static void on_rsp_hold_limit(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.hold_timer = 0;
    data_release(s, TRACE_WHY_HOLD_LIMIT);
}

/* The data relay's hold_timer for ms; false when none could be set. */
static bool hold_timer_start(struct shim *s, unsigned ms, ev_timer_fn *fn)
{
    long long t = evloop_timer(s->loop, ms, fn, s);
    s->data.hold_timer = t > 0 ? t : 0;
    return t > 0;
}

static void delay_rsp(struct shim *s, bool shutting)
{
    if (shutting)   /* shutdown waits for this response: no delay */
        return data_relay_rsp(s, TRACE_FATE_RELAYED);
    s->data.book.cur.delaying = true;
    if (!hold_timer_start(s, s->data.dec.delay_ms, on_rsp_delay_end))
        on_rsp_delay_end(s->loop, 0, s);
}

static void hold_rsp(struct shim *s, bool shutting)
{
    struct inflight *f = &s->data.book.cur;
    unsigned limit = s->data.dec.delay_ms;
    f->held = true;
    if (shutting)
        return data_release(s, TRACE_WHY_SHUTDOWN);
    if (f->cancel_seen && !s->data.dec.ignore_cancel)
        /* the guest gave up while swtpm was at work */
        return data_release(s, TRACE_WHY_CANCEL);
    if (limit && !hold_timer_start(s, limit, on_rsp_hold_limit))
        data_release(s, TRACE_WHY_HOLD_LIMIT);
}

void rsp_fault_take(struct shim *s, uint32_t tpm_rc)
{
    bool shutting = s->ctrl.phase == CTRL_WAIT_IDLE;
    s->data.book.cur.at_tpm = false;
    switch (s->data.dec.action) {
    case ACT_DELAY_RSP:
        return delay_rsp(s, shutting);
    case ACT_HOLD_RSP:
        return hold_rsp(s, shutting);
    case ACT_CLOSE_RSP:
        return data_close_for_rsp(s, true, tpm_rc);
    default:
        return data_relay_rsp(s, TRACE_FATE_RELAYED);
    }
}
