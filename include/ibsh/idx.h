/*
** IDX files (the MNIST format), plain or gzip-compressed: big-endian header,
** element types u8 i8 i16 i32 f32 f64, converted to a float64 tensor.
*/
#ifndef IBSH_IDX_H
#define IBSH_IDX_H

#include "tensor.h"

/* Read path (gzip detected by content) into a newly allocated tensor. */
int ibsh_idx_read(const char *path, ibsh_tensor *out);

#endif
