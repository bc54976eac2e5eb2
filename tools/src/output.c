// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "escape.h"
#include "json.h"
#include "output.h"
#include "owner.h"

/* --- JSON ------------------------------------------------------------- */

static void json_states(struct json *j, const char *key,
			const struct state_counts *c)
{
	unsigned int st;

	if (key)
		json_open_object(j, key);
	for_each_state(st)
		json_u64(j, tcpstat_state_name(st), c->n[st]);
	if (key)
		json_close_object(j);
}

static void json_families(struct json *j, const struct state_counts *fam)
{
	unsigned int f;

	for (f = 0; f < TCPSTAT_FAMILIES; f++)
		json_states(j, tcpstat_family_name(f), &fam[f]);
}

/* A value a source may not know: null then. */
static void json_maybe(struct json *j, const char *key, uint64_t v, int known)
{
	if (known)
		json_u64(j, key, v);
	else
		json_null(j, key);
}

/* A port's drops per second under --interval, if it can be had. */
static void json_drops_rate(struct json *j, const struct render *rc,
			    const struct port_row *p)
{
	uint64_t delta;
	double rate;

	if (!rc->hist)
		return;
	if (history_port_drops(rc->hist, p, rc->now_ns, &delta, &rate))
		json_null(j, "drops_per_second");
	else
		json_double(j, "drops_per_second", rate);
}

static void json_port(struct json *j, const struct render *rc,
		      const struct port_row *p)
{
	json_open_object(j, NULL);
	json_u64(j, TCPSTAT_COL_PORT, p->port);
	json_u64(j, TCPSTAT_COL_LISTENERS, p->listeners);
	json_u64(j, TCPSTAT_COL_ACCEPT_QUEUE, p->accept_queue);
	json_maybe(j, TCPSTAT_COL_ACCEPT_MAX, p->accept_max,
		   p->have & PORT_ACCEPT_MAX);
	json_maybe(j, TCPSTAT_COL_SYN_QUEUE, p->syn_queue,
		   p->have & PORT_SYN_QUEUE);
	json_states(j, NULL, &p->c);
	json_maybe(j, TCPSTAT_COL_FASTOPEN_QUEUE, p->fastopen_queue,
		   p->have & PORT_FASTOPEN);
	json_maybe(j, TCPSTAT_COL_DROPS, p->drops, p->have & PORT_DROPS);
	json_drops_rate(j, rc, p);
	json_close_object(j);
}

/* The port rows first..first+n of the reading, those kept. */
static void json_ports(struct json *j, const char *key, const struct render *rc,
		       size_t first, size_t n, port_filter_t keep)
{
	const struct reading *r = rc->r;
	size_t i;

	json_open_array(j, key);
	for (i = first; i < first + n; i++)
		if (port_kept(keep, r->ports[i].port))
			json_port(j, rc, &r->ports[i]);
	json_close_array(j);
}

/* A non-empty string member (owner fields: untrusted, escaped by json). */
static void json_str(struct json *j, const char *key, const char *v)
{
	if (v && *v)
		json_string(j, key, v);
}

/* Always there: a namespace no process of which could be seen is unknown. */
static void json_owner(struct json *j, const struct netns_row *n)
{
	const struct netns_owner *w = &n->owner;
	unsigned int i;

	json_open_object(j, "owner");
	json_string(j, "kind", owner_kind_name(n->have_owner ?
					       (enum owner_kind)w->kind :
					       OWNER_UNKNOWN));
	if (!n->have_owner) {
		json_close_object(j);
		return;
	}
	switch (w->kind) {
	case OWNER_POD:
		json_str(j, "namespace", w->pod_namespace);
		json_str(j, "pod", w->pod_name);
		json_str(j, "uid", w->pod_uid);
		break;
	case OWNER_CONTAINER:
		json_str(j, "runtime", w->runtime);
		json_str(j, "id", w->id);
		json_str(j, "name", w->name);
		break;
	case OWNER_SERVICE:
		json_str(j, "unit", w->name);
		break;
	}
	if (w->ncontainers) {
		json_open_array(j, "containers");
		for (i = 0; i < w->ncontainers; i++) {
			json_open_object(j, NULL);
			json_str(j, "name", w->containers[i].name);
			json_str(j, "id", w->containers[i].id);
			json_str(j, "runtime", w->containers[i].runtime);
			json_close_object(j);
		}
		json_close_array(j);
	}
	if (w->truncated)
		json_u64(j, "containers_left_out", w->truncated);
	json_close_object(j);
}

static void json_rates(struct json *j, const struct rates *rt);

static void json_netns(struct json *j, const char *key, const struct render *rc,
		       port_filter_t keep)
{
	const struct reading *r = rc->r;
	struct rates rt;
	unsigned int k;
	size_t i;

	json_open_array(j, key);
	for (i = 0; i < r->nnetns; i++) {
		const struct netns_row *n = &r->netns[i];

		json_open_object(j, NULL);
		json_u64(j, TCPSTAT_COL_NETNS, n->netns);
		if (n->have_cookie)
			json_u64(j, TCPSTAT_COL_COOKIE, n->cookie);
		json_open_array(j, "pids");
		for (k = 0; k < n->npids; k++)
			json_int(j, NULL, n->pids[k]);
		json_close_array(j);
		json_open_array(j, "names");
		for (k = 0; k < n->nnames; k++)
			json_string(j, NULL, n->names[k]);
		json_close_array(j);
		json_owner(j, n);
		json_families(j, n->fam);
		if (r->netns_ports)
			json_ports(j, "ports", rc, n->port_first, n->nports, keep);
		if (rc->hist) {
			if (history_netns_rates(rc->hist, n, &rt))
				json_null(j, "rates");
			else
				json_rates(j, &rt);
		}
		json_close_object(j);
	}
	json_close_array(j);
}

static void json_rates(struct json *j, const struct rates *rt)
{
	unsigned int i;

	json_open_object(j, "rates");
	json_double(j, "seconds", rt->seconds);
	json_open_object(j, "deltas");
	for (i = 0; i < CNT_COUNT; i++)
		json_maybe(j, counter_defs[i].name, rt->delta[i], rt->valid[i]);
	json_close_object(j);
	json_open_object(j, "per_second");
	for (i = 0; i < CNT_COUNT; i++) {
		if (rt->valid[i])
			json_double(j, counter_defs[i].name, rt->per_second[i]);
		else
			json_null(j, counter_defs[i].name);
	}
	json_close_object(j);
	json_close_object(j);
}

/*
 * One reading alone is the view's own value (an object, or an array of
 * rows); under --interval, an object whose first key is "time".
 */
static void render_json(struct sbuf *sb, const struct render *rc,
			const struct output_opts *o)
{
	const struct reading *r = rc->r;
	int rows = r->view == VIEW_PORTS || r->view == VIEW_NETNS;
	struct json j;

	json_init(&j, sb, o->pretty);
	if (rows && !rc->time) {
		if (r->view == VIEW_PORTS)
			json_ports(&j, NULL, rc, 0, r->nports, o->keep);
		else
			json_netns(&j, NULL, rc, o->keep);
		json_end(&j);
		return;
	}
	json_open_object(&j, NULL);
	if (rc->time)
		json_string(&j, "time", rc->time);
	switch (r->view) {
	case VIEW_STATES:
		json_states(&j, NULL, &r->states);
		break;
	case VIEW_FAMILIES:
		json_families(&j, r->fam);
		break;
	case VIEW_PORTS:
		json_ports(&j, "ports", rc, 0, r->nports, o->keep);
		if (rc->rates)
			json_rates(&j, rc->rates);
		break;
	default:
		json_netns(&j, "netns", rc, o->keep);
		break;
	}
	json_close_object(&j);
	json_end(&j);
}

/* --- Prometheus ------------------------------------------------------- */

static void render_prometheus(struct sbuf *sb, const struct render *rc,
			      const struct output_opts *o)
{
	const struct reading *r = rc->r;

	switch (r->view) {
	case VIEW_STATES:
		prom_states(sb, &r->states);
		break;
	case VIEW_FAMILIES:
		prom_families(sb, r->fam);
		break;
	case VIEW_PORTS:
		prom_ports(sb, r, o->keep);
		if (rc->counters)
			prom_counters(sb, rc->counters);
		break;
	default:
		prom_netns(sb, r, o->keep, o->netns_ports_max);
		break;
	}
}

/* --- text ------------------------------------------------------------- */

#define TEXT_COLS_MAX	(9 + TCPSTAT_STATES)
#define CELL_MAX	64

/*
 * An aligned table: cell(arg, row, col, buf) writes a cell (row -1: the
 * header) and returns 1 if the column holds words (left-aligned), 0 if
 * numbers (right-aligned).
 */
typedef int (*cell_fn)(const void *arg, long row, unsigned int col,
		       char *buf);

static void text_table(struct sbuf *sb, const void *arg, long rows,
		       unsigned int cols, cell_fn cell)
{
	int width[TEXT_COLS_MAX] = { 0 };
	char buf[CELL_MAX];
	unsigned int c;
	long i;

	for (i = -1; i < rows; i++)
		for (c = 0; c < cols; c++) {
			cell(arg, i, c, buf);
			if ((int)strlen(buf) > width[c])
				width[c] = (int)strlen(buf);
		}
	for (i = -1; i < rows; i++) {
		for (c = 0; c < cols; c++) {
			int words = cell(arg, i, c, buf);
			int w = c + 1 < cols || !words ? width[c] : 0;

			sbuf_printf(sb, "%s%*s", c ? "  " : "", words ? -w : w,
				    buf);
		}
		sbuf_puts(sb, "\n");
	}
}

/* States down, one column per family (or just the counts). */
static int state_cell(const void *arg, long row, unsigned int col, char *buf)
{
	const struct reading *r = arg;
	unsigned int st = (unsigned int)row + TCPSTAT_STATE_FIRST;

	if (row < 0)
		snprintf(buf, CELL_MAX, "%s", col == 0 ? "STATE" :
			 r->view == VIEW_STATES ? "COUNT" :
			 tcpstat_family_name(col - 1));
	else if (col == 0)
		snprintf(buf, CELL_MAX, "%s", tcpstat_state_name(st));
	else
		snprintf(buf, CELL_MAX, "%" PRIu64, r->view == VIEW_STATES ?
			 r->states.n[st] : r->fam[col - 1].n[st]);
	return col == 0;
}

/* The seed view's text keeps its original form: no header. */
static void text_states(struct sbuf *sb, const struct reading *r)
{
	char buf[CELL_MAX];
	int w = 1;
	unsigned int st;

	for_each_state(st) {
		snprintf(buf, sizeof(buf), "%" PRIu64, r->states.n[st]);
		if ((int)strlen(buf) > w)
			w = (int)strlen(buf);
	}
	for_each_state(st)
		sbuf_printf(sb, "%-*s  %*" PRIu64 "\n", TCPSTAT_STATE_NAME_MAX,
			    tcpstat_state_name(st), w, r->states.n[st]);
}

/* Ports: the rows kept, then the columns of the file. */
struct ports_text {
	const struct reading *r;
	const size_t *rows;
};

static int port_cell(const void *arg, long row, unsigned int col, char *buf)
{
	static const char *const head[] = {
		"PORT", "LISTENERS", "ACCEPT_Q", "ACCEPT_MAX", "SYN_Q",
	};
	const struct ports_text *t = arg;
	const struct port_row *p;
	unsigned int ns = TCPSTAT_STATES;
	uint64_t v = 0;
	int known = 1;

	if (row < 0) {
		snprintf(buf, CELL_MAX, "%s", col < 5 ? head[col] :
			 col < 5 + ns ? tcpstat_state_name(col - 5 + TCPSTAT_STATE_FIRST) :
			 col == 5 + ns ? "FASTOPEN_Q" : "DROPS");
		return 0;
	}
	p = &t->r->ports[t->rows[row]];
	switch (col) {
	case 0: v = p->port; break;
	case 1: v = p->listeners; break;
	case 2: v = p->accept_queue; break;
	case 3: v = p->accept_max; known = p->have & PORT_ACCEPT_MAX; break;
	case 4: v = p->syn_queue; known = p->have & PORT_SYN_QUEUE; break;
	default:
		if (col < 5 + ns) {
			v = p->c.n[col - 5 + TCPSTAT_STATE_FIRST];
		} else if (col == 5 + ns) {
			v = p->fastopen_queue;
			known = p->have & PORT_FASTOPEN;
		} else {
			v = p->drops;
			known = p->have & PORT_DROPS;
		}
	}
	if (known)
		snprintf(buf, CELL_MAX, "%" PRIu64, v);
	else
		snprintf(buf, CELL_MAX, "-");
	return 0;
}

static int text_ports(struct sbuf *sb, const struct render *rc,
		      const struct output_opts *o)
{
	const struct reading *r = rc->r;
	struct ports_text t = { .r = r };
	size_t *rows = NULL, n = 0, i;
	unsigned int k;

	if (r->nports) {
		rows = calloc(r->nports, sizeof(*rows));
		if (!rows)
			return -1;
	}
	for (i = 0; i < r->nports; i++)
		if (port_kept(o->keep, r->ports[i].port))
			rows[n++] = i;
	t.rows = rows;
	text_table(sb, &t, (long)n, 7 + TCPSTAT_STATES, port_cell);
	free(rows);
	if (!rc->rates)
		return 0;
	sbuf_printf(sb, "rates over %.3f s:\n", rc->rates->seconds);
	for (k = 0; k < CNT_COUNT; k++) {
		if (rc->rates->valid[k])
			sbuf_printf(sb, "  %-16s %12" PRIu64 " %14.3f/s\n",
				    counter_defs[k].name, rc->rates->delta[k],
				    rc->rates->per_second[k]);
		else
			sbuf_printf(sb, "  %-16s %12s %14s\n",
				    counter_defs[k].name, "-", "-");
	}
	return 0;
}

/* "-", or the pids (names) joined by commas, cut short with "...". */
static void join_pids(char *buf, const struct netns_row *n)
{
	size_t len = 0;
	unsigned int i;

	strcpy(buf, n->npids ? "" : "-");
	for (i = 0; i < n->npids && i < 4; i++)
		len += (size_t)snprintf(buf + len, CELL_MAX - len, "%s%d",
					i ? "," : "", n->pids[i]);
	if (i < n->npids)
		snprintf(buf + len, CELL_MAX - len, ",...");
}

/* The ip netns names (untrusted) for a terminal, joined, cut with "...". */
static void join_names(char *buf, const struct netns_row *n)
{
	char one[CELL_MAX];
	size_t len = 0;
	unsigned int i;

	strcpy(buf, n->nnames ? "" : "-");
	for (i = 0; i < n->nnames; i++) {
		size_t need;

		escape_text(one, sizeof(one), n->names[i]);
		need = strlen(one) + (i ? 1 : 0);
		if (len + need + 4 >= CELL_MAX) {
			snprintf(buf + len, CELL_MAX - len, "%s...", i ? "," : "");
			return;
		}
		len += (size_t)snprintf(buf + len, CELL_MAX - len, "%s%s",
					i ? "," : "", one);
	}
}

/*
 * Who owns a namespace, in a few words for a terminal: "pod NS/NAME
 * [containers]", "container RUNTIME NAME", "service UNIT", "host" or
 * "unknown";
 * every name read from files escaped.
 */
static void owner_words(char *buf, const struct netns_row *n)
{
	const struct netns_owner *w = &n->owner;
	char text[512];
	size_t len = 0;
	unsigned int i;

	switch (n->have_owner ? w->kind : OWNER_UNKNOWN) {
	case OWNER_POD:
		len = (size_t)snprintf(text, sizeof(text), "pod %s/%s",
				       w->pod_namespace, w->pod_name);
		for (i = 0; i < w->ncontainers && len < sizeof(text); i++)
			len += (size_t)snprintf(text + len, sizeof(text) - len,
						"%s%s", i ? "," : " [",
						w->containers[i].name);
		if (w->ncontainers && len < sizeof(text))
			snprintf(text + len, sizeof(text) - len, "]");
		break;
	case OWNER_CONTAINER:
		snprintf(text, sizeof(text), "container %s %s", w->runtime,
			 *w->name ? w->name : w->id);
		break;
	case OWNER_SERVICE:
		snprintf(text, sizeof(text), "service %s", w->name);
		break;
	default:
		snprintf(text, sizeof(text), "%s",
			 owner_kind_name((enum owner_kind)w->kind));
	}
	escape_text(buf, CELL_MAX, text);
}

/*
 * Namespaces: one line per namespace and family, with its pids, names and
 * owner.
 */
static int netns_cell(const void *arg, long row, unsigned int col, char *buf)
{
	const struct reading *r = arg;
	const struct netns_row *n;
	unsigned int f, ns = TCPSTAT_STATES;
	int words = col == 1 || col >= 2 + ns;

	if (row < 0) {
		snprintf(buf, CELL_MAX, "%s", col == 0 ? "NETNS" :
			 col == 1 ? "FAMILY" :
			 col < 2 + ns ? tcpstat_state_name(col - 2 + TCPSTAT_STATE_FIRST) :
			 col == 2 + ns ? "PIDS" : col == 3 + ns ? "NAMES" : "OWNER");
		return words;
	}
	n = &r->netns[row / 2];
	f = (unsigned int)(row % 2);
	if (col == 0)
		snprintf(buf, CELL_MAX, "%" PRIu64, n->netns);
	else if (col == 1)
		snprintf(buf, CELL_MAX, "%s", tcpstat_family_name(f));
	else if (col < 2 + ns)
		snprintf(buf, CELL_MAX, "%" PRIu64,
			 n->fam[f].n[col - 2 + TCPSTAT_STATE_FIRST]);
	else if (col == 2 + ns)
		join_pids(buf, n);
	else if (col == 3 + ns)
		join_names(buf, n);
	else
		owner_words(buf, n);
	return words;
}

/* Each namespace's ports: the namespace and its owner, then a port row. */
struct netns_ports_text {
	struct ports_text ports;
	const struct netns_row **ns;	/* per kept row */
};

static int netns_port_cell(const void *arg, long row, unsigned int col,
			   char *buf)
{
	const struct netns_ports_text *t = arg;

	if (col >= 2)
		return port_cell(&t->ports, row, col - 2, buf);
	if (row < 0)
		snprintf(buf, CELL_MAX, "%s", col ? "OWNER" : "NETNS");
	else if (col == 0)
		snprintf(buf, CELL_MAX, "%" PRIu64, t->ns[row]->netns);
	else
		owner_words(buf, t->ns[row]);
	return col == 1;
}

static int text_netns_ports(struct sbuf *sb, const struct reading *r,
			    port_filter_t keep)
{
	struct netns_ports_text t = { .ports.r = r };
	size_t *rows = NULL, n = 0, i, k;
	const struct netns_row **ns = NULL;

	if (r->nports) {
		rows = calloc(r->nports, sizeof(*rows));
		ns = calloc(r->nports, sizeof(*ns));
		if (!rows || !ns) {
			free(rows);
			free(ns);
			return -1;
		}
	}
	for (i = 0; i < r->nnetns; i++)
		for (k = r->netns[i].port_first;
		     k < r->netns[i].port_first + r->netns[i].nports; k++)
			if (port_kept(keep, r->ports[k].port)) {
				ns[n] = &r->netns[i];
				rows[n++] = k;
			}
	t.ports.rows = rows;
	t.ns = ns;
	sbuf_puts(sb, "\n");
	text_table(sb, &t, (long)n, 9 + TCPSTAT_STATES, netns_port_cell);
	free(rows);
	free(ns);
	return 0;
}

static int render_text(struct sbuf *sb, const struct render *rc,
		       const struct output_opts *o)
{
	const struct reading *r = rc->r;

	if (rc->time)
		sbuf_printf(sb, "%s\n", rc->time);
	switch (r->view) {
	case VIEW_STATES:
		text_states(sb, r);
		return 0;
	case VIEW_FAMILIES:
		text_table(sb, r, TCPSTAT_STATES, 1 + TCPSTAT_FAMILIES,
			   state_cell);
		return 0;
	case VIEW_PORTS:
		return text_ports(sb, rc, o);
	default:
		text_table(sb, r, (long)r->nnetns * 2, 5 + TCPSTAT_STATES,
			   netns_cell);
		return r->netns_ports ? text_netns_ports(sb, r, o->keep) : 0;
	}
}

int output_render(struct sbuf *sb, const struct render *rc,
		  const struct output_opts *o)
{
	int ret = 0;

	switch (o->format) {
	case FORMAT_JSON:
		render_json(sb, rc, o);
		break;
	case FORMAT_PROMETHEUS:
		render_prometheus(sb, rc, o);
		break;
	case FORMAT_TEXT:
		ret = render_text(sb, rc, o);
		break;
	}
	return ret || sbuf_failed(sb) ? -1 : 0;
}

int output_time(char *buf, size_t size, const struct timespec *ts)
{
	struct tm tm;
	size_t n;
	int m;

	if (!gmtime_r(&ts->tv_sec, &tm))
		return -1;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n)
		return -1;
	m = snprintf(buf + n, size - n, ".%03ldZ", ts->tv_nsec / 1000000);
	return m < 0 || (size_t)m >= size - n ? -1 : 0;
}
