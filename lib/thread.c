/*
 * thread.c - helper threads that start at once, on a processor of their
 * own.
 *
 * Left to the scheduler, a new thread often starts on its creator's
 * processor while another one idles, and the two take turns until the
 * next load balance moves one of them, some milliseconds on: as long as
 * a no-change sync of 2,000 clients takes in all.  Measured on a 2-CPU
 * virtual machine (Linux 6.18): a thread and its creator each spinning
 * for 2 ms took 2.9-4.1 ms together; 2.15 ms with the thread started on
 * the other processor.  So a helper is started pinned to another
 * processor, which wakes it there at once, and unpins itself first thing
 * (back to its creator's processors).  Where the process may use one
 * processor it is started unpinned.  A processor kept busy by another
 * program delays a helper pinned to it until the scheduler gives it a
 * turn there: no worse than a helper left to wait on its creator's.
 */
/* PSW_HAVE_AFFINITY: meson found pthread_attr_setaffinity_np (glibc,
 * musl); elsewhere helpers simply start unpinned. */
#if defined(PSW_HAVE_AFFINITY)
#define _GNU_SOURCE	/* sched_getcpu, CPU_SET, the *affinity_np calls */
#endif

#include <sched.h>
#include <stdlib.h>
#include <unistd.h>

#include "thread.h"

struct start {
	void *(*fn)(void *);
	void *arg;
	int pinned;
#if defined(PSW_HAVE_AFFINITY)
	cpu_set_t all;
#endif
};

int
psw_thread_cpus(void)
{
	long n;
#if defined(PSW_HAVE_AFFINITY)
	cpu_set_t all;

	if (sched_getaffinity(0, sizeof all, &all) == 0)
		return CPU_COUNT(&all) > 0 ? CPU_COUNT(&all) : 1;
#endif
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 1 ? (n > 1024 ? 1024 : (int)n) : 1;
}

static void *
trampoline(void *p)
{
	struct start s = *(struct start *)p;

	free(p);
#if defined(PSW_HAVE_AFFINITY)
	/* Pinned only to start there at once: free to move from now on,
	 * over the processors its creator could use. */
	if (s.pinned)
		pthread_setaffinity_np(pthread_self(), sizeof s.all, &s.all);
#endif
	return s.fn(s.arg);
}

#if defined(PSW_HAVE_AFFINITY)
/* Start s on the k-th allowed processor after the caller's (the caller's
 * own not counted); 1 if started. */
static int
start_pinned(pthread_t *tid, struct start *s, int k)
{
	pthread_attr_t at;
	cpu_set_t one;
	int cur = sched_getcpu(), cpu, skip, n, ok;

	if (cur < 0 || cur >= CPU_SETSIZE ||
	    sched_getaffinity(0, sizeof s->all, &s->all) != 0 ||
	    (n = CPU_COUNT(&s->all)) < 2)
		return 0;
	skip = k % (n - 1);
	for (cpu = cur;;) {
		cpu = (cpu + 1) % CPU_SETSIZE;
		if (cpu != cur && CPU_ISSET(cpu, &s->all) && skip-- == 0)
			break;
	}
	CPU_ZERO(&one);
	CPU_SET(cpu, &one);
	if (pthread_attr_init(&at) != 0)
		return 0;
	/* Set before the thread may read it; s is the thread's once it runs. */
	s->pinned = 1;
	ok = pthread_attr_setaffinity_np(&at, sizeof one, &one) == 0 &&
	    pthread_create(tid, &at, trampoline, s) == 0;
	pthread_attr_destroy(&at);
	return ok;
}
#endif

int
psw_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg, int k)
{
	struct start *s;

	if ((s = malloc(sizeof *s)) == NULL)
		return -1;
	s->fn = fn;
	s->arg = arg;
#if defined(PSW_HAVE_AFFINITY)
	if (start_pinned(tid, s, k))
		return 0;
#endif
	s->pinned = 0;	/* start_pinned may have set it, then failed */
	if (pthread_create(tid, NULL, trampoline, s) != 0) {
		free(s);
		return -1;
	}
	return 0;
}
