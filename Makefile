# tpmfault — build, set-up and test entry points.
#   make                       build bin/tpmfault and bin/tpmfault-shim
#   make scenario NAME=x       set up what is missing, run scenarios/x.scn
#   make scenarios             the same for every scenario (JOBS=n SHARD=k/n SEED=s KERNEL=k)
#   make load                  make scenarios five times: leftovers, verdict stability
#   make test                  unit tests, then integration tests (real swtpm, real QEMU)
#   make asan                  unit tests under AddressSanitizer + UBSan
#   make check-kernel-config CONFIG=path/.config   the guest kernel requirements
#   make matrix [KERNEL=path]  the catalogue on 6.1, 6.12 (and KERNEL): reports/matrix.md
#   make explore BUDGET=n      search the fault space (SEED=s JOBS=n KERNEL=k): reports/explore/
#   make unit                  the cmocka unit tests only
#   make layers                each folder uses only the layers below it (make all runs it)
#   make integration           the integration tests only (tests/integration)
#   make setup                 packages, kernel (KERNEL=), initramfs, TPM state template
#   make kernel KERNEL=6.12    fetch a Debian kernel into cache/kernel/
#   make fuzz [FUZZ_SECONDS=n] the libFuzzer targets (tests/fuzz/README.md)
#   make bench-list            replay vs evmctl on 10^4..10^6 entries
#   make clean                 remove build/, build-asan/ and bin/
#   make help                  this text
CC      ?= cc
BUILD   ?= build
SAN     ?=
CFLAGS  ?= -O2 -g
override CFLAGS += -std=gnu11 -Wall -Wextra -Werror -D_GNU_SOURCE -Iharness -I. $(SAN)
LDFLAGS += $(SAN)
LDLIBS  += -lcrypto -ltss2-mu -ltss2-rc

KERNEL  ?= 6.1
# Only a KERNEL the user gave overrides a script's own `kernel =`.
KERNEL_ARG = $(if $(filter command line environment,$(origin KERNEL)),--kernel "$(KERNEL)")
NAME    ?= baseline

# The layers, lowest first: a folder's code may include and call only its
# own folder's and the folders' before it; siblings joined by '+' neither
# the other's (cli is the program tpmfault, shim the program tpmfault-shim).
# `make all` fails on an upward include or call (scripts/check-layers.sh).
LAYERS   := util tpm trace verify faults view verdict runner explore cli+shim
# Each folder but cli is a static library of its .c files (main.c files are
# the programs' entry points); programs link them highest first.
LIB_LAYERS := util tpm trace verify faults view verdict runner explore shim
layer_dir = $(if $(wildcard harness/$(1)),harness/$(1),$(1))
layer_obj = $(patsubst %.c,$(BUILD)/%.o,$(filter-out %/main.c,$(wildcard $(call layer_dir,$(1))/*.c)))
layer_lib = $(BUILD)/lib/libtpmfault-$(1).a
reverse   = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
LIB_OBJ  := $(foreach l,$(LIB_LAYERS),$(call layer_obj,$(l)))
LIBS     := $(foreach l,$(call reverse,$(LIB_LAYERS)),$(call layer_lib,$(l)))

CLI_SRC  := $(wildcard harness/cli/*.c)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
SHIM_OBJ := $(BUILD)/harness/shim/main.o

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
# Helpers shared by several unit tests (temp dirs, a fake swtpm, ...).
TSUP_SRC := $(wildcard tests/unit/support/*.c)
TSUP_OBJ := $(TSUP_SRC:%.c=$(BUILD)/%.o)
TSUP     := $(BUILD)/libtestsupport.a

# Integration test helpers (programs that drive real swtpm / QEMU peers).
ITEST_SRC := $(wildcard tests/integration/*.c)
ITEST_BIN := $(ITEST_SRC:tests/integration/%.c=$(BUILD)/itests/%)

PROGRAMS := bin/tpmfault bin/tpmfault-shim

PHONY_EXTRA := itests bench load bench-list
.PHONY: all layers unit $(PHONY_EXTRA) test asan integration scenario scenarios explore setup deps kernel initramfs \
        tpm-template check-kernel-config matrix clean help FORCE
all: $(PROGRAMS) layers

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# The build's commit, for tpmfault --version: help.o is rebuilt when it
# changes (build/git-rev is rewritten only then).
GIT_REV := $(shell git describe --always --dirty 2>/dev/null || echo unknown)
$(BUILD)/git-rev: FORCE
	@mkdir -p $(dir $@)
	@echo '$(GIT_REV)' | cmp -s - $@ || echo '$(GIT_REV)' >$@
$(BUILD)/harness/cli/help.o: $(BUILD)/git-rev
$(BUILD)/harness/cli/help.o: override CFLAGS += -DTPMFAULT_GIT='"$(GIT_REV)"'

# The entry points listed at the top of this file.
help:
	@awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' Makefile

define layer_lib_rule
$(call layer_lib,$(1)): $(call layer_obj,$(1))
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach l,$(LIB_LAYERS),$(eval $(call layer_lib_rule,$(l))))

# The layers held to their order: every object built, every header read.
LAYER_FILES := $(wildcard harness/*/*.[ch] $(addsuffix /*.[ch],$(foreach l,$(subst +, ,$(LAYERS)),$(call layer_dir,$(l)))))
$(BUILD)/layers.ok: scripts/check-layers.sh Makefile $(LAYER_FILES) $(LIB_OBJ) $(CLI_OBJ) $(SHIM_OBJ)
	@scripts/check-layers.sh $(BUILD) $(LAYERS)
	@touch $@
layers: $(BUILD)/layers.ok

bin/tpmfault: $(CLI_OBJ) $(LIBS)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

bin/tpmfault-shim: $(SHIM_OBJ) $(LIBS)
	@mkdir -p bin
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(TSUP): $(TSUP_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/%: tests/unit/%.c $(TSUP) $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $(LDFLAGS) -o $@ $< $(TSUP) $(LIBS) $(LDLIBS) -lcmocka

# Tests that stand in for a libc call (cmocka's --wrap pattern).
$(BUILD)/tests/test_run_inputs: LDFLAGS += -Wl,--wrap=getrandom

$(BUILD)/itests/%: tests/integration/%.c $(LIBS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

itests: $(ITEST_BIN) $(BUILD)/bench/gen_list

unit: $(UNIT_BIN)
	@tests/unit/run-all.sh $(UNIT_BIN)

asan:
	$(MAKE) BUILD=build-asan CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" unit

# --- set-up: packages, kernel, guest image, TPM state template ---------------
# deps.sh asks dpkg about every package (0.2 s, on every make scenario):
# asked again only when the package database or the list has changed
# since it last found everything installed.
DEPS_OK := $(BUILD)/deps.ok
deps: $(DEPS_OK)
$(DEPS_OK): scripts/deps.sh $(wildcard /var/lib/dpkg/status)
	@scripts/deps.sh
	@mkdir -p $(dir $@) && touch $@

kernel: deps
	@scripts/fetch-kernel.sh "$(KERNEL)"

initramfs: deps
	@scripts/build-initramfs.sh $(BUILD)/initramfs.cpio.gz

# The runner's RUN_TEMPLATES (harness/runner/run_ctx.h): EK and persistent AK.
TEMPLATES := cache/tpm-template/ek-ak
tpm-template: deps
	@scripts/tpm-template.sh $(TEMPLATES)

setup: deps all kernel initramfs tpm-template

# exec: the recipe's shell becomes the run, so the SIGTERM make forwards on
# its own SIGTERM reaches the run (a shell would die and leave it running).
scenario: setup
	exec bin/tpmfault run $(KERNEL_ARG) $(if $(SEED),--seed $(SEED)) \
	    $(if $(REPORTS),--reports "$(REPORTS)") scenarios/$(NAME).scn

explore: setup
	exec bin/tpmfault explore $(KERNEL_ARG) $(if $(SEED),--seed $(SEED)) \
	    $(if $(JOBS),--jobs $(JOBS)) $(if $(BUDGET),--budget $(BUDGET)) \
	    $(if $(REPORTS),--reports "$(REPORTS)")

scenarios: setup
	exec bin/tpmfault suite $(KERNEL_ARG) $(if $(SEED),--seed $(SEED)) \
	    $(if $(JOBS),--jobs $(JOBS)) $(if $(SHARD),--shard $(SHARD)) \
	    $(if $(REPORTS),--reports "$(REPORTS)")

# make scenarios five times in a row: leftovers and verdict stability (long).
load: setup
	@tests/load/five-runs.sh

integration: setup itests
	@tests/integration/run-all.sh

# The list generator of the replay benchmark (tests/bench/gen_list.c).
$(BUILD)/bench/gen_list: tests/bench/gen_list.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< -lcrypto

bench: setup bench-list
	@tests/bench/baseline-overhead.sh
	@tests/bench/snapshot-bench.sh

# tpmfault replay against evmctl on generated lists of 10^4..10^6 entries.
bench-list: deps all $(BUILD)/bench/gen_list
	@tests/bench/list-bench.sh

test: deps
	$(MAKE) all unit
	$(MAKE) integration

# --- kernels ------------------------------------------------------------------
check-kernel-config:
	@test -n "$(CONFIG)" || { echo "usage: make check-kernel-config CONFIG=path/.config" >&2; exit 2; }
	@kernel-config/check-config.sh "$(CONFIG)"

matrix: setup
	@JOBS="$(JOBS)" SEED="$(SEED)" scripts/matrix.sh \
	    $(if $(filter command line environment,$(origin KERNEL)),"$(KERNEL)")

clean:
	rm -rf build build-asan bin

-include $(TSUP_OBJ:.o=.d) $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(SHIM_OBJ:.o=.d)

# --- fuzzing: libFuzzer targets tests/fuzz/fuzz_*.c, clang from Debian -------
#   make fuzz [FUZZ_SECONDS=n] [FUZZ_RUNS=n] [FUZZ_TARGETS="imalist trace"]
# builds every target with -fsanitize=fuzzer,address,undefined (the library
# too, into build/fuzz/) and runs each for FUZZ_SECONDS (or FUZZ_RUNS
# inputs); any crash, leak, timeout or broken contract fails, its input in
# build/fuzz/artifacts/TARGET/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 30
FUZZ_RUNS    ?=
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TARGETS ?= $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_BIN     := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz_%)
.PHONY: fuzz fuzz-bins

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(LIBS)
	$(CC) $(CFLAGS) -DFUZZ_ROOT='"$(CURDIR)"' \
	    -fsanitize=fuzzer -o $@ $< $(LIBS) $(LDLIBS)

fuzz-bins: $(FUZZ_BIN)

fuzz: deps
	$(MAKE) BUILD=build/fuzz CC=$(FUZZ_CC) CFLAGS="-O1 -g -fno-omit-frame-pointer" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" \
	    fuzz-bins
	@tests/fuzz/run.sh build/fuzz "$(FUZZ_SECONDS)" "$(FUZZ_RUNS)" $(FUZZ_TARGETS)
