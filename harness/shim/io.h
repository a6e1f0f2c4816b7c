/* Socket I/O for the shim: unix listen/connect, fd passing, and bounded
 * whole-buffer reads and writes.  Every blocking wait has a deadline in
 * milliseconds; nothing here retries forever.  Sockets are used with
 * MSG_DONTWAIT instead of O_NONBLOCK because passed fds share their file
 * status flags with the peer's copy. */
#ifndef TPMFAULT_SHIM_IO_H
#define TPMFAULT_SHIM_IO_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Bind and listen on a unix stream socket.  Fails if path exists. */
int io_listen_unix(const char *path, char **err);
/* One connect attempt; -1 with errno set (ENOENT/ECONNREFUSED: retry). */
int io_connect_unix(const char *path);
/* accept4 with CLOEXEC; -1 with errno. */
int io_accept(int lfd);

/* Non-blocking receive of up to n bytes.  Returns bytes read, 0 on EOF,
 * -1 with errno (EAGAIN: nothing there).  When rfd is not NULL an fd
 * passed with SCM_RIGHTS is stored there (further fds are closed);
 * *rfd is left alone when none came. */
ssize_t io_recv(int fd, void *buf, size_t n, int *rfd);

/* Every blocking wait below also ends, at once, with EINTR when *flag is
 * set by a stop signal: wait_mask (the signal mask without the stop
 * signals, which stay blocked elsewhere) is unblocked while waiting.  So
 * no wait of the shim outlasts the runner's SIGTERM (it sends SIGKILL
 * 1 s later).  NULL, NULL (the default): plain deadlines. */
void io_stop_on(const sigset_t *wait_mask, volatile sig_atomic_t *flag);

/* One non-blocking write: bytes written, or -1 with errno (EAGAIN: the
 * peer's buffer is full). */
ssize_t io_send_some(int fd, const void *buf, size_t n);

/* Write all n bytes within timeout_ms.  sendfd >= 0 goes with the first
 * byte as SCM_RIGHTS.  Returns 0 or -1 with *err set. */
int io_send_all(int fd, const void *buf, size_t n, int sendfd,
                int timeout_ms, char **err);
/* Read exactly n bytes within timeout_ms.  Returns 0 or -1 with *err. */
int io_read_all(int fd, void *buf, size_t n, int timeout_ms, char **err);
/* One TPM exchange: write the command frame, read the whole response
 * (its size field at most cap), all within timeout_ms.  *got is
 * the response's length.  Returns 0 or -1 with *err. */
int io_tpm_exchange(int fd, const void *cmd, size_t n, uint8_t *rsp,
                    size_t cap, size_t *got, int timeout_ms, char **err);
/* Discard what is readable right now; returns the byte count. */
size_t io_drain(int fd);

#endif
