#include "shim/io.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "shim/evloop.h"
#include "tpm/frame.h"
#include "util/err.h"

static int fill_addr(struct sockaddr_un *a, const char *path)
{
    memset(a, 0, sizeof(*a));
    a->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(a->sun_path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(a->sun_path, path);
    return 0;
}

int io_listen_unix(const char *path, char **err)
{
    struct sockaddr_un a;
    if (fill_addr(&a, path) < 0)
        return err_errno(err, "listen socket %s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return err_errno(err, "socket");
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0) {
        err_errno(err, "bind/listen %s", path);
        close(fd);
        return -1;
    }
    return fd;
}

int io_connect_unix(const char *path)
{
    struct sockaddr_un a;
    if (fill_addr(&a, path) < 0)
        return -1;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int io_accept(int lfd)
{
    return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}

/* Keep the first passed fd, close any others (never leak a peer's fds). */
static void take_fds(struct msghdr *m, int *rfd)
{
    for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (rfd && *rfd < 0)
                *rfd = fd;
            else
                close(fd);
        }
    }
}

ssize_t io_recv(int fd, void *buf, size_t n, int *rfd)
{
    union {
        char b[CMSG_SPACE(4 * sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { buf, n };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1,
                        .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
    ssize_t r;
    do
        r = recvmsg(fd, &m, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    if (r >= 0)
        take_fds(&m, rfd);
    return r;
}

/* Where a stop signal is seen (io_stop_on): the mask unblocked while
 * waiting, and the flag its handler sets.  Process-wide, as signals are. */
static const sigset_t *stop_mask;
static volatile sig_atomic_t *stop_flag;

void io_stop_on(const sigset_t *wait_mask, volatile sig_atomic_t *flag)
{
    stop_mask = wait_mask;
    stop_flag = flag;
}

static bool stopped(void)
{
    return stop_flag && *stop_flag;
}

/* Wait until fd is ready, the deadline passes (ETIMEDOUT) or a stop
 * signal comes (EINTR): the signal is unblocked only inside ppoll, so it
 * can never arrive between the check and the wait. */
static int wait_fd(int fd, short ev, uint64_t deadline)
{
    for (;;) {
        uint64_t now = evloop_now_ms();
        if (stopped()) {
            errno = EINTR;
            return -1;
        }
        if (now >= deadline) {
            errno = ETIMEDOUT;
            return -1;
        }
        struct pollfd p = { fd, ev, 0 };
        uint64_t left = deadline - now;
        struct timespec ts = { (time_t)(left / 1000), (long)(left % 1000) * 1000000 };
        int r = ppoll(&p, 1, &ts, stop_mask);
        if (r > 0)
            return 0;
        if (r < 0 && errno != EINTR)
            return -1;
    }
}

static ssize_t send_once(int fd, const uint8_t *p, size_t n, int sendfd)
{
    union {
        char b[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = { (void *)p, n };
    struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (sendfd >= 0) {
        memset(&ctl, 0, sizeof(ctl));
        m.msg_control = ctl.b;
        m.msg_controllen = sizeof(ctl.b);
        struct cmsghdr *c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &sendfd, sizeof(int));
    }
    return sendmsg(fd, &m, MSG_DONTWAIT | MSG_NOSIGNAL);
}

ssize_t io_send_some(int fd, const void *buf, size_t n)
{
    ssize_t r;
    do
        r = send_once(fd, buf, n, -1);
    while (r < 0 && errno == EINTR);
    return r;
}

static int send_until(int fd, const void *buf, size_t n, int sendfd,
                      uint64_t deadline, char **err)
{
    const uint8_t *p = buf;
    size_t done = 0;
    while (done < n) {
        ssize_t r = send_once(fd, p + done, n - done, done ? -1 : sendfd);
        if (r > 0) {
            done += (size_t)r;
            continue;
        }
        if (r < 0 && errno != EAGAIN && errno != EINTR)
            return err_errno(err, "write (%zu of %zu bytes done)", done, n);
        if (wait_fd(fd, POLLOUT, deadline) < 0)
            return err_errno(err, "write (%zu of %zu bytes done)", done, n);
    }
    return 0;
}

static int read_until(int fd, void *buf, size_t n, uint64_t deadline,
                      char **err)
{
    uint8_t *p = buf;
    size_t done = 0;
    while (done < n) {
        ssize_t r = io_recv(fd, p + done, n - done, NULL);
        if (r > 0) {
            done += (size_t)r;
            continue;
        }
        if (r == 0)
            return err_set(err, "read: end of stream after %zu of %zu bytes",
                           done, n);
        if (errno != EAGAIN)
            return err_errno(err, "read (%zu of %zu bytes)", done, n);
        if (wait_fd(fd, POLLIN, deadline) < 0)
            return err_errno(err, "read (%zu of %zu bytes)", done, n);
    }
    return 0;
}

int io_send_all(int fd, const void *buf, size_t n, int sendfd,
                int timeout_ms, char **err)
{
    return send_until(fd, buf, n, sendfd,
                      evloop_now_ms() + (uint64_t)timeout_ms, err);
}

int io_read_all(int fd, void *buf, size_t n, int timeout_ms, char **err)
{
    return read_until(fd, buf, n, evloop_now_ms() + (uint64_t)timeout_ms, err);
}

int io_tpm_exchange(int fd, const void *cmd, size_t n, uint8_t *rsp,
                    size_t cap, size_t *got, int timeout_ms, char **err)
{
    struct tpm_hdr h;
    uint64_t deadline = evloop_now_ms() + (uint64_t)timeout_ms;
    if (send_until(fd, cmd, n, -1, deadline, err) < 0 ||
        read_until(fd, rsp, TPM_HDR_SIZE, deadline, err) < 0 ||
        frame_hdr_parse(rsp, TPM_HDR_SIZE, (uint32_t)cap, &h, err) < 0 ||
        read_until(fd, rsp + TPM_HDR_SIZE, h.size - TPM_HDR_SIZE, deadline,
                   err) < 0)
        return -1;
    *got = h.size;
    return 0;
}

size_t io_drain(int fd)
{
    uint8_t buf[1024];
    size_t total = 0;
    ssize_t r;
    while ((r = io_recv(fd, buf, sizeof(buf), NULL)) > 0)
        total += (size_t)r;
    return total;
}
