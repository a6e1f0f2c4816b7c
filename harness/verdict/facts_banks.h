/* The per-bank measurement lists of kernels from 6.10 on
 * (binary_runtime_measurements_<alg>): each bank replayed from its own list,
 * and the lists checked against the sha1 list. */
#ifndef TPMFAULT_FACTS_BANKS_H
#define TPMFAULT_FACTS_BANKS_H

#include "verdict/facts.h"

/* For every bank of f->banks (only sha1 when IMA is in TPM-bypass: with no
 * TPM banks the kernel keeps no other list): read its list from dir if the
 * guest sent one, replay PCR 10 from it, and decide f->bank_lists:
 *  - absent: no bank has its own list (kernels before 6.10);
 *  - agree: every bank has one, each holds the sha1 list's entries (same
 *    count, order, PCR, template and template data, hence file names), each
 *    digest is the bank's hash of the template data (the padded sha1 one
 *    for a padded bank), and the bank's replay from its own list equals its
 *    replay from the sha1 list; the bank's replay then comes from its own
 *    list (bank[b].replay_own_list);
 *  - disagree: anything else, the first problem in f->bank_lists_detail.
 * Needs f->have_list and the replays from the sha1 list in f->bank[]. */
void facts_bank_lists(const char *dir, struct facts *f);

#endif
