/*
 * test_thread.c - helper threads: they run their work, unpin themselves
 * once started, and start unpinned where only one processor may be used.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <string.h>

#include "thread.h"

struct probe {
	int arg;
	int same_mask;		/* the thread's processors: the process's */
};

static cpu_set_t process_mask;

static void *
work(void *p)
{
	struct probe *pr = p;
	cpu_set_t mine;

	CPU_ZERO(&mine);
	pthread_getaffinity_np(pthread_self(), sizeof mine, &mine);
	pr->same_mask = CPU_EQUAL(&mine, &process_mask);
	pr->arg *= 2;
	return pr;
}

static void
test_cpus(void **state)
{
	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof process_mask,
	    &process_mask), 0);
	assert_int_equal(psw_thread_cpus(), CPU_COUNT(&process_mask));
}

static void
test_start(void **state)
{
	struct probe pr[4];
	pthread_t tid;
	void *ret;
	int k;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof process_mask,
	    &process_mask), 0);
	if (CPU_COUNT(&process_mask) < 2)
		skip();
	for (k = 0; k < 4; k++) {
		pr[k].arg = k + 1;
		pr[k].same_mask = 0;
		assert_int_equal(psw_thread_start(&tid, work, &pr[k], k), 0);
		assert_int_equal(pthread_join(tid, &ret), 0);
		assert_ptr_equal(ret, &pr[k]);
		assert_int_equal(pr[k].arg, 2 * (k + 1));
		/* Pinned only to start: free to move once running. */
		assert_true(pr[k].same_mask);
	}
}

static void
test_one_cpu(void **state)
{
	cpu_set_t one, saved;
	struct probe pr = { 1, 0 };
	pthread_t tid;
	void *ret;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof saved, &saved), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	assert_int_equal(sched_setaffinity(0, sizeof one, &one), 0);
	process_mask = one;
	assert_int_equal(psw_thread_cpus(), 1);
	/* Started all the same, unpinned: on the one processor there is. */
	assert_int_equal(psw_thread_start(&tid, work, &pr, 0), 0);
	assert_int_equal(pthread_join(tid, &ret), 0);
	assert_int_equal(pr.arg, 2);
	assert_true(pr.same_mask);
	assert_int_equal(sched_setaffinity(0, sizeof saved, &saved), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpus),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_one_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
