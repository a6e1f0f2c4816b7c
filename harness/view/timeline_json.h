/* The timeline as JSON (`tpmfault show --json`): the model itself. */
#ifndef TPMFAULT_TIMELINE_JSON_H
#define TPMFAULT_TIMELINE_JSON_H

#include <stdio.h>

#include "view/timeline.h"

void timeline_write_json(FILE *out, const struct timeline *tl);

#endif
