#!/bin/sh
# scripts/check-layers.sh, the check `make all` runs: the project's own
# tree and objects pass; a scratch tree of three layers (low, then the
# siblings mid and side) fails, naming the file, on an upward include, an
# upward call without an include, a sibling's include and a folder in no
# layer.  Calls into libc are no layer's and pass.  No VM.
. "$(dirname "$0")/lib.sh"
need cc; need nm

layers=$(sed -n 's/^LAYERS *:= *//p' "$ROOT/Makefile")
check "the Makefile names its layers" [ -n "$layers" ]
[ -x "$ROOT/bin/tpmfault" ] || skip "the project is not built (make all)"
# shellcheck disable=SC2086  # LAYERS is a list of words
project_check() { (cd "$ROOT" && scripts/check-layers.sh build $layers); }
check "the project's tree keeps its layers" project_check

tree=$T/tree
mkdir -p "$tree/harness/low" "$tree/harness/mid" "$tree/harness/side"
printf 'int low_fn(void);\n' > "$tree/harness/low/low.h"
printf 'int mid_fn(void);\n' > "$tree/harness/mid/mid.h"
write_low() {     # the body of low.c after its own header
    { printf '#include <stdio.h>\n#include "low/low.h"\n'; cat; } > "$tree/harness/low/low.c"
}
printf 'int low_fn(void) { return printf("low\\n"); }\n' | write_low
printf '#include "low/low.h"\n#include "mid/mid.h"\nint mid_fn(void) { return low_fn(); }\n' \
    > "$tree/harness/mid/mid.c"
printf '#include "low/low.h"\nint side_fn(void);\nint side_fn(void) { return low_fn(); }\n' \
    > "$tree/harness/side/side.c"

# layers_check: compile the scratch tree, run the check into $T/out
layers_check() {
    rm -rf "$tree/build"
    for c in "$tree"/harness/*/*.c; do
        o=$tree/build/${c#"$tree"/}
        mkdir -p "$(dirname "$o")"
        cc -I"$tree/harness" -c -o "${o%.c}.o" "$c" || return 99
    done
    (cd "$tree" && "$ROOT/scripts/check-layers.sh" build low mid+side) >"$T/out" 2>&1
}
said() { grep -qF -- "$1" "$T/out" || { sed 's/^/    | /' "$T/out"; return 1; }; }

check "a tree in order passes (printf is libc's, no layer's)" layers_check
check "and says nothing" [ ! -s "$T/out" ]

printf '#include "mid/mid.h"\nint low_fn(void) { return printf("low\\n"); }\n' | write_low
refute "an upward include fails" layers_check
check "naming the file, its line and the header" \
    said "layers: harness/low/low.c:3: includes mid/mid.h: mid is above low"

printf 'int mid_fn(void);\nint low_fn(void) { return mid_fn(); }\n' | write_low
refute "an upward call without an include fails" layers_check
check "naming the file, the symbol and who defines it" \
    said "layers: harness/low/low.c uses mid_fn, defined in mid (harness/mid/mid.o), a layer above low"

printf 'int low_fn(void) { return printf("low\\n"); }\n' | write_low
printf '#include "low/low.h"\n#include "mid/mid.h"\nint side_fn(void);\nint side_fn(void) { return mid_fn(); }\n' \
    > "$tree/harness/side/side.c"
refute "a sibling's include and call fail" layers_check
check "naming the include" \
    said "layers: harness/side/side.c:2: includes mid/mid.h: mid and side are siblings"
check "naming the call" \
    said "layers: harness/side/side.c uses mid_fn, defined in its sibling mid"

printf '#include "low/low.h"\nint side_fn(void);\nint side_fn(void) { return low_fn(); }\n' \
    > "$tree/harness/side/side.c"
mkdir -p "$tree/harness/stray"
printf 'int stray_fn(void);\nint stray_fn(void) { return 0; }\n' > "$tree/harness/stray/stray.c"
refute "a folder in no layer fails" layers_check
check "naming the folder" said "layers: harness/stray is in no layer"

exit $FAILED
