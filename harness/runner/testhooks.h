/* The runner's hooks for the harness's own tests
 * (tests/integration/robust-*.sh), read from the environment; scenarios
 * never set them.
 *   TPMFAULT_TEST_HOOK=panic|hang|cut-evidence
 *       passed to the guest agent as tpmfault.hook=: after the workload
 *       the guest kernel panics, the agent hangs, or the agent sends half
 *       a file and powers off.
 *   TPMFAULT_SHIM_WRAPPER="valgrind --leak-check=full ..."
 *       the shim runs under this command: words split at blanks, no shell,
 *       no quoting. */
#ifndef TPMFAULT_TESTHOOKS_H
#define TPMFAULT_TESTHOOKS_H

#define TEST_WRAPPER_MAX 24

struct test_hooks {
    const char *guest;                     /* NULL: none */
    char *wrapper[TEST_WRAPPER_MAX + 1];   /* NULL-terminated, may be empty */
    int n_wrapper;
    char wrapper_buf[2048];
};

/* Read and check both variables.  0, or -1 with *err naming the bad one. */
int test_hooks_read(struct test_hooks *h, char **err);

#endif
