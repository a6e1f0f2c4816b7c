/* The one error convention of tpmfault (after swtpm's options.c):
 * a function that can fail returns 0 on success and -1 on failure, and on
 * failure stores a malloc'd human-readable message in *err (when err is not
 * NULL).  The caller owns the message and frees it with free().  Messages
 * name the file and line, the field, or the byte offset of the problem. */
#ifndef TPMFAULT_ERR_H
#define TPMFAULT_ERR_H

#include <stdarg.h>

/* Set *err to a formatted message (if err != NULL and *err is still NULL,
 * so the first, most specific message wins).  Always returns -1 so that
 * callers can write `return err_set(err, "...")`. */
int err_set(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Like err_set, with strerror(errno) appended as ": <reason>". */
int err_errno(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Prefix an existing message: "<prefix>: <old message>". */
int err_prefix(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* For checks that report every problem at once: add a formatted message
 * to *err as a further line ("first\nsecond").  Always returns -1. */
int err_add(char **err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
