#include "runner/qmp.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/err.h"
#include "util/mono.h"
#include "util/str.h"

static int ms_left(double deadline)
{
    double left = deadline - mono_now();
    return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

static int connect_once(const char *path, char **err)
{
    struct sockaddr_un a = { .sun_family = AF_UNIX };
    if (str_fmt(a.sun_path, sizeof(a.sun_path), "%s", path) < 0)
        return err_set(err, "%s: path too long for a unix socket", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return err_errno(err, "socket");
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
        return fd;
    close(fd);
    return -1;
}

/* The next line QEMU sent, parsed; NULL with *err at the deadline, on a
 * closed socket or a line that is not JSON. */
static struct jv *read_line(struct qmp *q, double deadline, char **err)
{
    for (;;) {
        char *nl = memchr(q->buf, '\n', q->have);
        if (nl) {
            *nl = '\0';
            struct jv *v = jv_parse(q->buf, err);
            size_t used = (size_t)(nl + 1 - q->buf);
            memmove(q->buf, nl + 1, q->have - used);
            q->have -= used;
            return v;
        }
        if (q->have == sizeof(q->buf) - 1) {
            err_set(err, "QMP: a line longer than %zu bytes", sizeof(q->buf));
            return NULL;
        }
        struct pollfd p = { .fd = q->fd, .events = POLLIN };
        int r = poll(&p, 1, ms_left(deadline));
        if (r == 0) {
            err_set(err, "QMP: no answer before the deadline");
            return NULL;
        }
        ssize_t n = r < 0 ? -1 : read(q->fd, q->buf + q->have, sizeof(q->buf) - 1 - q->have);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0) {
            err_set(err, "QMP: QEMU closed its monitor");
            return NULL;
        }
        q->have += (size_t)n;
    }
}

int qmp_open(struct qmp *q, const char *path, double deadline, char **err)
{
    q->have = 0;
    while ((q->fd = connect_once(path, err)) < 0) {
        if (*err || mono_now() >= deadline)
            return err_set(err, "QMP: cannot connect to %s", path);
        usleep(10000);
    }
    struct jv *greeting = read_line(q, deadline, err);
    if (!greeting)
        return -1;
    bool ok = jv_get(greeting, "QMP") != NULL;
    jv_free(greeting);
    if (!ok)
        return err_set(err, "QMP: %s: no greeting", path);
    return qmp_exec(q, "qmp_capabilities", NULL, NULL, deadline, err);
}

int qmp_exec(struct qmp *q, const char *cmd, const char *args, struct jv **ret,
             double deadline, char **err)
{
    char req[1024];
    if (str_fmt(req, sizeof(req), "{\"execute\":\"%s\"%s%s}\n", cmd,
                args ? ",\"arguments\":" : "", args ? args : "") < 0)
        return err_set(err, "QMP: %s: arguments too long", cmd);
    size_t len = strlen(req), done = 0;
    while (done < len) {
        ssize_t n = write(q->fd, req + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return err_errno(err, "QMP: %s", cmd);
        done += (size_t)n;
    }
    for (;;) {
        struct jv *line = read_line(q, deadline, err);
        if (!line)
            return err_prefix(err, "%s", cmd);
        const struct jv *e = jv_get(line, "error");
        if (e) {
            const char *why = jv_get_str(e, "desc");
            err_set(err, "QMP: %s: %s", cmd, why ? why : "failed");
            jv_free(line);
            return -1;
        }
        if (jv_get(line, "return")) {
            if (ret)
                *ret = line;
            else
                jv_free(line);
            return 0;
        }
        jv_free(line);   /* an event */
    }
}

void qmp_close(struct qmp *q)
{
    if (q->fd >= 0)
        close(q->fd);
    q->fd = -1;
}
