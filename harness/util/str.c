#include "util/str.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int str_fmt(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n < 0 || (size_t)n >= size ? -1 : 0;
}

bool str_shell_word(const char *s)
{
    static const char ok[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                             "0123456789_./:=,+@%-";
    return *s && strspn(s, ok) == strlen(s);
}

int str_shquote(char *buf, size_t size, const char *s)
{
    if (str_shell_word(s))
        return str_fmt(buf, size, "%s", s);
    size_t need = strlen(s) + 3;                /* 'quotes' and the NUL */
    for (const char *p = s; *p; p++)
        need += *p == '\'' ? 3 : 0;             /* ' becomes '\'' */
    if (need > size) {
        str_fmt(buf, size, "''");
        return -1;
    }
    char *o = buf;
    *o++ = '\'';
    for (const char *p = s; *p; p++) {
        if (*p == '\'') {
            memcpy(o, "'\\''", 4);
            o += 4;
        } else {
            *o++ = *p;
        }
    }
    *o++ = '\'';
    *o = '\0';
    return 0;
}

size_t str_chomp(char *line, ssize_t n)
{
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
        line[--n] = '\0';
    return n > 0 ? (size_t)n : 0;
}
