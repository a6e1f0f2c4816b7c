#include "explore/class.h"

#include <string.h>

#include "explore/invariants.h"
#include "util/str.h"

const char *class_shape(const struct run_facts *rf)
{
    if (!rf->explained)
        return "unexplained";
    bool lost = rf->not_in_pcr.n > 0, twice = rf->applied_twice.n > 0;
    if (lost && twice)
        return "missing-doubled";
    if (twice)
        return "doubled";
    if (lost)
        return rf_only_tail(rf) ? "missing-tail" : "missing";
    return "none";
}

int class_name(const struct run_facts *rf, char *buf, size_t size)
{
    if (str_fmt(buf, size, "%s", class_shape(rf)) != 0)
        return -1;
    size_t before = strlen(buf);
    for (size_t i = 0; i < n_invariants; i++) {
        if (invariants[i].check(rf) != INV_VIOLATED)
            continue;
        size_t len = strlen(buf);
        if (str_fmt(buf + len, size - len, ".%s", invariants[i].name) != 0)
            return -1;
    }
    if (strlen(buf) == before) {
        size_t len = strlen(buf);
        return str_fmt(buf + len, size - len, ".ok");
    }
    return 0;
}
