/* The timeline drawn as inline SVG for report.html (no script, no font
 * files: the page's CSS colours the classes).
 *   run:     a time axis with every command as a mark (class "frame" and
 *            the fate's class), the phases as bands, holds as bars with the
 *            driver's 750 ms deadline, cancels and the shutdown as ticks;
 *   extends: one column per PCR 10 extend with its list entry under it,
 *            resends grouped under one entry, entries no frame carried
 *            after them.
 * Every text is XML-escaped. */
#ifndef TPMFAULT_TIMELINE_SVG_H
#define TPMFAULT_TIMELINE_SVG_H

#include <stdio.h>

#include "view/timeline.h"

/* The Linux TPM driver's deadline for TPM2_PCR_Extend (TPM_MEDIUM). */
#define TL_DRIVER_DEADLINE_S 0.75

/* CSS class of a fate: "relayed", "held", "errored", "twice", "lost". */
extern const char *const tl_fate_class[TL_FATES];

void timeline_svg_run(FILE *out, const struct timeline *tl);
void timeline_svg_extends(FILE *out, const struct timeline *tl);

#endif
