/*
** A process-wide interrupt flag. Signal handlers set it; long C loops (training,
** estimators, solvers, rendering) poll it and return IBSH_EINTR, leaving their
** objects in a usable state.
*/
#ifndef IBSH_INTERRUPT_H
#define IBSH_INTERRUPT_H

#include <signal.h>

extern volatile sig_atomic_t ibsh_interrupt_flag;

/* Nonzero when the user asked to stop (SIGINT or SIGTERM). */
static inline int ibsh_interrupted(void) { return ibsh_interrupt_flag != 0; }

/* Ask running computations to stop (async-signal-safe). */
static inline void ibsh_interrupt_request(int signo) { ibsh_interrupt_flag = signo ? signo : SIGINT; }

/* Clear the flag before starting new work. */
static inline void ibsh_interrupt_clear(void) { ibsh_interrupt_flag = 0; }

#endif
