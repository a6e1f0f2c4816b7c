/* The trace.jsonl format (docs/trace.md): every key and every enumerated
 * value, once, for the shim that writes it (shim/trace.h) and the reader
 * (verify/trace.h) alike.  Lines are flat JSON objects, one a line; a line
 * is a frame (TRACE_K_DIR) or an event (TRACE_K_EVENT).  Readers ignore
 * keys and values they do not know, so a key may be added, never renamed.
 * Below verify/ and shim/: it knows the TPM families (tpm/frame.h) and
 * nothing else of the harness. */
#ifndef TPMFAULT_TRACE_FORMAT_H
#define TPMFAULT_TRACE_FORMAT_H

#include "tpm/frame.h"

/* On every line. */
#define TRACE_K_T     "t"      /* seconds since the shim started (monotonic) */
#define TRACE_K_ORD   "ord"    /* data-channel command ordinal from 1, on a
                                * frame and the events about it; absent on
                                * lines about no command */
#define TRACE_K_DIR   "dir"    /* a frame: enum trace_dir */
#define TRACE_K_EVENT "event"  /* an event: enum trace_event */

/* Frames (command and response lines). */
#define TRACE_K_CC        "cc"         /* command code (2.0) or ordinal (1.2),
                                        * "0x%08x" */
#define TRACE_K_NAME      "name"       /* cc's name in the frame's family
                                        * (tpm_cc_name): for people, never
                                        * matched on */
#define TRACE_K_FORWARDED "forwarded"  /* cmd, release: reached swtpm */
#define TRACE_K_FATE      "fate"       /* enum trace_fate (cmd, rsp, ctrl) */
#define TRACE_K_FAULT     "fault"      /* cmd: an object when a rule fired */
#define TRACE_K_PCR       "pcr"        /* cmd (an extend), pcr_truth: index */
#define TRACE_K_DIGESTS   "digests"    /* cmd (an extend): {"sha1": hex, ..}
                                        * one lowercase hex digest a bank */
#define TRACE_K_PARSE_ERROR "parse_error" /* cmd: the extend did not parse */
#define TRACE_K_RC        "rc"         /* rsp: what the guest received,
                                        * "0x%08x"; absent: nothing.  In
                                        * "fault": the code the rule answers */
#define TRACE_K_RC_NAME   "rc_name"    /* rsp: rc's name, when it has one */
#define TRACE_K_TPM_RC    "tpm_rc"     /* rsp: swtpm's own answer, present
                                        * when the command was forwarded and
                                        * swtpm's header arrived */

/* Members of "fault" (and the rules of a "faults" event). */
#define TRACE_K_RULE         "rule"          /* the rule's name */
#define TRACE_K_ACTION       "action"        /* fault_action_name */
#define TRACE_K_DELAY_MS     "delay_ms"      /* delay, or a hold's limit */
#define TRACE_K_APPLIED_LATE "applied_late"  /* a hold forwards at its end */
#define TRACE_K_ON_CANCEL    "on_cancel"     /* TRACE_V_IGNORE: a hold that a
                                              * cancel does not end */
#define TRACE_K_DIRECTION    "direction"     /* TRACE_V_RESPONSE: the rule acts
                                              * on swtpm's response (also on a
                                              * release of a held response) */
#define TRACE_V_RESPONSE "response"
#define TRACE_V_IGNORE   "ignore"

/* Events' members, by event. */
#define TRACE_K_LISTEN     "listen"      /* start: the shim's control socket */
#define TRACE_K_SWTPM_CTRL "swtpm_ctrl"  /* start: swtpm's control socket */
#define TRACE_K_TPM        "tpm"         /* faults: trace_family_name */
#define TRACE_K_SEED       "seed"        /* faults: decimal string */
#define TRACE_K_RULES      "rules"       /* faults: [{name, action,
                                          * direction}] */
#define TRACE_K_CMD        "cmd"         /* ctrl: CMD_INIT, ... for people */
#define TRACE_K_CODE       "code"        /* ctrl: the tpm_ioctl.h number
                                          * (CMD_CANCEL_TPM_CMD, ...): what
                                          * readers match on */
#define TRACE_K_RESULT     "result"      /* ctrl: the result QEMU got */
#define TRACE_K_WHY        "why"         /* release, hold: enum trace_why */
#define TRACE_K_AFTER_ORD  "after_ord"   /* pcr_truth: the last command */
#define TRACE_K_READ_S     "read_s"      /* pcr_truth: when it was read */
#define TRACE_K_BANKS      "banks"       /* pcr_truth: as TRACE_K_DIGESTS */
#define TRACE_K_WHAT       "what"        /* error: what went wrong */
#define TRACE_K_SHORT_US   "tpm_short_us"     /* durations: what swtpm */
#define TRACE_K_MEDIUM_US  "tpm_medium_us"    /* reported for the TIS */
#define TRACE_K_LONG_US    "tpm_long_us"      /* durations, microseconds */
#define TRACE_K_REPORTED_MAX_US "reported_max_us"  /* the cap the guest got */
#define TRACE_K_PREFIX     "prefix"      /* restore: the snapshot's trace */
#define TRACE_K_PREFIX_FRAMES "prefix_frames"  /* restore: its commands */

enum trace_dir {
    TRACE_DIR_CMD,     /* "cmd": a guest command reached the shim */
    TRACE_DIR_RSP,     /* "rsp": what became of its response */
    TRACE_DIRS
};

enum trace_event {
    TRACE_EV_START,      /* the shim listens */
    TRACE_EV_FAULTS,     /* the fault rules in force, the run's family */
    TRACE_EV_CONNECTED,  /* QEMU connected to the control socket */
    TRACE_EV_CTRL,       /* one control-channel request and its result */
    TRACE_EV_RELEASE,    /* a held command (or response) let go */
    TRACE_EV_HOLD,       /* a cancel a hold did not obey */
    TRACE_EV_DURATIONS,  /* TPM 1.2 TIS durations capped */
    TRACE_EV_PCR_TRUTH,  /* PCR 10 read from swtpm before CMD_SHUTDOWN */
    TRACE_EV_ERROR,      /* something the shim could not relay or parse */
    TRACE_EV_RESTORE,    /* a run from a snapshot: the lines before it, after
                          * the shim's own, are the snapshot's boot */
    TRACE_EV_RESTORED,   /* swtpm has the snapshot's state: rules apply */
    TRACE_EVENTS
};

/* What became of a command (cmd line), its response (rsp line) or a
 * control request (ctrl event). */
enum trace_fate {
    TRACE_FATE_RELAYED,     /* cmd: forwarded at once; rsp: swtpm's answer
                             * passed on; ctrl: relayed to swtpm */
    TRACE_FATE_ANSWERED,    /* cmd, ctrl: the shim answered it itself */
    TRACE_FATE_DELAYED,     /* cmd: forwarded late; rsp: relayed late */
    TRACE_FATE_HELD,        /* cmd, rsp: held until a cancel, the limit or
                             * shutdown (a release event follows) */
    TRACE_FATE_CLOSED,      /* cmd, rsp: the data channel closed instead */
    TRACE_FATE_REPLACED,    /* rsp: a rule's code instead of swtpm's */
    TRACE_FATE_SYNTHESISED, /* rsp: the shim's own answer, not forwarded */
    TRACE_FATE_DROPPED,     /* rsp: swtpm answered, the guest got nothing */
    TRACE_FATES
};

/* Why a hold ended (release) or did not (hold). */
enum trace_why {
    TRACE_WHY_CANCEL,          /* QEMU sent CMD_CANCEL_TPM_CMD */
    TRACE_WHY_HOLD_LIMIT,      /* the rule's delay_ms ended */
    TRACE_WHY_SHUTDOWN,        /* QEMU sent CMD_SHUTDOWN */
    TRACE_WHY_CANCEL_IGNORED,  /* hold: on_cancel = ignore */
    TRACE_WHYS
};

/* Each enum's one name table, both ways: a name, and the value of a name
 * (-1 for NULL or one this format does not have). */
const char *trace_dir_name(enum trace_dir d);
int trace_dir_of(const char *name);
const char *trace_event_name(enum trace_event e);
int trace_event_of(const char *name);
const char *trace_fate_name(enum trace_fate f);
int trace_fate_of(const char *name);
const char *trace_why_name(enum trace_why w);
int trace_why_of(const char *name);
/* TRACE_K_TPM: "2.0", "1.2"; a trace without it is 2.0. */
const char *trace_family_name(enum tpm_family f);
enum tpm_family trace_family_of(const char *name);

#endif
