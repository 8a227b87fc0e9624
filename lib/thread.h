/*
 * thread.h - helper threads that start at once, on a processor of their
 * own.
 */
#ifndef PSW_THREAD_H
#define PSW_THREAD_H

#include <pthread.h>

/* The processors this process may run on (at least 1). */
int psw_thread_cpus(void);

/*
 * Start fn(arg) on a new thread, first on the k-th processor after the
 * caller's (k = 0, 1, ...) among those the caller may use, then free to
 * move over all of them; unpinned where there is one processor or no
 * way to pin.  0, or -1 when no thread was started (memory or threads
 * ran out): the caller then does the work itself.
 */
int psw_thread_start(pthread_t *tid, void *(*fn)(void *), void *arg,
    int k);

#endif
