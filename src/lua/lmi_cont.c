/*
** Lua binding of the continuous MI estimators: KSG, KDE bounds, Gaussian.
*/
#include <math.h>
#include <string.h>
#include "ibsh/error.h"
#include "lmi.h"
#include "ibsh/mi_gaussian.h"
#include "ibsh/mi_kde.h"
#include "ibsh/mi_ksg.h"

/* Nonzero when the tensor at idx is one column of non-negative integers with at most 16 distinct values. */
static int looks_like_labels(lua_State *L, int idx) {
  ibsh_tensor *t = lx_testtensor(L, idx);
  if (!t || !t->storage || (t->ndim != 1 && !(t->ndim == 2 && t->shape[1] == 1))) return 0;
  size_t n = t->shape[0], distinct = 0;
  double seen[16];
  for (size_t i = 0; i < n; i++) {
    size_t at[2] = {i, 0};
    double v = *ibsh_tensor_at(t, at);
    if (!(v >= 0 && v < 9.0e15) || v != floor(v)) return 0;
    size_t s = 0;
    while (s < distinct && seen[s] != v) s++;
    if (s == distinct) {
      if (distinct == 16) return 0;
      seen[distinct++] = v;
    }
  }
  return 1;
}

/* A rank-Gaussianised copy of the n x d matrix a in a scratch buffer (pushed on the stack). */
static const double *ranked(lua_State *L, const double *a, size_t n, size_t d, const char *F) {
  double *out = lmi_scratch(L, n * d * sizeof *out);
  lx_check(L, ibsh_rank_gaussianise(a, n, d, out), F);
  return out;
}

/* mi.ksg(x, y, opts) -> I(X;Y) */
static int l_ksg(lua_State *L) {
  const char *F = "mi.ksg";
  static const char *const known[] = {"k", "algorithm", "unit", "seed", "noise", "normalize", "brute", "discrete_y", "rank", NULL};
  lua_settop(L, 3);
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  lua_Integer k = lx_optinteger(L, 3, "k", 3, F);
  lua_Integer alg = lx_optinteger(L, 3, "algorithm", 1, F);
  lua_Integer seed = lx_optinteger(L, 3, "seed", 1, F);
  double noise = lx_optnumber(L, 3, "noise", 1e-10, F);
  int normalize = lx_optboolean(L, 3, "normalize", 1, F);
  int brute = lx_optboolean(L, 3, "brute", -1, F);
  brute = brute < 0 ? 0 : brute ? 1 : -1;   /* nil: automatic; true: scan; false: k-d tree */
  int discrete_y = lx_optboolean(L, 3, "discrete_y", -1, F);   /* -1: decide from the data */
  int rank = lx_optboolean(L, 3, "rank", 0, F);
  if (k < 1) lx_error(L, F, "k must be at least 1, got %lld", (long long)k);
  if (alg != 1 && alg != 2) lx_error(L, F, "algorithm must be 1 or 2, got %lld", (long long)alg);
  size_t n, dx, m, dy;
  const double *x = lmi_matrix(L, 1, &n, &dx, F);
  if (rank) x = ranked(L, x, n, dx, F);
  ibsh_ksg_opts o = {(size_t)k, (int)alg, normalize, noise, (uint64_t)seed, brute};
  double mi = 0;
  if (discrete_y < 0) discrete_y = looks_like_labels(L, 2);
  if (discrete_y) {
    size_t ky;
    uint32_t *yids = lmi_labels(L, 2, n, &ky, F);
    lx_check(L, ibsh_mi_ksg_discrete(x, dx, yids, ky, n, &o, &mi), F);
  } else {
    const double *y = lmi_matrix(L, 2, &m, &dy, F);
    if (m != n) lx_error(L, F, "x has %zu rows but y has %zu", n, m);
    if (rank) y = ranked(L, y, n, dy, F);
    lx_check(L, ibsh_mi_ksg(x, dx, y, dy, n, &o, &mi), F);
  }
  lua_pushnumber(L, mi / unit);
  return 1;
}

/* mi.kde(t, y, opts) -> I(X;T), I(T;Y) bounds */
static int l_kde(lua_State *L) {
  const char *F = "mi.kde";
  static const char *const known[] = {"noise_var", "bound", "unit", NULL};
  lua_settop(L, 3);
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  double s2 = lx_optnumber(L, 3, "noise_var", 1e-3, F);
  const char *bound = lx_optstring(L, 3, "bound", "upper", F);
  int lower = 0;
  if (strcmp(bound, "lower") == 0) lower = 1;
  else if (strcmp(bound, "upper") != 0) lx_error(L, F, "bound must be \"upper\" or \"lower\", got \"%s\"", bound);
  if (!(s2 > 0) || !isfinite(s2)) lx_error(L, F, "noise_var must be a positive finite number, got %g", s2);
  size_t n, d, ky = 0;
  const double *t = lmi_matrix(L, 1, &n, &d, F);
  if (n > 200000) lx_error(L, F, "%zu rows is too many for the O(n^2) KDE bound", n);
  uint32_t *yids = lua_isnoneornil(L, 2) ? NULL : lmi_labels(L, 2, n, &ky, F);
  double ixt = 0, ity = 0;
  lx_check(L, ibsh_mi_kde(t, n, d, yids, ky, s2, lower, &ixt, &ity), F);
  lua_pushnumber(L, ixt / unit);
  if (!yids) return 1;
  lua_pushnumber(L, ity / unit);
  return 2;
}

/* Read opts.correction of mi.gaussian and mi.copula: 0 for "none", 1 for "bias" (Wishart log-det bias removed). */
static int read_gaussian_correction(lua_State *L, int opts, const char *fname) {
  const char *c = lx_optstring(L, opts, "correction", "none", fname);
  if (strcmp(c, "none") == 0) return 0;
  if (strcmp(c, "bias") == 0) return 1;
  return lx_error(L, fname, "correction must be \"none\" or \"bias\", got \"%s\"", c);
}

/* Shared body of mi.gaussian and mi.copula: I(X;Y) from (rank-Gaussianised when copula) covariances. */
static int gaussian_like(lua_State *L, const char *F, int copula) {
  static const char *const known[] = {"unit", "correction", NULL};
  lua_settop(L, 3);
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  int unbiased = read_gaussian_correction(L, 3, F);
  size_t n, dx, m, dy;
  const double *x = lmi_matrix(L, 1, &n, &dx, F);
  const double *y = lmi_matrix(L, 2, &m, &dy, F);
  if (m != n) lx_error(L, F, "x has %zu rows but y has %zu", n, m);
  double mi;
  if (copula) lx_check(L, ibsh_mi_copula(x, dx, y, dy, n, unbiased, &mi), F);
  else lx_check(L, ibsh_mi_gaussian_ex(x, dx, y, dy, n, unbiased, &mi), F);
  lua_pushnumber(L, mi / unit);
  return 1;
}

/* mi.gaussian(x, y, opts) -> I(X;Y) */
static int l_gaussian(lua_State *L) {
  return gaussian_like(L, "mi.gaussian", 0);
}

/* mi.copula(x, y, opts) -> I(X;Y) */
static int l_copula(lua_State *L) {
  return gaussian_like(L, "mi.copula", 1);
}

static const lx_Reg cont_funcs[] = {
  {"ksg", l_ksg,
   "mi.ksg(x, y [, opts]) -> mi\n\n"
   "Kraskov-Stoegbauer-Grassberger nearest-neighbour estimate of I(X;Y) (bits unless unit = \"nats\") for "
   "continuous x (n x dx) and y (n x dy), max-norm; rank = true first rank-Gaussianises every column "
   "(as mi.copula), which removes heavy tails and monotone distortions. Algorithm 1: psi(k) + psi(n) - <psi(nx + 1) + psi(ny + 1)>; "
   "algorithm 2: psi(k) - 1/k + psi(n) - <psi(nx) + psi(ny)>. Columns are z-scored (normalize = true; moments "
   "computed on rescaled values, so huge finite values do not overflow) and get uniform tie-breaking noise "
   "in [-noise, noise] times min(standard deviation, 1.4826 MAD) (noise = 1e-10) drawn from seed (default 1). Estimates are "
   "never clipped at 0 (they scatter around 0 for independent data); deterministic relations saturate near "
   "psi(n) - psi(k). A constant x or y gives 0; exact duplicate rows with noise = 0 are an error. Options: k = 3 "
   "(1 <= k < n), algorithm = 1 | 2, unit, seed, noise, normalize, rank, brute = true "
   "(O(n^2) scan with early exit per coordinate) or false (k-d tree); by default the tree is used below 16 "
   "dimensions per point set and the scan from 16 on (several times faster there); all give identical results, discrete_y (default: "
   "true when y is one column of non-negative integers with at most 16 distinct values, such as 0/1 labels): "
   "Ross's 2014 mixed estimator psi(n) + psi(k) - <psi(n_y)> - <psi(m)> for continuous x and discrete y; "
   "discrete_y = false forces the continuous estimator.\n\n"
   "Example: mi.ksg(x, y, {k = 3, unit = \"nats\"})"},
  {"kde", l_kde,
   "mi.kde(t [, y [, opts]]) -> ixt, ity\n\n"
   "Kolchinsky-Tracey pairwise-distance bounds (Saxe et al. 2018) for the layer t (n x d, rows equiprobable "
   "inputs) plus Gaussian noise of variance noise_var (default 1e-3): I(X;T) <= -mean_i ln[(1/n) sum_j "
   "exp(-|t_i - t_j|^2 / (2 noise_var))] (bound = \"upper\", KL) and >= the same with 8 noise_var (bound = "
   "\"lower\", Bhattacharyya); both are at most ln n. I(T;Y) = B(T) - sum_y p(y) B(T | y) with the same "
   "bound B on each label's rows (labels y: vector of non-negative integers; nil to skip), as in Saxe et al.'s "
   "code (a difference of bounds, not itself a bound). Bits unless unit = \"nats\".\n\n"
   "Example: local ixt, ity = mi.kde(acts[3], d.y, {noise_var = 1e-3})"},
  {"gaussian", l_gaussian,
   "mi.gaussian(x, y [, opts]) -> mi\n\n"
   "Gaussian estimate I_G = 1/2 ln(det Sx det Sy / det S) from the sample covariances of x (n x dx), y (n x dy) "
   "and their joint (Cholesky log-determinants): the MI of the Gaussian with the same covariance as the data. "
   "It is exact (consistent) for jointly Gaussian data and NOT a bound in general (two noisy copies of a fair "
   "bit have I <= ln 2 but I_G can be far larger). It is a lower bound, I(X;Y) >= I_G, when X or Y is "
   "marginally Gaussian; in general I(X;Y) >= I_G - min(D(X||N_X), D(Y||N_Y)) with D the divergence from the "
   "Gaussian of the same covariance. correction = \"bias\" subtracts the small-sample bias of each "
   "log-determinant, sum_{i<=d} psi((n - i)/2) - d ln((n - 1)/2), which makes the estimate unbiased for "
   "Gaussian data (the plain estimate is biased upwards by about d_x d_y / (2n) nats). Needs n > dx + dy "
   "and non-singular covariances. Bits unless unit = \"nats\".\n\n"
   "Example: mi.gaussian(x, y, {unit = \"nats\", correction = \"bias\"})"},
  {"copula", l_copula,
   "mi.copula(x, y [, opts]) -> mi\n\n"
   "Gaussian-copula estimate of I(X;Y): every column of x (n x dx) and y (n x dy) is replaced by the normal "
   "quantile Phi^-1(r / (n + 1)) of its rank r (ties share their mean rank), then mi.gaussian's log-det formula "
   "is applied. Invariant under increasing transforms of each coordinate; exact in the limit for Gaussian-copula "
   "data (any monotone marginals), a different quantity otherwise. Options: unit (bits unless \"nats\"), "
   "correction = \"bias\" as mi.gaussian. O(n log n) per column.\n\n"
   "Example: mi.copula(x, y, {unit = \"nats\"})"},
  {NULL, NULL, NULL}
};

/* Register the continuous estimators (KDE, KSG, Gaussian) into the table at the top of the stack. */
void lmi_open_continuous(lua_State *L) {
  lx_setfuncs(L, "mi.", cont_funcs);
}
