#ifndef TPMFAULT_STR_H
#define TPMFAULT_STR_H

#include <stddef.h>

/* snprintf that says whether the text fit: 0, or -1 when it was cut
 * (buf then holds the cut text).  Messages may be cut; paths must not be,
 * so path builders check the result. */
int str_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
