# libFuzzer harnesses for every parser of outside text and the JSON writer.
#
#   make fuzz                  each harness for FUZZ_SECONDS (60), FUZZ_JOBS at a time
#   make fuzz-short            each for FUZZ_SHORT_SECONDS (5): ~1 min in all, run by make check
#   make fuzz-regressions      replay every kept input in fuzz/regressions/<harness>/
#   make fuzz-build            only build the harnesses, FUZZ_O/fuzz_<harness>
#   make fuzz-json_check       the JSON validator's own known-answer test
#
# Needs clang with its fuzzer runtime (Debian: clang libclang-rt-14-dev).
# Everything built or found goes to FUZZ_O ($(O)/fuzz, or build-fuzz/ for
# O=.): corpora grow in FUZZ_O/corpus/<harness>/ (kept between runs, never
# committed); seeds are made from tests/fixtures at run time by fuzz/mkseeds;
# crashes land in FUZZ_O/artifacts/<harness>/ -- copy the ones you keep to
# fuzz/regressions/<harness>/ (and name them in fuzz/regressions/KNOWN
# while the fix has not landed).

FUZZ_CC            ?= clang
FUZZ_SECONDS       ?= 60
FUZZ_SHORT_SECONDS ?= 5
FUZZ_JOBS          ?= 2
# In-tree builds (O=.) keep all of it in build-fuzz/, out of the fuzz/ sources.
FUZZ_O             := $(if $(filter .,$(O)),build-fuzz,$(O)/fuzz)
FUZZ_SAN           := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS        ?= -g -O1 -fno-omit-frame-pointer
FUZZ_ALL_CFLAGS    := $(FUZZ_CFLAGS) -std=gnu11 $(filter-out -Werror,$(WARN)) \
		      -DKIC_VERSION='"$(VERSION)"' $(LIBS_CFLAGS) -Isrc -Ifuzz

# One harness per fuzz/fuzz_<name>.c; a harness whose source file under test
# is not in the tree yet is left out (vmm_version needs src/vmm.c).
FUZZ_NAMES         := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))
ifeq ($(wildcard src/vmm.c),)
FUZZ_NAMES         := $(filter-out vmm_version,$(FUZZ_NAMES))
endif
FUZZ_BINS          := $(FUZZ_NAMES:%=$(FUZZ_O)/fuzz_%)
FUZZ_OBJS          := $(LIB_SRCS:src/%.c=$(FUZZ_O)/obj/%.o)
FUZZ_LIB           := $(FUZZ_O)/obj/libkic-fuzz.a
FUZZ_FIXTURES      := $(shell find tests/fixtures -type f 2>/dev/null)

.PHONY: fuzz fuzz-short fuzz-build fuzz-runs fuzz-regressions fuzz-json_check

$(FUZZ_O)/obj/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_O)/obj/json_check.o: fuzz/json_check.c fuzz/json_check.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_OBJS)
	$(AR) rcs $@ $^

$(FUZZ_O)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h $(FUZZ_O)/obj/json_check.o $(FUZZ_LIB)
	$(FUZZ_CC) $(FUZZ_ALL_CFLAGS) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $< \
		$(FUZZ_O)/obj/json_check.o $(FUZZ_LIB) $(LDLIBS) -lm

# Plain $(CC), no clang needed: the validator also judges the tool's real
# --json output in tests/test_sanitize.sh.
$(FUZZ_O)/json_check_test: fuzz/json_check_test.c fuzz/json_check.c fuzz/json_check.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ fuzz/json_check_test.c fuzz/json_check.c

$(FUZZ_O)/seeds/.stamp: fuzz/mkseeds $(FUZZ_FIXTURES) $(wildcard fuzz/regressions/*/* fuzz/regressions/KNOWN)
	rm -rf $(FUZZ_O)/seeds
	fuzz/mkseeds $(FUZZ_O)/seeds
	@touch $@

fuzz-build: $(FUZZ_BINS) $(FUZZ_O)/json_check_test

fuzz-json_check: $(FUZZ_O)/json_check_test
	$(FUZZ_O)/json_check_test

fuzz-run-%: $(FUZZ_O)/fuzz_% $(FUZZ_O)/seeds/.stamp
	@fuzz/run-one $(FUZZ_O) $* $(FUZZ_SECONDS)

fuzz-runs: $(FUZZ_NAMES:%=fuzz-run-%)

fuzz: fuzz-build
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz-runs

fuzz-short: fuzz-build
	@$(MAKE) --no-print-directory -j$(FUZZ_JOBS) FUZZ_SECONDS=$(FUZZ_SHORT_SECONDS) fuzz-runs

fuzz-regressions: fuzz-build
	@fuzz/replay $(FUZZ_O) $(FUZZ_NAMES)
