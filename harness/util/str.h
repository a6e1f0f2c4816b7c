#ifndef TPMFAULT_STR_H
#define TPMFAULT_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* snprintf that says whether the text fit: 0, or -1 when it was cut
 * (buf then holds the cut text).  Messages may be cut; paths must not be,
 * so path builders check the result. */
int str_fmt(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* s is one POSIX shell word as it stands: not empty, only
 * [A-Za-z0-9_./:=,+@%-]. */
bool str_shell_word(const char *s);

/* s as one POSIX shell word, for command lines printed for the user to
 * paste (Reproduce with: ...): s itself when it holds only
 * [A-Za-z0-9_./:=,+@%-] (and is not empty), else single-quoted, each '
 * written '\''.  0, or -1 when it was cut (buf then holds '' ). */
int str_shquote(char *buf, size_t size, const char *s);

/* Cut a getline() line's end ('\n', '\r\n') off in place; returns the
 * length left. */
size_t str_chomp(char *line, ssize_t n);

#endif
