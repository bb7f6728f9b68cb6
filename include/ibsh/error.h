/*
** Error reporting for the core library.
** Core functions return IBSH_OK (0) or an error code and leave a message that
** names the problem (not the Lua function: the binding adds that prefix).
** They never exit() or abort() on bad input.
*/
#ifndef IBSH_ERROR_H
#define IBSH_ERROR_H

enum {
  IBSH_OK = 0,
  IBSH_EINVAL,   /* bad argument: shape, range, value */
  IBSH_ENOMEM,   /* allocation failed or size absurd */
  IBSH_EIO,      /* file could not be opened, read or written */
  IBSH_EFORMAT,  /* malformed or truncated file */
  IBSH_EINTR,    /* interrupted by the user (Ctrl-C, SIGTERM) */
  IBSH_ENUM      /* numerical failure: NaN, Inf, divergence */
};

/* Record a printf-style message for the calling thread and return code. */
int ibsh_fail(int code, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* The message of the calling thread's last failure ("" if none). */
const char *ibsh_errmsg(void);

#endif
