/*
** numpy .npz archives: ZIP files of .npy members, stored or deflated, with ZIP64
** sizes and offsets. Reading accepts what np.savez and np.savez_compressed write
** (member "x.npy" becomes name "x"); writing makes float64 members named name.npy.
*/
#ifndef IBSH_NPZ_H
#define IBSH_NPZ_H

#include <stddef.h>
#include "tensor.h"

/* One array of an archive: its name (member name without ".npy") and its values. */
typedef struct ibsh_npz_member {
  char *name;
  ibsh_tensor t;
} ibsh_npz_member;

/* Read every member of the archive path, in archive order, into a new array *members of *count
   entries (free with ibsh_npz_free); errors name the file, the member and the problem. */
int ibsh_npz_read(const char *path, ibsh_npz_member **members, size_t *count);

/* Free what ibsh_npz_read returned. */
void ibsh_npz_free(ibsh_npz_member *members, size_t count);

/* Write count tensors as members names[i].npy (float64, C order), deflated when compress is
   nonzero, through a temporary file renamed over path. */
int ibsh_npz_write(const char *path, const char *const *names, const ibsh_tensor *const *tensors,
                   size_t count, int compress);

#endif
