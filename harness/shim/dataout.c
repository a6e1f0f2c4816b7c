/* The data channel's writes: a command frame to swtpm, a response to
 * QEMU.  What the peer takes at once is written at once (the usual case:
 * a frame fits its socket buffer); the rest is written by the loop when
 * the peer's socket is writable, within SHIM_IO_MS for the frame.  So a
 * peer slow to read never blocks the shim: control requests (QEMU's
 * CMD_CANCEL_TPM_CMD, sent under its big lock) and stop signals are
 * served meanwhile.  The end goes back to data.c (data_written,
 * data_write_failed). */
#include "shim/shim.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shim/io.h"

static void on_writable(struct evloop *l, int fd, int mask, void *p);

/* 1 all written, 0 the rest must wait, -1 failed (errno). */
static int write_some(struct data_relay *d)
{
    while (d->out.done < d->out.n) {
        ssize_t r = io_send_some(d->out.fd, d->out.p + d->out.done,
                                 d->out.n - d->out.done);
        if (r > 0) {
            d->out.done += (size_t)r;
            continue;
        }
        return r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -1;
    }
    return 1;
}

static void write_end(struct shim *s, bool ok, const char *why)
{
    struct data_relay *d = &s->data;
    bool to_tpm = d->out.to_tpm;
    char msg[160] = "";
    if (!ok)
        snprintf(msg, sizeof(msg), "write (%zu of %zu bytes done): %s",
                 d->out.done, d->out.n, why);
    data_write_stop(s);
    if (ok)
        data_written(s, to_tpm);
    else
        data_write_failed(s, to_tpm, msg);
}

/* r from write_some: true when the write is over (all written, or
 * failed), and then it has been ended. */
static bool ended(struct shim *s, int r)
{
    if (r == 0)
        return false;
    write_end(s, r > 0, r > 0 ? "" : strerror(errno));
    return true;
}

static void on_write_timeout(struct evloop *l, long long id, void *p)
{
    (void)l;
    (void)id;
    struct shim *s = p;
    s->data.out.timer = 0;
    write_end(s, false, "the peer took nothing more within the deadline");
}

void data_write_more(struct shim *s)
{
    ended(s, write_some(&s->data));
}

static void on_writable(struct evloop *l, int fd, int mask, void *p)
{
    (void)l;
    (void)fd;
    (void)mask;
    data_write_more(p);
}

void data_write(struct shim *s, bool to_tpm, const uint8_t *p, size_t n)
{
    struct data_relay *d = &s->data;
    d->out.fd = to_tpm ? d->tpm_fd : d->qemu_fd;
    d->out.to_tpm = to_tpm;
    d->out.p = p;
    d->out.n = n;
    d->out.done = 0;
    if (ended(s, write_some(d)))
        return;
    d->out.timer = evloop_timer(s->loop, SHIM_IO_MS, on_write_timeout, s);
    /* swtpm's fd keeps its read watch (data_on_tpm passes EV_WRITE
     * here); QEMU sends nothing while it waits for the response */
    if (to_tpm)
        evloop_watch(s->loop, d->tpm_fd, EV_READ | EV_WRITE, data_on_tpm, s);
    else
        evloop_watch(s->loop, d->qemu_fd, EV_WRITE, on_writable, s);
}

void data_write_stop(struct shim *s)
{
    struct data_relay *d = &s->data;
    if (d->out.fd < 0)
        return;
    shim_timer_off(s, &d->out.timer);
    if (d->out.to_tpm && d->tpm_fd >= 0)
        evloop_watch(s->loop, d->tpm_fd, EV_READ, data_on_tpm, s);
    else if (!d->out.to_tpm && d->qemu_fd >= 0)
        evloop_watch(s->loop, d->qemu_fd, 0, NULL, NULL);
    d->out.fd = -1;
}
