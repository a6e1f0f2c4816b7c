/* Shim lifecycle: listen, connect to swtpm (retrying until the startup
 * deadline: swtpm may still be starting), accept exactly one QEMU
 * connection, run the relays, clean up. */
#include "shim/shim.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "shim/io.h"
#include "util/err.h"
#include "util/sig.h"

#define CONNECT_RETRY_MS 50

void shim_finish(struct shim *s, int code)
{
    if (s->exit_code < 0)
        s->exit_code = code;
    evloop_stop(s->loop);
}

void shim_timer_off(struct shim *s, long long *t)
{
    evloop_cancel(s->loop, *t);
    *t = 0;
}

static void on_start_deadline(struct evloop *l, long long id, void *d)
{
    (void)l;
    (void)id;
    struct shim *s = d;
    s->start_timer = 0;
    trace_error(&s->trace, "startup deadline of %u ms: %s",
                s->cfg.deadline_ms,
                s->ctrl.tpm_fd < 0 ? "swtpm control socket not connected"
                                   : "QEMU did not connect");
    shim_finish(s, 1);
}

static void on_listen(struct evloop *l, int fd, int mask, void *d)
{
    (void)mask;
    struct shim *s = d;
    int q = io_accept(fd);
    if (q < 0)
        return;   /* spurious wake-up or a client that gave up: keep on */
    evloop_unwatch(l, fd);
    shim_timer_off(s, &s->start_timer);
    trace_event(&s->trace, 0, TRACE_EV_CONNECTED);
    trace_end(&s->trace);
    ctrl_start(s, q);
}

static void on_connect_retry(struct evloop *l, long long id, void *d)
{
    (void)id;
    struct shim *s = d;
    s->retry_timer = 0;
    int fd = io_connect_unix(s->cfg.swtpm_ctrl_path);
    if (fd >= 0) {
        s->ctrl.tpm_fd = fd;
        evloop_watch(l, s->listen_fd, EV_READ, on_listen, s);
        return;
    }
    if (errno != ENOENT && errno != ECONNREFUSED) {
        trace_error(&s->trace, "connect %s: %s", s->cfg.swtpm_ctrl_path,
                    strerror(errno));
        return shim_finish(s, 1);
    }
    s->retry_timer = evloop_timer(l, CONNECT_RETRY_MS, on_connect_retry, s);
}

static void trace_start(struct shim *s)
{
    struct json *j = trace_event(&s->trace, 0, TRACE_EV_START);
    json_str(j, TRACE_K_LISTEN, s->cfg.listen_path);
    json_str(j, TRACE_K_SWTPM_CTRL, s->cfg.swtpm_ctrl_path);
    trace_end(&s->trace);
}

int shim_init(struct shim *s, const struct shim_config *cfg, char **err)
{
    memset(s, 0, sizeof(*s));
    s->cfg = *cfg;
    s->exit_code = -1;
    s->listen_fd = -1;
    s->ctrl = (struct ctrl_relay){ .qemu_fd = -1, .tpm_fd = -1,
                                   .fd_in = -1, .pair_keep = -1 };
    s->data.qemu_fd = s->data.tpm_fd = s->data.out.fd = -1;
    s->data.bufsize = SHIM_DEFAULT_BUFSIZE;
    s->decide = relay_decide_default;
    if (trace_open(&s->trace, cfg->trace_path, err) < 0)
        return -1;
    trace_start(s);
    s->loop = evloop_new();
    if (!s->loop)
        return err_set(err, "out of memory");
    s->listen_fd = io_listen_unix(cfg->listen_path, err);
    if (s->listen_fd < 0)
        return -1;
    s->start_timer = evloop_timer(s->loop, cfg->deadline_ms,
                                  on_start_deadline, s);
    s->retry_timer = evloop_timer(s->loop, 0, on_connect_retry, s);
    return 0;
}

static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig)
{
    stop_signal = sig;
}

volatile sig_atomic_t *shim_signals_install(sigset_t *wait_mask)
{
    sig_install_stop(on_stop_signal);
    /* Blocked but not in wait_mask: they arrive only inside a ppoll. */
    sigset_t block;
    sigemptyset(&block);
    sig_stop_add(&block);
    sigprocmask(SIG_BLOCK, &block, wait_mask);
    sig_stop_del(wait_mask);
    return &stop_signal;
}

int shim_run(struct shim *s, const sigset_t *wait_mask,
             volatile sig_atomic_t *signalled)
{
    evloop_signals(s->loop, wait_mask, signalled);
    io_stop_on(wait_mask, signalled);     /* and in every blocking wait */
    int r = evloop_run(s->loop);
    if (r == 1) {
        trace_error(&s->trace, "terminated by signal %d", (int)*signalled);
        shim_finish(s, 1);
    } else if (r < 0) {
        trace_error(&s->trace, "event loop: %s", strerror(errno));
        shim_finish(s, 1);
    }
    return s->exit_code < 0 ? 1 : s->exit_code;
}

void shim_fini(struct shim *s)
{
    data_close(s);
    ctrl_close(s);
    if (s->listen_fd >= 0) {
        close(s->listen_fd);
        unlink(s->cfg.listen_path);
    }
    s->listen_fd = -1;
    evloop_free(s->loop);
    s->loop = NULL;
    trace_close(&s->trace);
}
