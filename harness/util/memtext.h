/* Text built with open_memstream: what it wrote, checked. */
#ifndef TPMFAULT_MEMTEXT_H
#define TPMFAULT_MEMTEXT_H

#include <stdio.h>

/* Close o, the open_memstream of *text: *text (malloc'd), or NULL (and
 * *text freed) when a write or the close failed. */
char *memtext_close(FILE *o, char **text);

#endif
