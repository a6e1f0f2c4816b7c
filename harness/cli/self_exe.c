#include "cli/cli.h"

#include <unistd.h>

#include "util/str.h"

void cli_self_exe(const char *root, char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size);
    /* n == size: the path did not fit (readlink does not say so otherwise) */
    if (n > 0 && (size_t)n < size)
        buf[n] = '\0';
    else
        str_fmt(buf, size, "%s/bin/tpmfault", root);
}
