#include "util/entropy.h"

#include <errno.h>
#include <stdint.h>
#include <sys/random.h>

#include "util/err.h"

int entropy_fill(void *buf, size_t n, char **err)
{
    uint8_t *p = buf;
    size_t done = 0;
    while (done < n) {
        ssize_t r = getrandom(p + done, n - done, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return r < 0 ? err_errno(err, "getrandom") :
                   err_set(err, "getrandom gave no bytes");
        done += (size_t)r;
    }
    return 0;
}
