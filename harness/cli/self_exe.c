#include "cli/cli.h"

#include <unistd.h>

#include "util/str.h"

int cli_exe_path(char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size);
    /* n == size: the path did not fit (readlink does not say so otherwise) */
    if (n <= 0 || (size_t)n >= size)
        return -1;
    buf[n] = '\0';
    return 0;
}

void cli_self_exe(const char *root, char *buf, size_t size)
{
    if (cli_exe_path(buf, size) < 0)
        str_fmt(buf, size, "%s/bin/tpmfault", root);
}
