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

/* mi.ksg(x, y, opts) -> I(X;Y) */
static int l_ksg(lua_State *L) {
  const char *F = "mi.ksg";
  static const char *const known[] = {"k", "algorithm", "unit", "seed", "noise", "normalize", "brute", "discrete_y", NULL};
  lua_settop(L, 3);
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  lua_Integer k = lx_optinteger(L, 3, "k", 3, F);
  lua_Integer alg = lx_optinteger(L, 3, "algorithm", 1, F);
  lua_Integer seed = lx_optinteger(L, 3, "seed", 1, F);
  double noise = lx_optnumber(L, 3, "noise", 1e-10, F);
  int normalize = lx_optboolean(L, 3, "normalize", 1, F);
  int brute = lx_optboolean(L, 3, "brute", 0, F);
  int discrete_y = lx_optboolean(L, 3, "discrete_y", -1, F);   /* -1: decide from the data */
  if (k < 1) lx_error(L, F, "k must be at least 1, got %lld", (long long)k);
  if (alg != 1 && alg != 2) lx_error(L, F, "algorithm must be 1 or 2, got %lld", (long long)alg);
  size_t n, dx, m, dy;
  const double *x = lmi_matrix(L, 1, &n, &dx, F);
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

/* mi.gaussian(x, y, opts) -> I(X;Y) */
static int l_gaussian(lua_State *L) {
  const char *F = "mi.gaussian";
  static const char *const known[] = {"unit", NULL};
  lua_settop(L, 3);
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  size_t n, dx, m, dy;
  const double *x = lmi_matrix(L, 1, &n, &dx, F);
  const double *y = lmi_matrix(L, 2, &m, &dy, F);
  if (m != n) lx_error(L, F, "x has %zu rows but y has %zu", n, m);
  double mi;
  lx_check(L, ibsh_mi_gaussian(x, dx, y, dy, n, &mi), F);
  lua_pushnumber(L, mi / unit);
  return 1;
}

static const lx_Reg cont_funcs[] = {
  {"ksg", l_ksg,
   "mi.ksg(x, y [, opts]) -> mi\n\n"
   "Kraskov-Stoegbauer-Grassberger nearest-neighbour estimate of I(X;Y) (bits unless unit = \"nats\") for "
   "continuous x (n x dx) and y (n x dy), max-norm. Algorithm 1: psi(k) + psi(n) - <psi(nx + 1) + psi(ny + 1)>; "
   "algorithm 2: psi(k) - 1/k + psi(n) - <psi(nx) + psi(ny)>. Columns are z-scored (normalize = true) and get "
   "Gaussian tie-breaking noise of noise = 1e-10 standard deviations drawn from seed (default 1). Estimates are "
   "never clipped at 0 (they scatter around 0 for independent data); deterministic relations saturate near "
   "psi(n) - psi(k). Options: k = 3 (1 <= k < n), algorithm = 1 | 2, unit, seed, noise, normalize, brute = true "
   "(O(n^2) search, the test oracle; the default k-d tree gives identical results), discrete_y (default: "
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
   "Gaussian estimate of I(X;Y) = 1/2 ln(det Sx det Sy / det S) from the sample covariances of x (n x dx), "
   "y (n x dy) and their joint (Cholesky log-determinants); exact for jointly Gaussian data, a lower bound "
   "in general for the given covariance. Needs n > dx + dy and non-singular covariances. Bits unless "
   "unit = \"nats\".\n\n"
   "Example: mi.gaussian(x, y, {unit = \"nats\"})"},
  {NULL, NULL, NULL}
};

/* Register the continuous estimators (KDE, KSG, Gaussian) into the table at the top of the stack. */
void lmi_open_continuous(lua_State *L) {
  lx_setfuncs(L, "mi.", cont_funcs);
}
