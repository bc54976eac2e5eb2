// SPDX-License-Identifier: GPL-2.0
/*
 * measure: cost of one reading, as CSV lines.
 *
 *   measure [-o OUT] LABEL REPS -- command [args...]
 *	runs the command REPS times (stdout to /dev/null, or to OUT, emptied
 *	before each run, for the caller to check what the last run printed)
 *	and prints per run "LABEL,rep,wall_s,user_s,sys_s,maxrss_kb" from
 *	wait4(): user and sys include every process the command waited for
 *	(a shell pipeline).
 *   measure --read FILE REPS
 *	opens and reads FILE REPS times in this process and prints per read
 *	"read,rep,wall_s,cpu_s": the kernel's work without exec's.  One
 *	read(): enough for the seed files, which fit in one.
 *   measure --read-all REPS FILE...
 *	the same for a set of files, each read to its end, the whole set per
 *	line: "read,rep,wall_s,cpu_s".  Fails if a file reads empty.
 *   measure --alternate REPS FILE...
 *	each file read to its end in turn, REPS rounds, each read timed
 *	alone: "FILE-INDEX,rep,wall_s,cpu_s" per read (index from 1).  The
 *	files' costs are then compared under the same load, whatever the
 *	machine does meanwhile.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double tv(const struct timeval *t)
{
	return t->tv_sec + t->tv_usec / 1e6;
}

static int run_command(const char *out, const char *label, int reps,
		       char **argv)
{
	struct rusage ru;
	double t0, t1;
	int rep, status;
	pid_t pid;

	for (rep = 1; rep <= reps; rep++) {
		t0 = now(CLOCK_MONOTONIC);
		pid = fork();
		if (pid < 0)
			return 1;
		if (pid == 0) {
			int fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) :
				       open("/dev/null", O_WRONLY);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
				_exit(126);
			execvp(argv[0], argv);
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) != pid)
			return 1;
		t1 = now(CLOCK_MONOTONIC);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "measure: %s: %s failed (status %d)\n",
				label, argv[0], status);
			return 1;
		}
		printf("%s,%d,%.6f,%.6f,%.6f,%ld\n", label, rep, t1 - t0,
		       tv(&ru.ru_utime), tv(&ru.ru_stime), ru.ru_maxrss);
		fflush(stdout);
	}
	return 0;
}

static int read_file(const char *path, int reps)
{
	static char buf[65536];
	double w0, c0;
	int rep, fd;

	for (rep = 1; rep <= reps; rep++) {
		w0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		fd = open(path, O_RDONLY);
		if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0) {
			perror(path);
			return 1;
		}
		close(fd);
		printf("read,%d,%.9f,%.9f\n", rep, now(CLOCK_MONOTONIC) - w0,
		       now(CLOCK_PROCESS_CPUTIME_ID) - c0);
	}
	return 0;
}

/* One file read to its end: its length, or -1 (said). */
static ssize_t read_to_end(const char *file)
{
	static char buf[65536];
	ssize_t n, len = 0;
	int fd;

	fd = open(file, O_RDONLY);
	if (fd < 0) {
		perror(file);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		len += n;
	close(fd);
	if (n < 0 || !len) {
		fprintf(stderr, "measure: %s: %s\n", file,
			n < 0 ? "read failed" : "empty");
		return -1;
	}
	return len;
}

static int read_all(int reps, int nfiles, char **files)
{
	double w0, c0;
	int rep, i;

	for (rep = 1; rep <= reps; rep++) {
		w0 = now(CLOCK_MONOTONIC);
		c0 = now(CLOCK_PROCESS_CPUTIME_ID);
		for (i = 0; i < nfiles; i++)
			if (read_to_end(files[i]) < 0)
				return 1;
		printf("read,%d,%.9f,%.9f\n", rep, now(CLOCK_MONOTONIC) - w0,
		       now(CLOCK_PROCESS_CPUTIME_ID) - c0);
	}
	return 0;
}

static int alternate(int reps, int nfiles, char **files)
{
	double w0, c0;
	int rep, i;

	for (rep = 1; rep <= reps; rep++)
		for (i = 0; i < nfiles; i++) {
			w0 = now(CLOCK_MONOTONIC);
			c0 = now(CLOCK_PROCESS_CPUTIME_ID);
			if (read_to_end(files[i]) < 0)
				return 1;
			printf("%d,%d,%.9f,%.9f\n", i + 1, rep,
			       now(CLOCK_MONOTONIC) - w0,
			       now(CLOCK_PROCESS_CPUTIME_ID) - c0);
		}
	return 0;
}

int main(int argc, char **argv)
{
	const char *out = NULL;

	if (argc == 4 && !strcmp(argv[1], "--read"))
		return read_file(argv[2], atoi(argv[3]));
	if (argc >= 4 && !strcmp(argv[1], "--read-all"))
		return read_all(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "--alternate"))
		return alternate(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 3 && !strcmp(argv[1], "-o")) {
		out = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc >= 5 && !strcmp(argv[3], "--"))
		return run_command(out, argv[1], atoi(argv[2]), argv + 4);
	fprintf(stderr, "usage: measure [-o OUT] LABEL REPS -- command...\n"
			"       measure --read FILE REPS\n"
			"       measure --read-all REPS FILE...\n"
			"       measure --alternate REPS FILE...\n");
	return 2;
}
