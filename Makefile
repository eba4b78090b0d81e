# kvm-ipa-check -- see README.md
VERSION     := 0.1.0
PREFIX      ?= /usr/local
BINDIR      ?= $(PREFIX)/bin
DATADIR     ?= $(PREFIX)/share
MANDIR      ?= $(DATADIR)/man
DESTDIR     ?=
O           ?= .

CC          ?= cc
PKG_CONFIG  ?= pkg-config

# Cross builds (make CC=aarch64-linux-gnu-gcc) take the target's multiarch
# libkmod/libudev from /usr/lib/<triplet>/pkgconfig.
TARGET      := $(shell $(CC) -dumpmachine 2>/dev/null)
BUILD_ARCH  := $(shell cc -dumpmachine 2>/dev/null)
ifneq ($(TARGET),$(BUILD_ARCH))
PKG_CONFIG_LIBDIR ?= /usr/lib/$(TARGET)/pkgconfig:/usr/share/pkgconfig
endif
# $(shell) does not see make's exports (GNU make 4.3): pass it on the command.
PKGCONF     := $(if $(PKG_CONFIG_LIBDIR),PKG_CONFIG_LIBDIR=$(PKG_CONFIG_LIBDIR)) $(PKG_CONFIG)

LIBS_CFLAGS := $(shell $(PKGCONF) --cflags libkmod libudev)
LIBS_LDLIBS := $(shell $(PKGCONF) --libs libkmod libudev)

WARN        := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla -Wstrict-prototypes
CFLAGS      ?= -O2 -g
CFLAGS      += -std=gnu11 $(WARN) -D_FORTIFY_SOURCE=2 -fstack-protector-strong \
	       -DKIC_VERSION='"$(VERSION)"' $(LIBS_CFLAGS)
LDFLAGS     ?=
LDFLAGS     += -Wl,-z,relro,-z,now -Wl,--as-needed  # libkmod is dlopen()ed only when needed (devinfo.c)
LDLIBS      += $(LIBS_LDLIBS) -lrt

# Every stage but main() goes into one archive the tests link against.
LIB_SRCS    := src/common.c src/sysroot.c src/parse.c src/cpuid_arm.c src/facts.c \
	       src/devinfo.c src/vmm.c src/vmm_version.c src/vmm_detect.c src/probe.c src/probe_vm.c src/probe_arm64.c \
	       src/probe_x86.c src/assess.c src/report.c src/json_writer.c src/render_text.c src/render_map.c \
	       src/render_json.c src/render_monitor.c src/jscan.c src/sosreport.c
OBJDIR      := $(O)/obj
LIB_OBJS    := $(LIB_SRCS:src/%.c=$(OBJDIR)/%.o)
LIB         := $(OBJDIR)/libkic.a
BIN         := $(O)/kvm-ipa-check

UNIT_TESTS  := $(patsubst tests/%.c,$(O)/tests/%,$(wildcard tests/test_*.c))
TEST_PROGS  := $(O)/tests/kvm_hang_probe

.PHONY: all check unit-check install uninstall clean format
all: $(BIN)

$(OBJDIR)/%.o: src/%.c $(wildcard src/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJS)
	$(AR) rcs $@ $^

$(BIN): $(OBJDIR)/kvm-ipa-check.o $(LIB)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(O)/tests/%: tests/%.c $(LIB) $(wildcard src/*.h) tests/tap.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB) $(LDLIBS)

ifneq ($(O),.)
tests/kvm_hang_probe: $(O)/tests/kvm_hang_probe
endif

unit-check: $(UNIT_TESTS)
	@tests/run-unit $(UNIT_TESTS)

check: all $(UNIT_TESTS) $(TEST_PROGS)
	@tests/run-all $(O)

BASHCOMPDIR ?= $(shell $(PKG_CONFIG) --define-variable=datadir=$(DATADIR) \
		 --variable=completionsdir bash-completion 2>/dev/null || \
		 echo $(DATADIR)/bash-completion/completions)
ZSHCOMPDIR  ?= $(DATADIR)/zsh/vendor-completions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d

install: $(BIN)
	install -D -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/kvm-ipa-check
	install -D -m 0644 man/kvm-ipa-check.1 $(DESTDIR)$(MANDIR)/man1/kvm-ipa-check.1
	install -D -m 0644 completions/kvm-ipa-check.bash $(DESTDIR)$(BASHCOMPDIR)/kvm-ipa-check
	install -D -m 0644 completions/_kvm-ipa-check $(DESTDIR)$(ZSHCOMPDIR)/_kvm-ipa-check
	install -D -m 0644 completions/kvm-ipa-check.fish $(DESTDIR)$(FISHCOMPDIR)/kvm-ipa-check.fish

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/kvm-ipa-check $(DESTDIR)$(MANDIR)/man1/kvm-ipa-check.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/kvm-ipa-check $(DESTDIR)$(ZSHCOMPDIR)/_kvm-ipa-check \
	      $(DESTDIR)$(FISHCOMPDIR)/kvm-ipa-check.fish

format:
	clang-format -i src/*.c src/*.h tests/*.c

clean:
	rm -rf $(OBJDIR) $(BIN) $(UNIT_TESTS) $(TEST_PROGS)

# Optional parts (fuzzing, sanitizers, packaging) keep their rules in mk/.
-include $(wildcard mk/*.mk)
