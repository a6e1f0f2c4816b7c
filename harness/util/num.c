#include "util/num.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

int num_parse(const char *s, uint64_t max, uint64_t *v)
{
    if (*s < '0' || *s > '9')
        return -1;
    int base = (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, base);
    if (errno || end == s || *end != '\0' || n > max)
        return -1;
    *v = n;
    return 0;
}

int num_parse_signed(const char *s, int64_t min, int64_t max, int64_t *v)
{
    bool neg = *s == '-';
    uint64_t u;
    /* |INT64_MIN| = INT64_MAX + 1 */
    if (num_parse(s + neg, neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX, &u) < 0)
        return -1;
    int64_t n = neg ? (int64_t)(0 - u) : (int64_t)u;
    if (n < min || n > max)
        return -1;
    *v = n;
    return 0;
}

int num_take(const char **p, int64_t min, int64_t max, int64_t *v)
{
    char word[32];
    size_t n = strcspn(*p, " \t\r\n,");
    if (n == 0 || n >= sizeof(word))
        return -1;
    memcpy(word, *p, n);
    word[n] = '\0';
    if (num_parse_signed(word, min, max, v) < 0)
        return -1;
    *p += n;
    return 0;
}
