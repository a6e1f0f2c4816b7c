/* The [fault] section of a scenario: one fault rule per section. */
#ifndef TPMFAULT_FAULT_KEYS_H
#define TPMFAULT_FAULT_KEYS_H

#include "faults/engine.h"
#include "faults/kv.h"

extern const struct kv_spec fault_keys[];

/* Defaults for a new rule named "faultN" (N 1-based) defined at line. */
void fault_rule_init(struct fault_rule *r, int n, int line);
/* Checks across one rule's keys; *err names path and the rule's line. */
int fault_rule_check(const struct fault_rule *r, const char *path, char **err);

#endif
