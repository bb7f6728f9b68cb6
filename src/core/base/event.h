/*
** Internal: an event counter one thread waits on for another's next post. A waiter
** spins for a short while (the next post often comes within microseconds when
** threads hand work back and forth every few hundred microseconds) and then sleeps
** on a condition variable; a post pays a wake-up system call only when someone sleeps.
*/
#ifndef IBSH_BASE_EVENT_H
#define IBSH_BASE_EVENT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct ibsh_event {
  _Atomic uint64_t value;   /* what the posters last stored */
  _Atomic int sleepers;     /* waiters asleep (or about to be) on cv */
  pthread_mutex_t mu;
  pthread_cond_t cv;
} ibsh_event;

/* Initialise e with value 0. */
void ibsh_event_init(ibsh_event *e);

/* Free e's mutex and condition variable (nobody may wait on it). */
void ibsh_event_destroy(ibsh_event *e);

/* Store value v and wake every waiter. */
void ibsh_event_post(ibsh_event *e, uint64_t v);

/* Wait until e's value differs from seen (spinning for up to spin_ns nanoseconds first) and return it. */
uint64_t ibsh_event_wait(ibsh_event *e, uint64_t seen, int64_t spin_ns);

/* Monotonic time in nanoseconds. */
int64_t ibsh_now_ns(void);

/* A hint to the CPU that this is a spin-wait loop. */
static inline void ibsh_cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

#endif
