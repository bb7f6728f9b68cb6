/*
** Error reporting for the core library: a thread-local message buffer.
*/
#include <stdarg.h>
#include <stdio.h>
#include "ibsh/error.h"

static _Thread_local char last_message[512];

/* Record a printf-style message for the calling thread and return code. */
int ibsh_fail(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(last_message, sizeof last_message, fmt, ap);
  va_end(ap);
  return code;
}

/* The message of the calling thread's last failure ("" if none). */
const char *ibsh_errmsg(void) {
  return last_message;
}
