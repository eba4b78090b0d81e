# The whole build with AddressSanitizer + UndefinedBehaviorSanitizer in
# SAN_O (build-asan/): the tool, the unit tests and the test programs, each
# linked with tests/fdcheck.c (inert unless KIC_FDCHECK is set: then any fd
# left open at exit aborts). Also the strict JSON validator.
#
#   make sanitize          build it
#   make sanitize-check    build it and run tests/test_sanitize.sh on it
#   make valgrind-check    tests/test_valgrind.sh on the normal build
#
# Any compiler with ASan/UBSan will do (gcc or clang: SAN_CC=clang).

SAN_O      ?= build-asan
SAN_CC     ?= $(CC)
SAN_FLAGS  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
SAN_CFLAGS ?= -O2 -g # the normal build's level: -O1 changes which warnings -Werror sees

.PHONY: sanitize sanitize-check valgrind-check

# CFLAGS, LDFLAGS and LDLIBS go through the environment, not the command line,
# so the Makefile's own += (warnings, -std, libkmod/libudev) still apply.
# A new fdcheck.o is not a prerequisite the sub-make sees: relink by hand.
$(SAN_O)/obj/fdcheck.o: tests/fdcheck.c
	@mkdir -p $(dir $@)
	$(SAN_CC) $(SAN_CFLAGS) $(SAN_FLAGS) -std=gnu11 $(WARN) -c -o $@ $<
	rm -f $(SAN_O)/kvm-ipa-check $(SAN_O)/tests/test_* $(SAN_O)/tests/kvm_hang_probe

sanitize: $(SAN_O)/obj/fdcheck.o
	@CFLAGS='$(SAN_CFLAGS) $(SAN_FLAGS)' LDFLAGS='$(SAN_FLAGS)' LDLIBS='$(SAN_O)/obj/fdcheck.o' \
		$(MAKE) --no-print-directory O=$(SAN_O) CC='$(SAN_CC)' all \
		$(patsubst tests/%.c,$(SAN_O)/tests/%,$(wildcard tests/test_*.c)) \
		$(SAN_O)/tests/kvm_hang_probe $(SAN_O)/fuzz/json_check_test

sanitize-check:
	KIC_BUILD=. KIC_SAN_BUILD=$(SAN_O) tests/test_sanitize.sh $(BIN)

valgrind-check: $(BIN)
	KIC_BUILD=$(O) tests/test_valgrind.sh $(BIN)
