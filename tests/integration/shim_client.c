/* Plays QEMU's part against tpmfault-shim: control commands with QEMU's
 * exact framing, a data socketpair passed with CMD_SET_DATAFD, then TPM2
 * Startup and PCR_Extends of PCR 10, then CMD_SHUTDOWN.
 *   shim_client SOCKET [--rcs] SHA1HEX:SHA256HEX...
 * Exit 0 when every answer had the expected size and result, 1 otherwise.
 * With --rcs a PCR_Extend may fail (a fault rule answered it): each
 * extend's response code is printed as "extend N rc 0xXXXXXXXX". */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim/io.h"
#include "util/hex.h"
#include "util/rd.h"

#define TMO 5000

static int fail(const char *what, char *err)
{
    fprintf(stderr, "shim_client: %s%s%s\n", what, err ? ": " : "",
            err ? err : "");
    free(err);
    return -1;
}

/* One control command: code + payload in one write, exact reply size. */
static int ctrl(int fd, uint32_t code, const uint8_t *pl, size_t n,
                uint8_t *rsp, size_t rn, int sendfd)
{
    uint8_t buf[64];
    char *err = NULL;
    put_be32(buf, code);
    if (n)
        memcpy(buf + 4, pl, n);
    if (io_send_all(fd, buf, 4 + n, sendfd, TMO, &err) < 0 ||
        io_read_all(fd, rsp, rn, TMO, &err) < 0)
        return fail("control command", err);
    return 0;
}

static int ctrl_ok(int fd, uint32_t code, const uint8_t *pl, size_t n,
                   size_t rn, int sendfd)
{
    uint8_t rsp[16];
    if (ctrl(fd, code, pl, n, rsp, rn, sendfd) < 0)
        return -1;
    if (code != 1 && be32_at(rsp) != 0) {
        fprintf(stderr, "shim_client: ctrl 0x%x result 0x%x\n", code,
                be32_at(rsp));
        return -1;
    }
    return 0;
}

/* A TPM command on the data socket; *rc is the response code. */
static int tpm(int fd, const uint8_t *cmd, size_t n, uint32_t *rc)
{
    uint8_t rsp[4096];
    size_t got;
    char *err = NULL;
    if (io_tpm_exchange(fd, cmd, n, rsp, sizeof(rsp), &got, TMO, &err) < 0)
        return fail("TPM command", err);
    *rc = be32_at(rsp + 6);
    return 0;
}

static size_t build_extend(uint8_t *b, const char *arg)
{
    static const uint8_t head[] = {
        0x80, 0x02, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x82,
        0, 0, 0, 10, 0, 0, 0, 9, 0x40, 0, 0, 9, 0, 0, 0, 0, 0,
        0, 0, 0, 2, 0x00, 0x04,
    };
    const char *colon = strchr(arg, ':');
    char sha1[41];
    size_t n = sizeof(head);
    memcpy(b, head, n);
    if (!colon || colon - arg != 40)
        return 0;
    memcpy(sha1, arg, 40);
    sha1[40] = 0;
    if (hex_decode(sha1, b + n, 20) < 0)
        return 0;
    n += 20;
    put_be16(b + n, 0x000B);
    n += 2;
    if (strlen(colon + 1) != 64 || hex_decode(colon + 1, b + n, 32) < 0)
        return 0;
    n += 32;
    put_be32(b + 2, (uint32_t)n);
    return n;
}

static int connect_retry(const char *path)
{
    for (int i = 0; i < 200; i++) {
        int fd = io_connect_unix(path);
        if (fd >= 0)
            return fd;
        usleep(50000);
    }
    return -1;
}

static int print_rcs;

static int data_phase(int d, int argc, char **argv)
{
    static const uint8_t startup[] = { 0x80, 0x01, 0, 0, 0, 12, 0, 0, 0x01,
                                       0x44, 0, 0 };
    uint8_t b[128];
    uint32_t rc;
    if (tpm(d, startup, sizeof(startup), &rc) < 0 || rc != 0)
        return fail("TPM2_Startup failed", NULL);
    for (int i = 2; i < argc; i++) {
        size_t n = build_extend(b, argv[i]);
        if (!n)
            return fail("bad digest argument", NULL);
        if (tpm(d, b, n, &rc) < 0)
            return fail("PCR_Extend: no answer", NULL);
        if (print_rcs)
            printf("extend %d rc 0x%08x\n", i - 1, rc);
        else if (rc != 0)
            return fail("PCR_Extend failed", NULL);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const uint8_t readclock[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0,
                                         0x01, 0x81 };
    uint8_t z4[4] = { 0 }, rsp[16];
    uint32_t rc;
    int sp[2];
    if (argc < 2)
        return fail("usage: shim_client SOCKET [--rcs] SHA1HEX:SHA256HEX...",
                    NULL), 1;
    if (argc > 2 && strcmp(argv[2], "--rcs") == 0) {
        print_rcs = 1;
        memmove(argv + 2, argv + 3, (size_t)(argc - 3) * sizeof(*argv));
        argc--;
    }
    int c = connect_retry(argv[1]);
    if (c < 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) < 0)
        return fail("connect", NULL), 1;
    if (ctrl_ok(c, 0x10, NULL, 0, 4, sp[1]) < 0)      /* SET_DATAFD */
        return 1;
    close(sp[1]);
    /* QEMU probes the TPM version before CMD_INIT; any answer will do. */
    if (tpm(sp[0], readclock, sizeof(readclock), &rc) < 0 ||
        ctrl_ok(c, 0x01, NULL, 0, 8, -1) < 0 ||         /* GET_CAPABILITY */
        ctrl_ok(c, 0x0e, NULL, 0, 4, -1) < 0 ||         /* STOP */
        ctrl_ok(c, 0x11, z4, 4, 16, -1) < 0 ||          /* SET_BUFFERSIZE */
        ctrl_ok(c, 0x02, z4, 4, 4, -1) < 0 ||           /* INIT */
        ctrl_ok(c, 0x04, NULL, 0, 8, -1) < 0 ||         /* GET_TPMESTABL. */
        ctrl_ok(c, 0x05, z4, 4, 4, -1) < 0)             /* SET_LOCALITY */
        return 1;
    if (data_phase(sp[0], argc, argv) < 0)
        return 1;
    if (ctrl(c, 0x99, NULL, 0, rsp, 4, -1) < 0 || be32_at(rsp) != 0x0a)
        return fail("unknown command not answered TPM_BAD_ORDINAL", NULL), 1;
    if (ctrl_ok(c, 0x03, NULL, 0, 4, -1) < 0)           /* SHUTDOWN */
        return 1;
    close(sp[0]);
    close(c);
    printf("shim_client: ok\n");
    return 0;
}
