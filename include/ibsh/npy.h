/*
** numpy .npy files: read dtypes f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 bool in either byte
** order and C or Fortran order (converted to float64, row-major); write float64 C order.
*/
#ifndef IBSH_NPY_H
#define IBSH_NPY_H

#include "tensor.h"

/* Read path into a newly allocated tensor; errors name the file and the byte. */
int ibsh_npy_read(const char *path, ibsh_tensor *out);

/* Write t as '<f8' C-order .npy through a temporary file and rename. */
int ibsh_npy_write(const char *path, const ibsh_tensor *t);

#endif
