# SPDX-License-Identifier: GPL-2.0
#
# The project's one version string is PACKAGE_VERSION in dkms.conf; every
# Makefile reads it through this, and shell scripts through `make version`:
#   $(call tcpstat-version,DIR)   PACKAGE_VERSION of DIR/dkms.conf
# A missing file or line stops the build.
tcpstat-version = $(or $(shell sed -n 's/^PACKAGE_VERSION="\([^"]*\)"$$/\1/p' \
	$(1)/dkms.conf 2>/dev/null),$(error tcpstat: no PACKAGE_VERSION="..." line in $(1)/dkms.conf))
