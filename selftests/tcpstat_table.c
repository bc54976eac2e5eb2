// SPDX-License-Identifier: GPL-2.0
/* The module's table files, read whole and parsed into cells, as text. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tcpstat_util.h"

static int split(char *s, char sep, char **f, int max)
{
	int n = 0;

	for (;;) {
		if (n == max)
			return -1;
		f[n++] = s;
		s = strchr(s, sep);
		if (!s)
			return n;
		*s++ = '\0';
	}
}

int table_parse(char *text, struct table *t)
{
	char *line, *next;
	int rows = 0;

	memset(t, 0, sizeof(*t));
	t->text = text;
	for (line = text; *line; line = strchr(line, '\n') + 1) {
		if (!strchr(line, '\n'))
			return -EPROTO;
		rows++;
	}
	if (!rows)
		return -EPROTO;
	t->cells = calloc((size_t)rows * TABLE_COLS, sizeof(*t->cells));
	if (!t->cells)
		return -ENOMEM;
	next = strchr(text, '\n');
	*next++ = '\0';
	t->ncols = split(text, TCPSTAT_TABLE_SEP, t->cols, TABLE_COLS);
	if (t->ncols < 0)
		return -EPROTO;
	for (line = next; *line; line = next) {
		next = strchr(line, '\n');
		*next++ = '\0';
		if (split(line, TCPSTAT_TABLE_SEP, t->cells + t->nrows * t->ncols,
			  t->ncols) != t->ncols || strchr(line, '\0')[-1] == ' ')
			return -EPROTO;
		t->nrows++;
	}
	return 0;
}

int table_read(const char *path, struct table *t)
{
	char *text = malloc(TABLE_MAX + 1);
	size_t len = 0;
	ssize_t r;
	int fd, err;

	memset(t, 0, sizeof(*t));
	if (!text)
		return -ENOMEM;
	fd = proc_open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(text);
		return err;
	}
	while ((r = read(fd, text + len, TABLE_MAX - len)) > 0)
		len += r;
	err = r < 0 ? -errno : 0;
	close(fd);
	text[len] = '\0';
	if (!err)
		err = table_parse(text, t);	/* t owns text from here */
	else
		free(text);
	if (err)
		table_free(t);
	return err;
}

void table_free(struct table *t)
{
	free(t->text);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

int table_col(const struct table *t, const char *name)
{
	int i;

	for (i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i], name))
			return i;
	return -1;
}

const char *table_cell(const struct table *t, int row, const char *name)
{
	int c = table_col(t, name);

	return c < 0 || row < 0 || row >= t->nrows ? NULL :
	       t->cells[row * t->ncols + c];
}

long long table_num(const struct table *t, int row, const char *name)
{
	const char *cell = table_cell(t, row, name);

	return cell ? atoll(cell) : -1;
}

void table_counts(const struct table *t, int row, struct counts *c)
{
	unsigned int st;

	memset(c, 0, sizeof(*c));
	for (st = TCPSTAT_STATE_FIRST; st <= TCPSTAT_STATE_LAST; st++)
		c->n[st] = (unsigned long)table_num(t, row, tcpstat_state_name(st));
}
