#include "verdict/code.h"

const char *verdict_name(enum verdict v)
{
    switch (v) {
    case VERDICT_PASS: return "pass";
    case VERDICT_FAIL: return "fail";
    case VERDICT_SKIP: return "skip";
    default: return "broken";
    }
}
