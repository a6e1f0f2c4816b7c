/* A small poll(2) event loop with file and timer events, in the spirit of
 * redis ae.c.  One thread; handlers run to completion and must not block
 * without a deadline.  Stop signals are seen through ppoll(2): the
 * caller blocks them and passes the mask to wait with plus a flag that
 * its handler sets, so a signal can never slip in between check and wait. */
#ifndef TPMFAULT_EVLOOP_H
#define TPMFAULT_EVLOOP_H

#include <signal.h>
#include <stdint.h>

#define EV_READ  1
#define EV_WRITE 2

#define EV_MAX_FILES  16
#define EV_MAX_TIMERS 16

struct evloop;
typedef void ev_file_fn(struct evloop *l, int fd, int mask, void *data);
typedef void ev_timer_fn(struct evloop *l, long long id, void *data);

struct evloop *evloop_new(void);
void evloop_free(struct evloop *l);

/* Watch fd for mask (replacing an earlier watch of fd).  mask 0 = stop
 * watching.  Returns 0, or -1 when the table is full. */
int evloop_watch(struct evloop *l, int fd, int mask, ev_file_fn *fn,
                 void *data);
void evloop_unwatch(struct evloop *l, int fd);

/* One-shot timer after ms milliseconds.  Returns an id > 0, or -1. */
long long evloop_timer(struct evloop *l, uint64_t ms, ev_timer_fn *fn,
                       void *data);
/* Cancel a timer; ids that already fired or are 0/-1 are ignored. */
void evloop_cancel(struct evloop *l, long long id);

/* Wait with sigmask unblocked; stop when *flag becomes non-zero. */
void evloop_signals(struct evloop *l, const sigset_t *wait_mask,
                    volatile sig_atomic_t *flag);

void evloop_stop(struct evloop *l);
/* Run until stopped, a signal flag is set, or nothing is left to wait
 * for.  Returns 0, or 1 when a signal ended the loop. */
int evloop_run(struct evloop *l);

/* Monotonic milliseconds. */
uint64_t evloop_now_ms(void);

#endif
