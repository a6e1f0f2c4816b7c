/* The timeline on a terminal: `tpmfault show`'s tables, and the compact
 * form every run prints after its verdict. */
#ifndef TPMFAULT_TIMELINE_TEXT_H
#define TPMFAULT_TIMELINE_TEXT_H

#include <stdbool.h>
#include <stdio.h>

#include "view/table.h"
#include "view/timeline.h"

/* The cells of the command table (IMA's PCR 10 extends, the commands a
 * rule fired on, cancels and the shutdown; with all, every command and
 * control message) and of the entry table, for a terminal or a page. */
void timeline_command_table(const struct timeline *tl, bool all,
                            struct table *tab);
void timeline_entry_table(const struct timeline *tl, struct table *tab);

/* The command table and the entry table. */
void timeline_print(FILE *out, const struct timeline *tl, bool all, bool colour);

/* Each fault firing (rule, frames, entry, what the guest saw, applied or
 * not) and each entry not in PCR 10 exactly once, one line each. */
void timeline_print_compact(FILE *out, const struct timeline *tl);

#endif
