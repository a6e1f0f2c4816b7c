/* The [fault] section of a scenario: one fault rule per section. */
#ifndef TPMFAULT_FAULT_KEYS_H
#define TPMFAULT_FAULT_KEYS_H

#include "faults/engine.h"
#include "faults/kv.h"

extern const struct kv_spec fault_keys[];
#define FAULT_KEY_MAX 32   /* entries in fault_keys[], room to spare */

/* Defaults for a new rule named "faultN" (N 1-based) defined at line. */
void fault_rule_init(struct fault_rule *r, int n, int line);
/* The line key (NULL: none) was given on, from key_line (may be NULL; as
 * below), else the rule's [fault] header line. */
int fault_key_line(const struct fault_rule *r, const int *key_line,
                   const char *key);
/* Checks across one rule's keys: every contradiction, one line each in
 * *err.  key_line (may be NULL) holds, for each fault_keys[] entry, the
 * line it was given on (0: not given); each line names the line of the
 * key at fault, else the rule's [fault] header line.  bad (may be NULL)
 * marks the keys whose value was in error: nothing is said about them. */
int fault_rule_check(const struct fault_rule *r, const char *path,
                     const int *key_line, const bool *bad, char **err);

#endif
