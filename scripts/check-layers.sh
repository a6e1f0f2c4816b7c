#!/bin/sh
# The layers of harness/ (and faults/), lowest first, each a folder that may
# use only itself and the layers below it:
#   scripts/check-layers.sh BUILD LAYER...
# LAYER is a folder's name (harness/NAME, else NAME), or siblings joined by
# '+' (cli+shim: one level, neither may use the other).  Fails, naming the
# file, when
#   - a file includes "X/..." of a layer above its own, or of a sibling;
#   - an object of BUILD calls (or reads) a symbol that only a layer above
#     its own, or a sibling, defines (nm); symbols no layer defines are the
#     libraries' (libc, libcrypto, tss2) and are not checked;
#   - a folder of harness/ with C files is in no layer.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 BUILD LAYER..." >&2; exit 2; }
build=$1
shift
order="$*"

# name rank pairs, one a line: siblings share a rank
ranks=$(i=0; for group in "$@"; do
    i=$((i + 1))
    echo "$group" | tr '+' '\n' | sed "s/\$/ $i/"
done)
dir_of() { if [ -d "harness/$1" ]; then echo "harness/$1"; else echo "$1"; fi; }
names=$(echo "$ranks" | cut -d' ' -f1)

fail=0
for d in harness/*/; do
    d=${d%/}
    ls "$d"/*.c >/dev/null 2>&1 || continue
    echo "$names" | grep -qx "${d#harness/}" && continue
    echo "layers: $d is in no layer; place it in LAYERS (Makefile): $order" >&2
    fail=1
done

# (a) includes: FILE:LINE:#include "X/...", X a layer of higher rank
dirs=$(for n in $names; do dir_of "$n"; done)
for n in $names; do
    d=$(dir_of "$n")
    grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*"[^"/]*/' \
        "$d"/*.c "$d"/*.h 2>/dev/null | sed "s|^|$n |" || true
done | awk -v ranks="$ranks" -v order="$order" '
    BEGIN { n = split(ranks, r, "\n")
            for (i = 1; i <= n; i++) { split(r[i], f, " "); rank[f[1]] = f[2] } }
    { layer = $1; sub(/^[^ ]* /, "")
      where = $0; sub(/:[^:]*#[[:space:]]*include.*/, "", where)
      hdr = $0; sub(/^[^"]*"/, "", hdr); sub(/".*/, "", hdr)
      x = hdr; sub(/\/.*/, "", x)
      if (!(x in rank) || x == layer) next
      if (rank[x] > rank[layer])
          printf "layers: %s: includes %s: %s is above %s (layers, lowest first: %s)\n", where, hdr, x, layer, order
      else if (rank[x] == rank[layer])
          printf "layers: %s: includes %s: %s and %s are siblings, neither may use the other\n", where, hdr, x, layer
      else next
      bad = 1 }
    END { exit bad }' >&2 || fail=1

# (b) symbols: what each layer's objects need against who defines it
# only objects whose source is still there: a file moved to another folder
# leaves its old object behind in BUILD
objs=$(for d in $dirs; do
    for o in "$build/$d"/*.o; do
        [ -f "$d/$(basename "${o%.o}").c" ] && echo "$o"
    done
done)
if [ -z "$objs" ]; then
    echo "layers: no objects under $build: build first" >&2
    exit 1
fi
# shellcheck disable=SC2086
{ nm -A -g --defined-only $objs | sed 's/^/D /'
  nm -A -u $objs | sed 's/^/U /'; } |
awk -v ranks="$ranks" -v order="$order" -v build="$build/" '
    BEGIN { n = split(ranks, r, "\n")
            for (i = 1; i <= n; i++) { split(r[i], f, " "); rank[f[1]] = f[2] } }
    function layer_of(obj,    p) {
        p = substr(obj, length(build) + 1)
        sub(/^harness\//, "", p); sub(/\/.*/, "", p)
        return p }
    { obj = $2; sub(/:.*/, "", obj); sym = $NF; l = layer_of(obj) }
    $1 == "D" { if (!(sym in def) || rank[l] < rank[def[sym]]) { def[sym] = l; defobj[sym] = obj }; next }
    { need[++nn] = l SUBSEP obj SUBSEP sym }
    END {
        for (i = 1; i <= nn; i++) {
            split(need[i], f, SUBSEP); l = f[1]; sym = f[3]
            if (!(sym in def) || def[sym] == l || rank[def[sym]] < rank[l]) continue
            src = f[2]; sub("^" build, "", src); sub(/\.o$/, ".c", src)
            if (rank[def[sym]] > rank[l])
                printf "layers: %s uses %s, defined in %s (%s), a layer above %s (layers, lowest first: %s)\n", src, sym, def[sym], substr(defobj[sym], length(build) + 1), l, order
            else
                printf "layers: %s uses %s, defined in its sibling %s (%s)\n", src, sym, def[sym], substr(defobj[sym], length(build) + 1)
            bad = 1
        }
        exit bad }' >&2 || fail=1

exit $fail
