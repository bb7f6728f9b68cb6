/* The library's version, for callers that link against an installed libibsh. */
#include "ibsh/version.h"

/* Return the version string of the library that was linked. */
const char *ibsh_version(void) {
  return IBSH_VERSION;
}
