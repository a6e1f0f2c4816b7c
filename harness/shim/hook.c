#include "shim/hook.h"

struct relay_decision relay_decide_default(void *ctx,
                                           const struct inflight *cmd,
                                           const uint8_t *frame, size_t len)
{
    (void)ctx;
    (void)cmd;
    (void)frame;
    (void)len;
    return (struct relay_decision){ .action = ACT_RELAY };
}

enum trace_fate relay_fate(enum relay_action a)
{
    switch (a) {
    case ACT_RELAY:
    case ACT_REPLACE:
    case ACT_DROP:
    case ACT_DELAY_RSP:
    case ACT_HOLD_RSP:
    case ACT_CLOSE_RSP:
        return TRACE_FATE_RELAYED;
    case ACT_ANSWER:
        return TRACE_FATE_ANSWERED;
    case ACT_DELAY:
        return TRACE_FATE_DELAYED;
    case ACT_HOLD:
        return TRACE_FATE_HELD;
    case ACT_CLOSE:
        return TRACE_FATE_CLOSED;
    }
    return TRACE_FATE_RELAYED;
}

bool relay_forwards(enum relay_action a)
{
    switch (a) {
    case ACT_RELAY:
    case ACT_REPLACE:
    case ACT_DELAY:
    case ACT_DROP:
    case ACT_DELAY_RSP:
    case ACT_HOLD_RSP:
    case ACT_CLOSE_RSP:
        return true;
    default:
        return false;
    }
}
