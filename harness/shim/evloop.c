#include "shim/evloop.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

struct file_ev {
    int fd;          /* -1 = free slot */
    int mask;
    ev_file_fn *fn;
    void *data;
};

struct timer_ev {
    long long id;    /* 0 = free slot */
    uint64_t when;
    ev_timer_fn *fn;
    void *data;
};

struct evloop {
    struct file_ev files[EV_MAX_FILES];
    struct timer_ev timers[EV_MAX_TIMERS];
    long long next_id;
    bool stop;
    const sigset_t *wait_mask;
    volatile sig_atomic_t *sig_flag;
};

uint64_t evloop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

struct evloop *evloop_new(void)
{
    struct evloop *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    for (int i = 0; i < EV_MAX_FILES; i++)
        l->files[i].fd = -1;
    return l;
}

void evloop_free(struct evloop *l)
{
    free(l);
}

static struct file_ev *find_file(struct evloop *l, int fd)
{
    for (int i = 0; i < EV_MAX_FILES; i++)
        if (l->files[i].fd == fd)
            return &l->files[i];
    return NULL;
}

int evloop_watch(struct evloop *l, int fd, int mask, ev_file_fn *fn,
                 void *data)
{
    if (fd < 0)
        return -1;
    struct file_ev *f = find_file(l, fd);
    if (!f && mask == 0)
        return 0;
    if (!f)
        f = find_file(l, -1);
    if (!f)
        return -1;
    if (mask == 0) {
        f->fd = -1;
        return 0;
    }
    *f = (struct file_ev){ fd, mask, fn, data };
    return 0;
}

void evloop_unwatch(struct evloop *l, int fd)
{
    struct file_ev *f = (!l || fd < 0) ? NULL : find_file(l, fd);
    if (f)
        f->fd = -1;
}

long long evloop_timer(struct evloop *l, uint64_t ms, ev_timer_fn *fn,
                       void *data)
{
    for (int i = 0; i < EV_MAX_TIMERS; i++) {
        if (l->timers[i].id)
            continue;
        l->timers[i] = (struct timer_ev){ ++l->next_id,
                                          evloop_now_ms() + ms, fn, data };
        return l->timers[i].id;
    }
    return -1;
}

void evloop_cancel(struct evloop *l, long long id)
{
    if (!l || id <= 0)
        return;
    for (int i = 0; i < EV_MAX_TIMERS; i++)
        if (l->timers[i].id == id)
            l->timers[i].id = 0;
}

void evloop_signals(struct evloop *l, const sigset_t *wait_mask,
                    volatile sig_atomic_t *flag)
{
    l->wait_mask = wait_mask;
    l->sig_flag = flag;
}

void evloop_stop(struct evloop *l)
{
    l->stop = true;
}

/* Milliseconds until the next timer (-1: none), and whether any exist. */
static int next_timeout(struct evloop *l, bool *any)
{
    uint64_t now = evloop_now_ms(), best = UINT64_MAX;
    *any = false;
    for (int i = 0; i < EV_MAX_TIMERS; i++) {
        if (!l->timers[i].id)
            continue;
        *any = true;
        if (l->timers[i].when < best)
            best = l->timers[i].when;
    }
    if (!*any)
        return -1;
    return best <= now ? 0 : (int)(best - now);
}

static void fire_timers(struct evloop *l)
{
    uint64_t now = evloop_now_ms();
    for (int i = 0; i < EV_MAX_TIMERS && !l->stop; i++) {
        struct timer_ev t = l->timers[i];
        if (!t.id || t.when > now)
            continue;
        l->timers[i].id = 0;   /* one-shot: free before the call */
        t.fn(l, t.id, t.data);
    }
}

/* Call the handlers of ready fds; a handler may unwatch or replace any
 * watch, so each one is re-checked against the table before its call. */
static void fire_files(struct evloop *l, struct pollfd *pfd, int n)
{
    for (int i = 0; i < n && !l->stop; i++) {
        if (!pfd[i].revents)
            continue;
        struct file_ev *f = find_file(l, pfd[i].fd);
        if (!f)
            continue;
        int mask = 0;
        /* Errors and hang-ups wake both directions: the I/O sees them. */
        if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))
            mask |= EV_READ;
        if (pfd[i].revents & (POLLOUT | POLLHUP | POLLERR | POLLNVAL))
            mask |= EV_WRITE;
        mask &= f->mask;
        if (mask)
            f->fn(l, f->fd, mask, f->data);
    }
}

static int build_pollfds(struct evloop *l, struct pollfd *pfd)
{
    int n = 0;
    for (int i = 0; i < EV_MAX_FILES; i++) {
        struct file_ev *f = &l->files[i];
        if (f->fd < 0)
            continue;
        pfd[n].fd = f->fd;
        pfd[n].events = (short)(((f->mask & EV_READ) ? POLLIN : 0) |
                                ((f->mask & EV_WRITE) ? POLLOUT : 0));
        pfd[n].revents = 0;
        n++;
    }
    return n;
}

int evloop_run(struct evloop *l)
{
    l->stop = false;
    while (!l->stop) {
        if (l->sig_flag && *l->sig_flag)
            return 1;
        struct pollfd pfd[EV_MAX_FILES];
        bool any_timer;
        int n = build_pollfds(l, pfd);
        int to = next_timeout(l, &any_timer);
        if (n == 0 && !any_timer)
            break;
        struct timespec ts = { to / 1000, (long)(to % 1000) * 1000000 };
        int r = ppoll(pfd, (nfds_t)n, to < 0 ? NULL : &ts, l->wait_mask);
        if (r < 0 && errno != EINTR)
            return -1;
        if (r > 0)
            fire_files(l, pfd, n);
        fire_timers(l);
    }
    return (l->sig_flag && *l->sig_flag) ? 1 : 0;
}
