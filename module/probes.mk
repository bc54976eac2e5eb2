# SPDX-License-Identifier: GPL-2.0
#
# Kernel API probes, included by the top-level Kbuild.  Each difference is
# decided by compiling a small file of module/probes/ against the target
# tree with the module's own flags (-fsyntax-only), OpenZFS-style, never
# by grepping headers; and each decision fails closed:
#   - every header a probe includes must exist, or the build stops naming it
#     (a moved header cannot silently turn an answer into "no");
#   - base.c, which uses only what every supported kernel has, must compile,
#     or no answer can be trusted and the build stops with the compiler's
#     error;
#   - where a wrong choice would still compile (walking lhash2 as a nulls
#     list compiles on every kernel that has lhash2), a second, independent
#     probe must agree, or the build stops;
#   - where exactly one of two variants exists, exactly one must compile.
# The results become -D flags for compat.h.  They are computed once per
# make, when the first object is compiled: parsing this file for modpost or
# clean runs no probe.

tcpstat-probe-dir := $(tcpstat-top)/module/probes

tcpstat-probe-cc = $(CC) $(NOSTDINC_FLAGS) $(LINUXINCLUDE) \
	-include $(srctree)/include/linux/compiler_types.h \
	$(KBUILD_CPPFLAGS) $(KBUILD_CFLAGS) $(KBUILD_CFLAGS_MODULE) \
	-DMODULE -DKBUILD_MODNAME='"tcpstat_probe"' \
	-DKBUILD_BASENAME='"tcpstat_probe"' \
	-Werror=implicit-function-declaration -Werror=incompatible-pointer-types \
	-fsyntax-only

# Every probe is compiled once per make, all at once (a compile under
# emulation takes seconds): "NAME=y" or "NAME=n" for each file.
tcpstat-probe-names = $(basename $(notdir $(wildcard $(tcpstat-probe-dir)/*.c)))
tcpstat-probe-results = $(or $(tcpstat-probe-results-memo),$(eval \
	tcpstat-probe-results-memo := $(shell for p in $(tcpstat-probe-names); do \
		{ $(tcpstat-probe-cc) $(tcpstat-probe-dir)/$$p.c >/dev/null 2>&1 && \
		  echo $$p=y || echo $$p=n; } & \
	done; wait))$(tcpstat-probe-results-memo))
# $(call tcpstat-try,NAME): y if probes/NAME.c compiles, else n.
tcpstat-try = $(or $(patsubst $(1)=%,%,$(filter $(1)=%,$(tcpstat-probe-results))),$(error \
	tcpstat: no probe module/probes/$(1).c))
# $(call tcpstat-try-log,NAME): the compiler's first complaints about it.
tcpstat-try-log = $(shell $(tcpstat-probe-cc) $(tcpstat-probe-dir)/$(1).c 2>&1 | \
	grep -m 3 'error' | tr '\n' ' ')

# linux/version.h is generated (include/generated/uapi), never in the
# source tree: it is the one header not checked here.
tcpstat-probe-headers = $(filter-out linux/version.h,$(sort $(shell sed -n \
	's/^\#include <\(.*\)>/\1/p' $(tcpstat-probe-dir)/*.c)))

tcpstat-check-headers = $(foreach h,$(tcpstat-probe-headers),$(if \
	$(wildcard $(srctree)/include/$(h)),,$(error tcpstat: \
	$(srctree)/include/$(h) is missing: the kernel API probes cannot read \
	it, refusing to guess)))

tcpstat-check-base = $(if $(filter y,$(call tcpstat-try,base)),,$(error \
	tcpstat: module/probes/base.c does not compile against $(srctree): \
	$(call tcpstat-try-log,base)))

# $(call tcpstat-one-of,A,B,FLAG): FLAG if only A compiles, nothing if only
# B does; the build stops if both or neither do.
tcpstat-one-of = $(if $(filter yn,$(call tcpstat-try,$(1))$(call \
	tcpstat-try,$(2))),$(3),$(if $(filter ny,$(call tcpstat-try,$(1))$(call \
	tcpstat-try,$(2))),,$(error tcpstat: exactly one of module/probes/$(1).c \
	and $(2).c must compile against $(srctree): $(1): $(call \
	tcpstat-try-log,$(1)) $(2): $(call tcpstat-try-log,$(2)))))

# The listener table: era A (listening_hash, plain lists; <= 5.4), B
# (listening_hash, nulls lists; 5.5-5.18 and 4.19.y/5.4.y backports) or C
# (lhash2 only, nulls lists; >= 5.19 and late 5.15.y).
tcpstat-listen-hash = $(call tcpstat-try,listening_hash)
tcpstat-listen-flags = $(strip \
	$(if $(filter $(tcpstat-listen-hash),$(call tcpstat-try,portaddr_node)),,\
		$(error tcpstat: module/probes/listening_hash.c and \
		portaddr_node.c disagree against $(srctree): unknown listener \
		table layout)) \
	$(if $(filter y,$(call tcpstat-try,listen_nulls)),\
		$(if $(filter y,$(tcpstat-listen-hash)),\
			-DTCPSTAT_HAVE_LISTENING_HASH -DTCPSTAT_HAVE_LISTEN_NULLS),\
		$(if $(filter y,$(tcpstat-listen-hash)),\
			-DTCPSTAT_HAVE_LISTENING_HASH,\
			$(error tcpstat: lhash2 without listening_hash but \
			without nulls lists against $(srctree): unknown listener \
			table layout))))

tcpstat-probe-compute = $(strip \
	$(tcpstat-check-headers) \
	$(tcpstat-check-base) \
	$(tcpstat-listen-flags) \
	$(call tcpstat-one-of,death_row_ptr,death_row,-DTCPSTAT_HAVE_DEATH_ROW_PTR) \
	$(call tcpstat-one-of,proc_ops,proc_fops,-DTCPSTAT_HAVE_PROC_OPS) \
	$(if $(filter y,$(call tcpstat-try,pde_data_fn)),-DTCPSTAT_HAVE_PDE_DATA_FN,\
		$(if $(filter y,$(call tcpstat-try,pde_data_macro)),,\
		$(error tcpstat: neither pde_data() nor PDE_DATA() against \
		$(srctree): $(call tcpstat-try-log,pde_data_fn)))) \
	$(if $(filter y,$(call tcpstat-try,net_cookie)),-DTCPSTAT_HAVE_NET_COOKIE) \
	$(if $(filter y,$(call tcpstat-try,sk_drops_read)),-DTCPSTAT_HAVE_SK_DROPS_READ,\
		$(if $(filter y,$(call tcpstat-try,sk_drops_atomic)),,\
		$(error tcpstat: neither sk_drops_read() nor an atomic_t sk_drops \
		against $(srctree): $(call tcpstat-try-log,sk_drops_atomic)))) \
	$(if $(filter y,$(call tcpstat-try,proc_read_iter)),-DTCPSTAT_HAVE_PROC_READ_ITER) \
	$(if $(filter y,$(call tcpstat-try,netns_tracker)),-DTCPSTAT_HAVE_NETNS_TRACKER) \
	$(if $(filter y,$(call tcpstat-try,net_relookup)),-DTCPSTAT_HAVE_NET_RELOOKUP))

# Computed at the first expansion, then remembered.
tcpstat-probe-flags = $(or $(tcpstat-probe-memo),$(eval \
	tcpstat-probe-memo := $(tcpstat-probe-compute) -DTCPSTAT_PROBED)$(tcpstat-probe-memo))
