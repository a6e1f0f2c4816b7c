#include "cli/cli.h"

#include <unistd.h>

#include "util/str.h"

void cli_self_exe(const char *root, char *buf, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", buf, size - 1);
    buf[n > 0 ? n : 0] = '\0';
    if (n <= 0)
        str_fmt(buf, size, "%s/bin/tpmfault", root);
}
