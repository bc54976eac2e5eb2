# SPDX-License-Identifier: GPL-2.0
#
# tcpstat: the module (module/), the reader (tools/), the VM-based selftests
# (selftests/), the benchmark (bench/).  `make help` lists the targets.

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

# The kernel to build the module for.  DKMS passes KERNELRELEASE=<version>;
# KDIR (or KERNEL_SRC) names a build tree directly.
KERNELRELEASE ?= $(shell uname -r)
KERNEL_SRC ?= /lib/modules/$(KERNELRELEASE)/build
KDIR ?= $(KERNEL_SRC)

.PHONY: all module tools clean help FORCE

all: module tools

module:
	@test -f $(KDIR)/Makefile || { \
		echo "tcpstat: no kernel build tree at $(KDIR): install the headers (linux-headers-$(KERNELRELEASE)) or pass KERNELRELEASE=<version> or KDIR=<path>" >&2; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

# One build per kernel side by side, for the rig: build/<release>/ gets a
# copy of the module sources and build/<release>/module/tcpstat.ko.  With
# WERROR=1 any compiler warning fails the build (the rig builds with W=1).
MODULE_SRCS := Kbuild dkms.conf $(wildcard module/Kbuild module/*.[ch])
build/%/module/tcpstat.ko: $(MODULE_SRCS) FORCE
	@mkdir -p build/$*/module
	@for f in $(MODULE_SRCS); do cmp -s $$f build/$*/$$f || cp $$f build/$*/$$f; done
	$(MAKE) -C $(or $(KDIR_$*),/lib/modules/$*/build) M=$(CURDIR)/build/$* \
		$(if $(WERROR),KCFLAGS=-Werror) modules

FORCE:

clean:
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c \
	      module/.*.cmd module/.*.d module/modules.order \
	      .*.cmd modules.order Module.symvers
	rm -rf .tmp_versions build
	-$(MAKE) -C tools clean
