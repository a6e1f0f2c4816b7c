/* Signals that stop a run or a suite. */
#ifndef TPMFAULT_SIG_H
#define TPMFAULT_SIG_H

#include <signal.h>

/* handler for SIGINT, SIGTERM and SIGHUP, without SA_RESTART so that a
 * sleep or wait in progress ends early and the caller sees the stop;
 * SIGPIPE ignored (a dead peer is an error return, not a death). */
void sig_install_stop(void (*handler)(int));
/* Add the stop signals sig_install_stop handles to set, or remove them. */
void sig_stop_add(sigset_t *set);
void sig_stop_del(sigset_t *set);

#endif
