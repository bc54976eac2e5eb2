// SPDX-License-Identifier: GPL-2.0
/*
 * The exporter's glue: the reading a scrape serves, shared by every scrape
 * that arrives while it is taken (no time-based cache, and never two
 * readings at once however many scrapes arrive), and the signals: SIGINT
 * and SIGTERM stop, SIGHUP reloads the web configuration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>

#include "collect.h"
#include "http.h"
#include "sbuf.h"
#include "serve.h"

struct exporter {
	struct collector c;
	int verbose;
	/* The reading in flight and the last one's body, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t done;
	int running;
	unsigned long long readings;	/* completed */
	unsigned int waiting;
	struct http_body *body;		/* the last reading's, or NULL */
	struct sbuf next;		/* used by the reading in flight only */
};

/* A reading into x->body, taken without the lock; the previous body. */
static struct http_body *take_reading(struct exporter *x)
{
	struct http_body *b, *old;

	x->running = 1;
	pthread_mutex_unlock(&x->lock);
	b = collect_reading(&x->c, &x->next) ? NULL : http_body_new(&x->next);
	pthread_mutex_lock(&x->lock);
	old = x->body;
	x->body = b;
	x->readings++;
	x->running = 0;
	pthread_cond_broadcast(&x->done);
	return old;
}

/* http_scrape_fn: the body of the reading in flight, or of a new one. */
static struct http_body *scrape(void *cls)
{
	struct exporter *x = cls;
	struct http_body *b, *old = NULL;
	unsigned long long gen;

	pthread_mutex_lock(&x->lock);
	if (x->running) {
		gen = x->readings;
		x->waiting++;
		if (x->verbose)
			http_log_debug("scrape joins reading %llu (%u waiting)",
				 gen + 1, x->waiting);
		while (x->readings == gen)
			pthread_cond_wait(&x->done, &x->lock);
		x->waiting--;
	} else {
		old = take_reading(x);
	}
	b = x->body ? http_body_get(x->body) : NULL;
	pthread_mutex_unlock(&x->lock);
	http_body_put(old);	/* freed here if no response holds it */
	return b;
}

/* Said once, for the container image's logs to show why. */
static void say_module_missing(const struct serve_opts *o)
{
	char path[PATH_MAX];
	struct stat st;

	if (o->source != SOURCE_AUTO ||
	    source_module_path(o->ctx, VIEW_STATES, path, sizeof(path)) ||
	    !stat(path, &st) || errno != ENOENT)
		return;
	fprintf(stderr, PROG ": the tcpstat module is not loaded (%s missing): serving from netlink or /proc/net/tcp until it is\n",
		path);
}

int serve(const struct serve_opts *o, struct tcpstat_err *e)
{
	static struct exporter x;
	struct http *h;
	sigset_t sigs;
	int ret, sig;

	collector_init(&x.c, o->source, o->ctx, o->all_netns, o->keep,
		       o->netns_ports_max, o->verbose);
	x.verbose = o->verbose;
	pthread_mutex_init(&x.lock, NULL);
	pthread_cond_init(&x.done, NULL);
	/* Every thread started from here inherits the mask: only sigwait()
	 * sees these, and SIGHUP never kills the exporter. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	ret = http_start(&o->http, scrape, &x, &h, e);
	if (!ret)
		say_module_missing(o);
	while (!ret && !sigwait(&sigs, &sig) && sig == SIGHUP)
		http_reload(h);
	if (!ret)
		http_stop(h);
	http_body_put(x.body);
	sbuf_free(&x.next);
	collector_free(&x.c);
	pthread_mutex_destroy(&x.lock);
	pthread_cond_destroy(&x.done);
	return ret;
}
