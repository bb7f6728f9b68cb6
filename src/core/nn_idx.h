/*
** Reading IDX files (the MNIST / Fashion-MNIST format), plain or gzip-compressed,
** into float64 tensors. Used by nn.fashion_mnist.
*/
#ifndef IBSH_NN_IDX_H
#define IBSH_NN_IDX_H

#include "tensor.h"

/* Read the IDX file at path (".gz" files are decompressed through gzip) into a new contiguous tensor t
   whose shape is the file's dimensions; values are converted to double. */
int ibsh_nn_idx_read(const char *path, ibsh_tensor *t);

#endif
