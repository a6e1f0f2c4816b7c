/* The fault engine: which frames a scenario's rules fire on, and what they
 * do.  A pure function of (rule state, frame, seed): no sockets, no clock.
 *
 * Evaluation, for each rule in script order, on each guest command:
 *   1. match: command code (or any), PCR index (PCR_Extend only);
 *      a frame that does not match leaves the rule untouched.  The
 *      direction (command or response) is a match key too, but every guest
 *      command has both frames, so it never changes whether a rule matches
 *      or counts: it is carried into the decision (on_response), which
 *      says which frame of the exchange the action acts on;
 *   2. count: the rule's matched-frame count k becomes k+1 (1-based).
 *      With count = measurements, k counts measurements instead: a frame
 *      that is a driver's resend (the same bytes as the command before it,
 *      which the guest was answered TPM_RC_RETRY or TPM_RC_TESTING) belongs
 *      to the measurement before it and leaves k alone; j, the frame's
 *      place in its measurement (1-based), counts the resends;
 *   3. draw: when the rule has a probability, its stream gives one draw for
 *      every matched frame (count = measurements: for every measurement,
 *      on its first frame), whatever the other triggers say, so the k-th
 *      matched frame always sees the same draw for a given seed;
 *   4. triggers, all that are set must hold, all on the same k:
 *      from <= k <= to; k > after; k == nth; k % every == offset;
 *      j <= burst; draw < ppm; fired < times (fired counts in k's unit:
 *      a measurement whose frames the rule fired on counts once);
 *   5. the first rule that fires decides the frame; later rules still count
 *      the frame (steps 1-3) but do not fire on it.
 * A failure-mode rule that fired stays in force: every later command is
 * answered TPM_RC_FAILURE without being forwarded, whatever the rule's
 * direction (with direction = response only the command it fired on was
 * applied). */
#ifndef TPMFAULT_ENGINE_H
#define TPMFAULT_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "faults/rng.h"

#define FAULT_MAX_RULES 32
#define FAULT_CC_ANY 0xffffffffu
#define FAULT_PCR_ANY (-1)

enum fault_action {
    FA_NONE,            /* relay */
    FA_ERROR,           /* answer rc, not forwarded */
    FA_APPLIED_ERROR,   /* forwarded (applied); the guest gets rc instead */
    FA_DELAY,           /* forwarded after delay_ms */
    FA_TIMEOUT,         /* held until the guest cancels (or hold_ms) */
    FA_CANCEL,          /* answer TPM_RC_CANCELED, not forwarded */
    FA_DROP_RESPONSE,   /* forwarded, never answered */
    FA_FAILURE_MODE,    /* this and every later command: TPM_RC_FAILURE */
    FA_CLOSE,           /* the data channel closes, as if swtpm died */
};

/* Which frame of the exchange a rule's action acts on.  Stored as a
 * script's enumerated value (kv.h): index + 1 of its name, 0 = not given. */
enum fault_direction {
    FD_UNSET,           /* not given: FD_COMMAND */
    FD_COMMAND,         /* the guest's command, before it reaches swtpm */
    FD_RESPONSE,        /* swtpm's response: the command is always applied */
};

/* What k counts (a script's enumerated value, as enum fault_direction). */
enum fault_count {
    FK_UNSET,           /* not given: FK_FRAMES */
    FK_FRAMES,          /* every matched frame */
    FK_MEASUREMENTS,    /* a driver's resend counts with its original */
};

/* What a timeout's hold does with QEMU's CMD_CANCEL_TPM_CMD (a script's
 * enumerated value, as enum fault_direction). */
enum fault_on_cancel {
    FC_UNSET,           /* not given: FC_RELEASE */
    FC_RELEASE,         /* the cancel ends the hold */
    FC_IGNORE,          /* the hold lasts delay_ms whatever the guest does */
};

struct fault_rule {
    char name[32];
    int line;                  /* where the script defines it */
    /* match */
    uint32_t cc;               /* FAULT_CC_ANY or a command code */
    int pcr;                   /* FAULT_PCR_ANY or an index */
    int direction;             /* enum fault_direction */
    int count;                 /* enum fault_count */
    /* triggers: 0 = not set */
    unsigned nth, after, every, times, from, to;
    unsigned offset;           /* every's residue: k % every == offset */
    unsigned burst;            /* count = measurements: frames j <= burst */
    unsigned ppm;              /* 0 = not set; 1..1000000 */
    bool has_ppm;
    /* action */
    enum fault_action action;
    uint32_t rc;               /* FA_ERROR, FA_APPLIED_ERROR; FA_TIMEOUT:
                                * the answer when the hold ends */
    bool has_rc, has_applied;  /* given in the script (for its checks) */
    unsigned delay_ms;         /* FA_DELAY; FA_TIMEOUT: hold limit (0: until cancel) */
    bool applied_late;         /* FA_TIMEOUT: forward on cancel (applied) */
    int on_cancel;             /* FA_TIMEOUT: enum fault_on_cancel */
    /* how cc and rc were written (enum fault_names), so a script naming a
     * TPM 2.0 command on a TPM 1.2 run, or the reverse, is an error */
    int cc_names, rc_names;
};

/* Whose name a rule's command or response code was given by. */
enum fault_names {
    FN_NUMBER,          /* a number, any, or not given */
    FN_TPM20,           /* a TPM 2.0 name: PCR_Extend, TPM_RC_FAILURE */
    FN_TPM12,           /* a TPM 1.2 name: TPM_ORD_Extend, TPM_FAIL */
};

struct fault_rule_state {
    uint64_t matched;          /* matched frames */
    uint64_t measured;         /* matched measurements */
    uint64_t in_measurement;   /* j: the frame's place in its measurement */
    uint64_t fired;            /* firings, in k's unit */
    uint64_t fired_on;         /* the k it last fired on (0: none) */
    bool draw_ok;              /* the current measurement's draw */
    struct rng rng;
};


struct fault_engine {
    struct fault_rule rules[FAULT_MAX_RULES];
    struct fault_rule_state state[FAULT_MAX_RULES];
    int n;
    uint64_t seed;
    bool failure_mode;         /* a failure-mode rule fired */
    int failure_rule;
    /* the command decided last and what the guest was answered, so the
     * next frame can be told a resend */
    uint64_t last_id;
    uint32_t last_rc;
    bool last_answered;
};

/* The frame being decided: the guest command's code, PCR index for
 * PCR_Extend (FAULT_PCR_ANY otherwise), its data-channel ordinal, and its
 * identity (a hash of its bytes; 0: unknown, never a resend). */
struct fault_frame {
    uint32_t cc;
    int pcr;
    uint64_t ordinal;
    uint64_t id;
};

struct fault_decision {
    enum fault_action action;
    int rule;                  /* index, or -1 */
    uint32_t rc;               /* the answer (fault_decision_answer) */
    unsigned delay_ms;
    bool applied_late;         /* FA_TIMEOUT: implied when on_response */
    bool end_rc;               /* FA_TIMEOUT: the hold ends answering rc,
                                * not with swtpm's response (applied) or
                                * TPM_RC_CANCELED (not applied) */
    bool ignore_cancel;        /* FA_TIMEOUT: only delay_ms ends the hold */
    bool on_response;          /* the action acts on swtpm's response */
    bool forwarded;            /* whether the command reaches swtpm */
};

/* Reset every rule's state and seed its stream. */
void fault_engine_start(struct fault_engine *e, uint64_t seed);
void fault_decide(struct fault_engine *e, const struct fault_frame *f,
                  struct fault_decision *d);
/* The guest got rc for the frame decided last (not called: it got
 * nothing).  A TPM_RC_RETRY or TPM_RC_TESTING makes an identical next
 * frame a resend of the same measurement. */
void fault_note_answer(struct fault_engine *e, uint32_t rc);
/* Whether the Linux driver resends the same command after rc: TPM 2.0's
 * TPM_RC_RETRY or TPM_RC_TESTING. */
bool fault_rc_resent(uint32_t rc);

/* The response code a decision has the guest answered instead of swtpm's
 * (error, applied-then-error, cancel, failure-mode, a timeout with rc):
 * true and *rc, else false. */
bool fault_decision_answer(const struct fault_decision *d, uint32_t *rc);

const char *fault_action_name(enum fault_action a);
/* Whether a command under this action reaches swtpm: always when the
 * action acts on the response. */
bool fault_action_forwards(enum fault_action a, bool applied_late,
                           bool on_response);

#endif
