#include "runner/testhooks.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/str.h"

/* The agent's hooks (scripts/guest/agent.sh): only these reach the guest's
 * command line, so nothing else can be added to it this way. */
static const char *const guest_hooks[] = { "panic", "hang", "cut-evidence" };

static int read_guest(struct test_hooks *h, char **err)
{
    const char *v = getenv("TPMFAULT_TEST_HOOK");
    h->guest = NULL;
    if (!v || !*v)
        return 0;
    for (size_t i = 0; i < sizeof(guest_hooks) / sizeof(guest_hooks[0]); i++)
        if (strcmp(v, guest_hooks[i]) == 0)
            return h->guest = guest_hooks[i], 0;
    return err_set(err, "TPMFAULT_TEST_HOOK=%s: not a hook (panic, hang, "
                   "cut-evidence)", v);
}

static int read_wrapper(struct test_hooks *h, char **err)
{
    const char *v = getenv("TPMFAULT_SHIM_WRAPPER");
    h->n_wrapper = 0;
    h->wrapper[0] = NULL;
    if (!v || !*v)
        return 0;
    if (str_fmt(h->wrapper_buf, sizeof(h->wrapper_buf), "%s", v) < 0)
        return err_set(err, "TPMFAULT_SHIM_WRAPPER: longer than %zu bytes",
                       sizeof(h->wrapper_buf) - 1);
    char *save = NULL;
    for (char *w = strtok_r(h->wrapper_buf, " \t\n", &save); w;
         w = strtok_r(NULL, " \t\n", &save)) {
        if (h->n_wrapper == TEST_WRAPPER_MAX)
            return err_set(err, "TPMFAULT_SHIM_WRAPPER: more than %d words",
                           TEST_WRAPPER_MAX);
        h->wrapper[h->n_wrapper++] = w;
    }
    h->wrapper[h->n_wrapper] = NULL;
    return 0;
}

int test_hooks_read(struct test_hooks *h, char **err)
{
    if (read_guest(h, err) < 0 || read_wrapper(h, err) < 0)
        return -1;
    return 0;
}
