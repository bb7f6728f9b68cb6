/*
** The transpose behind every row-major <-> feature-major copy of the networks: every shape from 1 x 1
** to 13 x 13, the narrow layers (1..16 units, the unrolled loops) against a block of 1027 rows, and wide
** blocks of 17..22 (4 x 4 tiles, leftover rows and columns on both sweep orders) must move each value to
** its place and touch nothing else; an empty block writes nothing.
*/
#include <stdio.h>
#include <stdlib.h>
#include "ibsh/nn_rows.h"

/* Transpose an r x c block of distinct values and check every element and a guard after dst. */
static int check_shape(size_t r, size_t c, double *src, double *dst) {
  for (size_t i = 0; i < r * c; i++) src[i] = (double)i + 0.5;
  for (size_t i = 0; i <= r * c; i++) dst[i] = -1.0;
  ibsh_nn_transpose(src, dst, r, c);
  for (size_t i = 0; i < r; i++)
    for (size_t j = 0; j < c; j++)
      if (dst[j * r + i] != src[i * c + j]) {
        printf("%zu x %zu: dst[%zu][%zu] = %g, want %g\n", r, c, j, i, dst[j * r + i], src[i * c + j]);
        return 1;
      }
  if (dst[r * c] != -1.0) {
    printf("%zu x %zu: wrote past the end\n", r, c);
    return 1;
  }
  return 0;
}

/* Every small shape, 1..16 units against 1027 rows in both orientations, wide blocks, empty blocks. */
int main(void) {
  double *src = malloc(22 * 1027 * sizeof *src), *dst = malloc((22 * 1027 + 1) * sizeof *dst);
  if (!src || !dst) return 1;
  int failures = 0;
  for (size_t r = 1; r <= 13; r++)
    for (size_t c = 1; c <= 13; c++) failures += check_shape(r, c, src, dst);
  for (size_t w = 1; w <= 16; w++) {
    failures += check_shape(w, 1027, src, dst);
    failures += check_shape(1027, w, src, dst);
  }
  for (size_t r = 17; r <= 22; r++) {
    for (size_t c = 17; c <= 22; c++) failures += check_shape(r, c, src, dst);
    failures += check_shape(r, 1027, src, dst);
    failures += check_shape(1027, r, src, dst);
  }
  dst[0] = -1.0;
  ibsh_nn_transpose(src, dst, 0, 5);
  ibsh_nn_transpose(src, dst, 5, 0);
  if (dst[0] != -1.0) { printf("an empty block wrote\n"); failures++; }
  free(src);
  free(dst);
  if (!failures) printf("OK\n");
  return failures != 0;
}
