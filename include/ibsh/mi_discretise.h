/*
** Discretisation rules of the binning estimators and the packing of binned rows
** into 64-bit words.
*/
#ifndef IBSH_MI_DISCRETISE_H
#define IBSH_MI_DISCRETISE_H

#include <stddef.h>
#include <stdint.h>

enum {
  IBSH_BIN_RANGE,     /* bins equal intervals over [lo, hi], outliers clamped to the end bins */
  IBSH_BIN_EDGES,     /* the original code: np.digitize on linspace(lo, hi, bins) float32 edges */
  IBSH_BIN_WIDTH,     /* floor(v / width) over an unbounded range (Saxe et al.) */
  IBSH_BIN_ADAPTIVE   /* bins equal-mass intervals from the layer's pooled values (Chelombiev et al.) */
};

typedef struct ibsh_binspec {
  int mode;        /* one of IBSH_BIN_* */
  size_t bins;     /* number of bins (RANGE, ADAPTIVE) or of edges (EDGES) */
  double lo, hi;   /* range (RANGE, EDGES) */
  double width;    /* bin width (WIDTH) */
  int unique;      /* ADAPTIVE: quantiles of the distinct values (Chelombiev et al.) instead of all values */
} ibsh_binspec;

/* Check a bin specification (bins >= 1, lo < hi, width > 0, finite). */
int ibsh_binspec_check(const ibsh_binspec *spec);

/* Replace each of the n x d values by its integer bin code; NaN/Inf are errors. */
int ibsh_mi_discretise(const double *t, size_t n, size_t d, const ibsh_binspec *spec, int64_t *codes);

/* Bin t (n x d) and pack each row's codes into *w words (*words is malloc'ed; the caller frees it). */
int ibsh_bin_pack(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint64_t **words, size_t *w);

/* Words per packed row for the fixed rules with at most 64 bins (0 when the fused path does not apply). */
size_t ibsh_bin_fixed_words(const ibsh_binspec *spec, size_t d);

/* Fixed rules (ibsh_bin_fixed_words(spec, d) > 0): bin and pack into words, using codes (n * d + 8 bytes). */
int ibsh_bin_pack_fixed(const double *t, size_t n, size_t d, const ibsh_binspec *spec, uint64_t *words, uint8_t *codes);

#endif
