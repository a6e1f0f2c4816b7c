#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *vformat(const char *fmt, va_list ap)
{
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        return NULL;
    return s;
}

int err_set(char **err, const char *fmt, ...)
{
    if (!err || *err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    *err = vformat(fmt, ap);
    va_end(ap);
    return -1;
}

int err_errno(char **err, const char *fmt, ...)
{
    int saved = errno;
    if (!err || *err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *head = vformat(fmt, ap);
    va_end(ap);
    if (head && asprintf(err, "%s: %s", head, strerror(saved)) < 0)
        *err = NULL;
    free(head);
    return -1;
}

int err_prefix(char **err, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *head = vformat(fmt, ap);
    va_end(ap);
    char *joined = NULL;
    if (head && asprintf(&joined, "%s: %s", head, *err ? *err : "error") < 0)
        joined = NULL;
    free(head);
    if (joined) {
        free(*err);
        *err = joined;
    }
    return -1;
}

int err_add(char **err, const char *fmt, ...)
{
    if (!err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char *line = vformat(fmt, ap);
    va_end(ap);
    if (!line)
        return -1;
    if (!*err) {
        *err = line;
        return -1;
    }
    char *joined = NULL;
    if (asprintf(&joined, "%s\n%s", *err, line) >= 0) {
        free(*err);
        *err = joined;
    }
    free(line);
    return -1;
}
