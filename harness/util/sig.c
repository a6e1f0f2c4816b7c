#include "util/sig.h"

#include <signal.h>
#include <string.h>

static const int stops[] = { SIGINT, SIGTERM, SIGHUP };

void sig_install_stop(void (*handler)(int))
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        sigaction(stops[i], &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

void sig_stop_add(sigset_t *set)
{
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        sigaddset(set, stops[i]);
}

void sig_stop_del(sigset_t *set)
{
    for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++)
        sigdelset(set, stops[i]);
}
