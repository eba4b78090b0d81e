# Golden reports: the full output of every format for every fixture tree
# (tests/fixtures/*), for what-if and --verbose variants, and for synthetic
# probed hosts (tests/golden_render.c), stored under tests/golden/ and diffed
# by tests/test_golden.sh in make check.
#
#   make golden    regenerate every golden file from the current build; then
#                  read `git diff tests/golden` (rules: tests/golden/README.md)

GOLDEN_RENDER := $(O)/tests/golden_render

.PHONY: golden

check: $(GOLDEN_RENDER)

golden: $(BIN) $(GOLDEN_RENDER)
	KIC_BUILD=$(O) tests/test_golden.sh --update $(BIN)

clean: golden-clean

.PHONY: golden-clean
golden-clean:
	rm -f $(GOLDEN_RENDER)
