// SPDX-License-Identifier: GPL-2.0
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define QUOTE_MAX_IN	32

void err_set(struct tcpstat_err *e, int status, const char *fmt, ...)
{
	va_list ap;

	e->status = status;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

void quote(char *dst, size_t size, const char *s, size_t len)
{
	quote_max(dst, size, s, len, QUOTE_MAX_IN);
}

void quote_max(char *dst, size_t size, const char *s, size_t len, size_t max)
{
	size_t i, o = 0;

	if (!size)
		return;
	for (i = 0; i < len && i < max; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 5 > size)
			break;
		if (c >= 0x20 && c < 0x7f && c != '\\')
			dst[o++] = (char)c;
		else
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
	}
	if (i < len && o + 4 <= size) {
		dst[o++] = '.';
		dst[o++] = '.';
		dst[o++] = '.';
	}
	dst[o] = '\0';
}

int proc_path(char *buf, size_t size, const char *root, int pid, const char *rest)
{
	int n;

	if (pid)
		n = snprintf(buf, size, "%s/%d/%s", root, pid, rest);
	else
		n = snprintf(buf, size, "%s/%s", root, rest);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int rooted_path(char *buf, size_t size, const char *root, const char *path)
{
	size_t len = strlen(root);
	int n;

	while (len > 1 && root[len - 1] == '/')
		len--;
	if (len == 1 && root[0] == '/')
		len = 0;
	n = snprintf(buf, size, "%.*s%s", (int)len, root, path);
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

int check_pid(const char *root, int pid, struct tcpstat_err *e)
{
	char path[PATH_MAX];
	struct stat sb;

	if (!pid)
		return 0;
	if (proc_path(path, sizeof(path), root, pid, "") || stat(path, &sb) ||
	    !S_ISDIR(sb.st_mode)) {
		err_set(e, EXIT_RUNTIME, "--pid %d: no such process", pid);
		return EXIT_RUNTIME;
	}
	return 0;
}
