/*
** numpy .npy files: read dtypes f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 bool in either byte
** order and C or Fortran order (converted to float64, row-major); write float64 or float32 C order.
*/
#ifndef IBSH_NPY_H
#define IBSH_NPY_H

#include <stddef.h>
#include "tensor.h"

/* Read path into a newly allocated tensor; errors name the file and the byte. */
int ibsh_npy_read(const char *path, ibsh_tensor *out);

/* Read the .npy bytes buf[0..len) into a newly allocated tensor; name labels the errors. */
int ibsh_npy_read_mem(const void *buf, size_t len, const char *name, ibsh_tensor *out);

/* Encode t as the bytes of a '<f8' C-order .npy file in a new malloc'd buffer *buf of *len bytes. */
int ibsh_npy_encode(const ibsh_tensor *t, unsigned char **buf, size_t *len);

/* Write t as '<f8' C-order .npy through a temporary file and rename. */
int ibsh_npy_write(const char *path, const ibsh_tensor *t);

/* Write t as '<f4' C-order .npy (values rounded to float32) through a temporary file and rename. */
int ibsh_npy_write_f32(const char *path, const ibsh_tensor *t);

#endif
