/*
** Labelled data sets: inputs x (n x d) with integer class labels y (n), loading
** from CSV, row subsets, shuffled splits and the empirical joint p(x, y).
*/
#ifndef IBSH_DATASET_H
#define IBSH_DATASET_H

#include <stddef.h>
#include <stdint.h>
#include "tensor.h"

/* Read a CSV with a header line whose last column is an integer label >= 0; x and y must be empty. */
int ibsh_dataset_load_csv(const char *path, ibsh_tensor *x, ibsh_tensor *y);

/* Copy rows[0..m-1] of x (n x d, contiguous) and y (n) into new tensors xo (m x d) and yo (m). */
int ibsh_dataset_rows(const ibsh_tensor *x, const ibsh_tensor *y, const size_t *rows, size_t m,
                      ibsh_tensor *xo, ibsh_tensor *yo);

/* Row order of a split: a seeded permutation of 0..n-1 (or the identity when shuffle is 0). */
void ibsh_dataset_split_order(size_t n, int shuffle, uint64_t seed, size_t *order);

/* Number of training rows for a training fraction (rounded to nearest, at least 1 and at most n-1). */
size_t ibsh_dataset_train_count(size_t n, double fraction);

/* Number of classes: 1 + the largest label; fails if a label is not a non-negative integer. */
int ibsh_dataset_nclasses(const ibsh_tensor *y, size_t *nclasses);

/* Joint p(x, y) with p(x) uniform over the n rows: an n x nclasses tensor with 1/n at (i, y_i). */
int ibsh_dataset_joint(const ibsh_tensor *y, size_t nclasses, ibsh_tensor *pxy);

#endif
