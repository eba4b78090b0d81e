# Debian packaging (debian/), built from a clean copy of the tree so that
# nothing lands in the work tree or in its parent directory:
#   make deb  -> $(DEB_OUT)/kvm-ipa-check_$(VERSION)_<arch>.deb (+ .changes, .buildinfo)
#   make dsc  -> $(DEB_OUT)/kvm-ipa-check_$(VERSION).dsc and .tar.xz (3.0 native)
# DEB_OUT defaults to build-deb/ (git-ignored as /build*/). Needs dpkg-dev,
# debhelper and the Build-Depends of debian/control.
#   make deb DEB_ARCH=arm64 -> a cross-built .deb (dpkg-buildpackage -a):
#   needs crossbuild-essential-arm64 and the Build-Depends for arm64
#   (pkgconf:arm64 libkmod-dev:arm64 libudev-dev:arm64); the package build
#   then skips the unit tests, which cannot run on the build machine.
DEB_OUT     ?= $(O)/build-deb
DEB_ARCH    ?=
DEB_TREE    := $(DEB_OUT)/build/kvm-ipa-check-$(VERSION)

.PHONY: deb dsc deb-tree

# The files git knows (tracked, or new and not ignored), as they are in the
# work tree now; build outputs and caches are git-ignored so they stay out.
deb-tree:
	@command -v git >/dev/null && git rev-parse --git-dir >/dev/null 2>&1 || \
		{ echo "make deb: needs a git checkout to know which files to package" >&2; exit 1; }
	rm -rf $(DEB_OUT)/build
	mkdir -p $(DEB_TREE)
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] || [ -L "$$f" ] || continue; \
			mkdir -p "$$0/$$(dirname "$$f")" && cp -a "$$f" "$$0/$$f"; done' $(abspath $(DEB_TREE))

# The package build must not see this make's command line (O=, CC=, ...):
# through MAKEFLAGS and the environment it would reach debian/rules' makes,
# which would then build and clean outside the copy.
deb: deb-tree
	cd $(DEB_TREE) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES -u O -u DEB_ARCH \
		dpkg-buildpackage -us -uc -b $(if $(DEB_ARCH),-a$(DEB_ARCH))
	mv $(DEB_OUT)/build/*.deb $(DEB_OUT)/build/*.changes $(DEB_OUT)/build/*.buildinfo $(DEB_OUT)/
	rm -rf $(DEB_OUT)/build
	@ls -1 $(DEB_OUT)/*.deb

dsc: deb-tree
	cd $(DEB_OUT)/build && dpkg-source -b kvm-ipa-check-$(VERSION)
	mv $(DEB_OUT)/build/*.dsc $(DEB_OUT)/build/*.tar.* $(DEB_OUT)/
	rm -rf $(DEB_OUT)/build
	@ls -1 $(DEB_OUT)/*.dsc
