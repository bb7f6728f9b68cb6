/*
** Error reporting for the core library: a thread-local message buffer.
*/
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "ibsh/error.h"

static _Thread_local char last_message[512];

/* Record a printf-style message for the calling thread and return code (arguments may be ibsh_errmsg()). */
int ibsh_fail(int code, const char *fmt, ...) {
  char buf[sizeof last_message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  memcpy(last_message, buf, sizeof buf);
  return code;
}

/* The message of the calling thread's last failure ("" if none). */
const char *ibsh_errmsg(void) {
  return last_message;
}
