#include "util/idxlist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ascending(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

int idxlist_format(int64_t *v, size_t n, char *buf, size_t size)
{
    if (n == 0)
        return snprintf(buf, size, "none") < (int)size ? 0 : -1;
    qsort(v, n, sizeof(*v), ascending);
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        if (i && v[i] == v[i - 1])
            continue;
        int w = snprintf(buf + used, size - used, "%s%lld", used ? "," : "",
                         (long long)v[i]);
        if (w < 0 || (size_t)w >= size - used)
            return -1;
        used += (size_t)w;
    }
    return 0;
}
