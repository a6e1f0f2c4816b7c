#include "trace/format.h"

#include <string.h>

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const char *const dir_names[TRACE_DIRS] = {
    [TRACE_DIR_CMD] = "cmd", [TRACE_DIR_RSP] = "rsp",
};

static const char *const event_names[TRACE_EVENTS] = {
    [TRACE_EV_START] = "start",         [TRACE_EV_FAULTS] = "faults",
    [TRACE_EV_CONNECTED] = "connected", [TRACE_EV_CTRL] = "ctrl",
    [TRACE_EV_RELEASE] = "release",     [TRACE_EV_HOLD] = "hold",
    [TRACE_EV_DURATIONS] = "durations", [TRACE_EV_PCR_TRUTH] = "pcr_truth",
    [TRACE_EV_ERROR] = "error",         [TRACE_EV_RESTORE] = "restore",
    [TRACE_EV_RESTORED] = "restored",
};

static const char *const fate_names[TRACE_FATES] = {
    [TRACE_FATE_RELAYED] = "relayed",   [TRACE_FATE_ANSWERED] = "answered",
    [TRACE_FATE_DELAYED] = "delayed",   [TRACE_FATE_HELD] = "held",
    [TRACE_FATE_CLOSED] = "closed",     [TRACE_FATE_REPLACED] = "replaced",
    [TRACE_FATE_SYNTHESISED] = "synthesised",
    [TRACE_FATE_DROPPED] = "dropped",
};

static const char *const why_names[TRACE_WHYS] = {
    [TRACE_WHY_CANCEL] = "cancel", [TRACE_WHY_HOLD_LIMIT] = "hold-limit",
    [TRACE_WHY_SHUTDOWN] = "shutdown",
    [TRACE_WHY_CANCEL_IGNORED] = "cancel ignored",
};

static const char *const family_names[] = {
    [TPM_FAMILY_20] = "2.0", [TPM_FAMILY_12] = "1.2",
};

/* The writer's direction: a value outside the table is a bug, named
 * rather than crashed on. */
static const char *name_at(const char *const *names, int n, int i)
{
    return i >= 0 && i < n ? names[i] : "unknown";
}

/* The reader's direction. */
static int index_of(const char *const *names, int n, const char *name)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

#define BOTH_WAYS(type, prefix, table)                                    \
    const char *prefix##_name(type v)                                     \
    {                                                                     \
        return name_at(table, COUNT(table), (int)v);                      \
    }                                                                     \
    int prefix##_of(const char *name)                                     \
    {                                                                     \
        return index_of(table, COUNT(table), name);                       \
    }

BOTH_WAYS(enum trace_dir, trace_dir, dir_names)
BOTH_WAYS(enum trace_event, trace_event, event_names)
BOTH_WAYS(enum trace_fate, trace_fate, fate_names)
BOTH_WAYS(enum trace_why, trace_why, why_names)

const char *trace_family_name(enum tpm_family f)
{
    return name_at(family_names, COUNT(family_names), (int)f);
}

enum tpm_family trace_family_of(const char *name)
{
    return index_of(family_names, COUNT(family_names), name) == TPM_FAMILY_12
               ? TPM_FAMILY_12 : TPM_FAMILY_20;
}
