/*
** Event counters (see event.h): spin, then sleep on a condition variable. The
** waiter announces itself in `sleepers` before its last look at the value, and the
** poster stores the value before it looks at `sleepers` (both sequentially
** consistent), so either the poster sees the sleeper and wakes it, or the sleeper
** sees the new value: no wake-up is lost.
*/
#include <time.h>
#include "base/event.h"

/* Initialise e with value 0. */
void ibsh_event_init(ibsh_event *e) {
  atomic_init(&e->value, 0);
  atomic_init(&e->sleepers, 0);
  pthread_mutex_init(&e->mu, NULL);
  pthread_cond_init(&e->cv, NULL);
}

/* Free e's mutex and condition variable. */
void ibsh_event_destroy(ibsh_event *e) {
  pthread_mutex_destroy(&e->mu);
  pthread_cond_destroy(&e->cv);
}

/* Monotonic time in nanoseconds. */
int64_t ibsh_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Store value v and wake every waiter. */
void ibsh_event_post(ibsh_event *e, uint64_t v) {
  atomic_store(&e->value, v);
  if (atomic_load(&e->sleepers) > 0) {
    pthread_mutex_lock(&e->mu);
    pthread_cond_broadcast(&e->cv);
    pthread_mutex_unlock(&e->mu);
  }
}

/* Wait until e's value differs from seen, spinning for up to spin_ns first, and return it. */
uint64_t ibsh_event_wait(ibsh_event *e, uint64_t seen, int64_t spin_ns) {
  int64_t start = spin_ns > 0 ? ibsh_now_ns() : 0;
  for (unsigned i = 1; spin_ns > 0; i++) {
    uint64_t v = atomic_load_explicit(&e->value, memory_order_acquire);
    if (v != seen) return v;
    ibsh_cpu_relax();
    if ((i & 255) == 0 && ibsh_now_ns() - start > spin_ns) break;
  }
  pthread_mutex_lock(&e->mu);
  atomic_fetch_add(&e->sleepers, 1);
  uint64_t v;
  while ((v = atomic_load(&e->value)) == seen) pthread_cond_wait(&e->cv, &e->mu);
  atomic_fetch_sub(&e->sleepers, 1);
  pthread_mutex_unlock(&e->mu);
  return v;
}
