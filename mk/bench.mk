# make bench: bench/run -- wall time, CPU time and peak RSS of a full check
# (kvm-ipa-check --json) on this machine's /dev/kvm, as ratios against
# bench/floor.c (the same KVM ioctls and nothing else) and
# `virt-host-validate qemu`. BENCH_RUNS interleaved runs each (200).
# Not a test: figures depend on the machine; see bench/RESULTS.md.

BENCH_RUNS  ?= 200
BENCH_O     := $(if $(filter .,$(O)),build-bench,$(O)/bench)
BENCH_FLOOR := $(BENCH_O)/floor
BENCH_RUSAGE := $(BENCH_O)/rusage

.PHONY: bench

$(BENCH_FLOOR): bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

# Static when libc.a is there: its own RSS becomes every child's floor.
$(BENCH_RUSAGE): bench/rusage.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -static -o $@ $< 2>/dev/null || \
		$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

bench: $(BIN) $(BENCH_FLOOR) $(BENCH_RUSAGE)
	bench/run --runs $(BENCH_RUNS) --bin $(BIN) --floor $(BENCH_FLOOR) --rusage $(BENCH_RUSAGE)
