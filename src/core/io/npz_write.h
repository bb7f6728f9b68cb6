/*
** Internal entry of the .npz writer that lets tests force ZIP64 fields and records
** on small archives (the public ibsh_npz_write uses them only past 4 GiB).
*/
#ifndef IBSH_NPZ_WRITE_H
#define IBSH_NPZ_WRITE_H

#include <stdint.h>
#include "ibsh/npz.h"

/* ibsh_npz_write, with ZIP64 fields for every size or offset of at least zip64_from (tests pass 0). */
int ibsh_npz_write_zip64_from(const char *path, const char *const *names, const ibsh_tensor *const *tensors, size_t count,
                              int compress, uint64_t zip64_from);

#endif
