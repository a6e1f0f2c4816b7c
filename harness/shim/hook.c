#include "shim/hook.h"

struct relay_decision relay_decide_default(void *ctx,
                                           const struct inflight *cmd,
                                           const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)cmd;
    (void)frame;
    (void)len;
    return (struct relay_decision){ ACT_RELAY, 0 };
}

const char *relay_fate(enum relay_action a)
{
    switch (a) {
    case ACT_RELAY:
        return "relayed";
    case ACT_ANSWER:
        return "answered";
    }
    return "unknown";
}
