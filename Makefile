# SPDX-License-Identifier: GPL-2.0
#
# tcpstat: the module (module/), the reader (tools/), the VM-based selftests
# (selftests/), the benchmark (bench/).  `make help` lists the targets.

include version.mk
VERSION := $(call tcpstat-version,.)

# The kernel to build the module for.  DKMS passes KERNELRELEASE=<version>;
# KDIR (or KERNEL_SRC) names a build tree directly.
KERNELRELEASE ?= $(shell uname -r)
KERNEL_SRC ?= /lib/modules/$(KERNELRELEASE)/build
KDIR ?= $(KERNEL_SRC)

.PHONY: all module tools clean help version FORCE check check-debug demo bench image \
	fuzz deb

all: module tools

# tcpstat.ko, here.
module:
	@test -f $(KDIR)/Makefile || { \
		echo "tcpstat: no kernel build tree at $(KDIR): install the headers (linux-headers-$(KERNELRELEASE)) or pass KERNELRELEASE=<version> or KDIR=<path>" >&2; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

version:
	@echo $(VERSION)

# The module's sources, exactly what DKMS and the packages get: never what
# Kbuild generates next to them (tcpstat.mod.c of an in-tree build would
# clobber a copy's own).
MODULE_SOURCES := Kbuild version.mk dkms.conf module/probes.mk \
		  $(filter-out %.mod.c,$(wildcard module/*.c)) \
		  $(wildcard module/*.h) $(wildcard module/probes/*.c)

# One build per kernel side by side, for the rig: build/<release>/ gets a
# copy of the module sources and build/<release>/tcpstat.ko.  With WERROR=1
# any compiler warning fails the build (the rig builds with W=1).
build/%/tcpstat.ko: $(MODULE_SOURCES) FORCE
	@mkdir -p build/$*/module/probes
	@for f in $(MODULE_SOURCES); do cmp -s $$f build/$*/$$f || cp $$f build/$*/$$f; done
	$(MAKE) -C $(or $(KDIR_$*),/lib/modules/$*/build) M=$(CURDIR)/build/$* \
		$(if $(WERROR),KCFLAGS=-Werror) modules

FORCE:

# --- proving it --------------------------------------------------------------
#
# The host cannot load modules: every module test runs in a guest booted
# under qemu TCG (selftests/vm/).  These targets install what they need
# (Debian/Ubuntu packages, with root or sudo) and say so.
#
#   make check         everything; ends with "N passed, N failed, N skipped"
#                      KERNELS=all adds the -rt kernels and cloud headers
#   make check-debug   the suite and a stress run in a KASAN+lockdep kernel
#   make demo          a guest showing /proc/tcpstat and the reader
#   make bench         read cost at 1k..1M sockets (QUICK=1: up to 100k)

KERNELS ?= default
DEMO_KERNEL ?= $(shell ls /boot/vmlinuz-6.12.* 2>/dev/null | grep -v -e -rt- -e -cloud- | sort -V | tail -n 1 | sed 's|/boot/vmlinuz-||')

# The host's state is recorded first, and checked last: `make check`
# leaves it as it found it.
check:
	@mkdir -p build
	selftests/vm/host-state snapshot build/host-state.before
	selftests/vm/deps check $(filter all,$(KERNELS))
	TCPSTAT_RUN_ID=$${TCPSTAT_RUN_ID:-$$(date +%s)-$$$$} KERNELS="$(KERNELS)" selftests/run-checks

check-debug:
	selftests/vm/deps check-debug
	TCPSTAT_RUN_ID=$${TCPSTAT_RUN_ID:-$$(date +%s)-$$$$} selftests/debug/check-debug

demo:
	selftests/vm/deps demo
	$(MAKE) -s tools
	$(MAKE) -s build/$(DEMO_KERNEL)/tcpstat.ko
	selftests/vm/run-vm -k $(DEMO_KERNEL) -t 600 -- \
		selftests/vm/guest-demo $(CURDIR)/build/$(DEMO_KERNEL)/tcpstat.ko

bench:
	selftests/vm/deps bench
	bench/run $(if $(QUICK),--quick)

fuzz:
	$(MAKE) -C tools fuzz

help:
	@sed -n '/^# --- proving it/,/^$$/p' Makefile | sed 's/^# \{0,1\}//'
	@echo "build:   make [module] [KERNELRELEASE=<release> | KDIR=<tree>] [W=1], make tools, make clean"
	@echo "install: make install [DESTDIR=] [PREFIX=/usr/local] [INSTALL_MOD_PATH=], make uninstall,"
	@echo "         make dkms-install [DKMS_KERNELS=...], make dkms-uninstall"
	@echo "package: make deb [DEB_VERSION=<version>]   (build/deb/: tcpstat-dkms and ktcpstat)"
	@echo "image:   make image [IMAGE=ktcpstat:<version>] [IMAGE_ENGINE=podman|docker|buildah] [IMAGE_ARCHIVE=<file>]"

# --- installation -----------------------------------------------------------
#
# `make install` installs the module for KERNELRELEASE (modules_install,
# then depmod) into /lib/modules/<release>/updates/dkms/, the one place
# DKMS puts it too on Debian and Ubuntu, so a host that used both holds one
# copy; then the reader, its man page, the exporter's systemd units (not
# enabled), its --all-netns drop-in and the Prometheus rules, under
# share/ktcpstat.  Nothing loads the module at boot: see the README.  DESTDIR and
# PREFIX apply to everything; INSTALL_MOD_PATH (default: DESTDIR) to the
# module.  `make uninstall` removes exactly what `make install` added.

PREFIX ?= /usr/local
INSTALL_MOD_PATH ?= $(DESTDIR)
INSTALL_MOD_DIR := updates/dkms
DEPMOD ?= depmod
# The release the module is installed for: KERNELRELEASE, unless only a
# tree was named (KDIR or KERNEL_SRC), whose own name then counts.  Not the
# other way round: Debian's 6.1 headers call themselves 6.1.192 while their
# modules live under 6.1.0-<abi>-amd64.
KDIR_GIVEN = $(filter command line environment,$(origin KDIR) $(origin KERNEL_SRC))
KRELEASE = $(if $(and $(KDIR_GIVEN),$(filter file,$(origin KERNELRELEASE))),$(or \
	   $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null),$(KERNELRELEASE)),$(KERNELRELEASE))
# Distribution kernels do not ship their signing key: modules_install then
# fails to sign (and says so) yet installs.  Sign only when the tree has its
# key; DKMS signs with its own MOK key (see README, Secure Boot).
SIG_KEY = $(shell sed -n 's/^CONFIG_MODULE_SIG_KEY="\(.*\)"/\1/p' $(KDIR)/.config 2>/dev/null)
NO_SIGN = $(if $(SIG_KEY),$(if $(wildcard $(SIG_KEY) $(KDIR)/$(SIG_KEY)),,CONFIG_MODULE_SIG_ALL=))
# depmod belongs to the system the module lands on: a staged install
# (DESTDIR or INSTALL_MOD_PATH) leaves it to the package's installation.
RUN_DEPMOD = $(if $(INSTALL_MOD_PATH),true,$(DEPMOD) -a $(KRELEASE))

.PHONY: install uninstall install-module uninstall-module dkms-install dkms-uninstall \
	dkms-source

install: install-module
	$(MAKE) -C tools install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

install-module: module
	$(MAKE) -C $(KDIR) M=$(CURDIR) INSTALL_MOD_PATH=$(INSTALL_MOD_PATH) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) DEPMOD=true $(NO_SIGN) modules_install
	$(RUN_DEPMOD)

uninstall: uninstall-module
	$(MAKE) -C tools uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)

uninstall-module:
	rm -f $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)/$(INSTALL_MOD_DIR)/tcpstat.ko*
	$(RUN_DEPMOD)

# DKMS: copy exactly what DKMS builds from to /usr/src/tcpstat-<version>,
# then add, build and install it for each of DKMS_KERNELS (default: the
# chosen KERNELRELEASE).  Both targets can be run again safely.
DKMS_SRC := $(DESTDIR)/usr/src/tcpstat-$(VERSION)
DKMS_FILES := Makefile $(MODULE_SOURCES)
DKMS_KERNELS ?= $(KERNELRELEASE)

dkms-install: dkms-source
	dkms status -m tcpstat -v $(VERSION) | grep -q . || dkms add tcpstat/$(VERSION)
	for k in $(DKMS_KERNELS); do \
		dkms build --force tcpstat/$(VERSION) -k $$k && \
		dkms install --force tcpstat/$(VERSION) -k $$k || exit 1; \
	done

dkms-uninstall:
	if dkms status -m tcpstat -v $(VERSION) | grep -q .; then \
		dkms remove tcpstat/$(VERSION) --all; fi
	rm -rf $(DKMS_SRC)

# Only the copy into $(DESTDIR)/usr/src/tcpstat-<version>: what dkms-install
# registers, and what the tcpstat-dkms package ships (debian/rules).
dkms-source:
	rm -rf $(DKMS_SRC)
	for f in $(DKMS_FILES); do install -D -m 644 $$f $(DKMS_SRC)/$$f; done

# Debian packages (debian/): `make deb` builds ktcpstat (the reader, its man
# page, the exporter's unit, not enabled) and tcpstat-dkms (the module's
# sources for DKMS; nothing loads the module) into build/deb/, then runs
# lintian on them: errors fail, warnings are printed.
# It packages a copy of the working tree, tracked and untracked but not
# ignored files (uncommitted work included), in build/deb/src/, and needs
# no root.  debian/changelog must carry dkms.conf's version.
# DEB_VERSION=<version> builds the same tree as <version> instead, into
# build/deb/<version>/: the copy's dkms.conf and debian/changelog get that
# version (for the rig's upgrade test, which needs two versions).
DEB_PKG_VERSION = $(or $(DEB_VERSION),$(VERSION))
DEB_OUT = build/deb$(if $(DEB_VERSION),/$(DEB_VERSION))
DEB_TREE = build/deb/src/tcpstat-$(DEB_PKG_VERSION)
DEB_ARCH = $(shell dpkg --print-architecture)
# The outer make's flags and command-line variables stay out of the build.
DEB_ENV = env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u DEB_VERSION

deb:
	@cl=$$(dpkg-parsechangelog -S Version | sed 's/^[0-9]*://; s/-[^-]*$$//'); \
	[ "$$cl" = "$(VERSION)" ] || { echo "tcpstat: debian/changelog is at $$cl but dkms.conf's PACKAGE_VERSION is $(VERSION): add a debian/changelog entry for $(VERSION)" >&2; exit 1; }
	@echo "$(DEB_PKG_VERSION)" | grep -Eqx '[0-9][A-Za-z0-9.+~]*' || { \
		echo "tcpstat: $(DEB_PKG_VERSION) is not a native Debian version (a digit first, then letters, digits, . + ~; no -)" >&2; exit 1; }
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "tcpstat: make deb copies the tree with git ls-files: needs a git checkout" >&2; exit 1; }
	rm -rf $(DEB_TREE) build/deb/src/*tcpstat*_$(DEB_PKG_VERSION)_*
	mkdir -p $(DEB_TREE) $(DEB_OUT)
	git ls-files -z -co --exclude-standard | perl -0 -ne 'chomp; print "$$_\0" if -e $$_ || -l $$_' | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_TREE)
ifneq ($(DEB_VERSION),)
ifneq ($(DEB_VERSION),$(VERSION))
	sed -i 's/^PACKAGE_VERSION=.*/PACKAGE_VERSION="$(DEB_VERSION)"/' $(DEB_TREE)/dkms.conf
	{ printf 'tcpstat (%s) unstable; urgency=medium\n\n  * Built by make deb DEB_VERSION=%s from %s.\n\n -- %s  %s\n\n' \
		'$(DEB_VERSION)' '$(DEB_VERSION)' '$(VERSION)' \
		"$$(dpkg-parsechangelog -S Maintainer)" "$$(date -R)"; \
	  cat debian/changelog; } > $(DEB_TREE)/debian/changelog
endif
endif
	cd $(DEB_TREE) && $(DEB_ENV) dpkg-buildpackage -us -uc -b -Jauto
	rm -f $(DEB_OUT)/*tcpstat*_$(DEB_PKG_VERSION)_*
	mv build/deb/src/*tcpstat*_$(DEB_PKG_VERSION)_* $(DEB_OUT)/
	$(DEB_ENV) lintian --fail-on error --display-info \
		$(DEB_OUT)/tcpstat_$(DEB_PKG_VERSION)_$(DEB_ARCH).changes
	@ls -1 $(DEB_OUT)/*_$(DEB_PKG_VERSION)_*.deb

# --- the container image ---------------------------------------------------
#
# `make image` builds the reader's image (deploy/image/Containerfile) from
# this build, offline: FROM scratch, the binary and the libraries it loads
# (deploy/image/stage), with the first of podman, docker or buildah found
# (IMAGE_ENGINE= to choose), tagged $(IMAGE).  IMAGE_ARCHIVE=FILE also
# saves it as a docker-archive tar.  The engine's storage is the machine's:
# the tests build it in a guest only.

IMAGE ?= ktcpstat:$(VERSION)
IMAGE_ENGINE ?= $(firstword $(foreach e,podman docker buildah,$(if $(shell command -v $(e) 2>/dev/null),$(e))))

image:
	@[ -n "$(IMAGE_ENGINE)" ] || { echo "tcpstat: make image needs podman, docker or buildah (apt-get install podman)" >&2; exit 1; }
	$(MAKE) -s tools
	rm -rf build/image
	deploy/image/stage tools/ktcpstat build/image/root
	cp deploy/image/Containerfile build/image/
	$(if $(filter buildah,$(IMAGE_ENGINE)),buildah bud,$(IMAGE_ENGINE) build) \
		--build-arg VERSION=$(VERSION) -f build/image/Containerfile \
		-t $(IMAGE) build/image
	$(if $(IMAGE_ARCHIVE),$(if $(filter buildah,$(IMAGE_ENGINE)),buildah push $(IMAGE) docker-archive:$(IMAGE_ARCHIVE):$(IMAGE),$(IMAGE_ENGINE) save -o $(IMAGE_ARCHIVE) $(IMAGE)))

# What kbuild generates, through kbuild when a kernel tree is there, and by
# name in any case: package builds clean where no headers may be installed.
KBUILD_LEFTOVERS := *.o *.ko *.mod *.mod.c .*.cmd .*.d modules.order \
		    Module.symvers .module-common.o module/*.o module/.*.cmd \
		    module/.*.d
clean:
	if [ -f $(KDIR)/Makefile ]; then $(MAKE) -s -C $(KDIR) M=$(CURDIR) clean; fi
	rm -f $(KBUILD_LEFTOVERS)
	rm -rf .tmp_versions build
	if [ -d tools ]; then $(MAKE) -C tools clean; fi
