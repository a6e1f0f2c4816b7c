#include "util/num.h"

#include <errno.h>
#include <stdlib.h>

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
