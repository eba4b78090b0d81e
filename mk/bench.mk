# make bench: bench/run -- wall time, CPU time and peak RSS of a full check
# (kvm-ipa-check --json) on this machine's /dev/kvm, as ratios against
# bench/floor.c (the same KVM ioctls and nothing else) and
# `virt-host-validate qemu`. BENCH_RUNS interleaved runs each (200).
# Not a test: figures depend on the machine; see bench/RESULTS.md.

BENCH_RUNS  ?= 200
BENCH_O     := $(if $(filter .,$(O)),build-bench,$(O)/bench)
BENCH_FLOOR := $(BENCH_O)/floor

.PHONY: bench

$(BENCH_FLOOR): bench/floor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

bench: $(BIN) $(BENCH_FLOOR)
	bench/run --runs $(BENCH_RUNS) --bin $(BIN) --floor $(BENCH_FLOOR)
