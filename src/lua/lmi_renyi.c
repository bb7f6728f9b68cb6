/*
** Lua binding of the matrix-based Renyi alpha-entropy and mutual information
** (mi.renyi, mi.renyi_entropy).
*/
#include <math.h>
#include <string.h>
#include "ibsh/mi_renyi.h"
#include "lmi.h"

/* The options both functions read. */
typedef struct renyi_opts {
  double alpha, unit;   /* unit: divisor from nats */
  int kernel;           /* 0 gaussian, 1 tensor, 2 multivariate */
  size_t channels;
} renyi_opts;

/* Check the options table at idx (the last argument; nil becomes an empty table) against known, and read
   alpha, unit, kernel and channels from it. */
static void read_common(lua_State *L, int idx, const char *const known[], renyi_opts *o, const char *F) {
  lua_settop(L, idx);
  lx_checkoptions(L, idx, known, F);
  if (lua_isnil(L, idx)) {
    lua_newtable(L);
    lua_replace(L, idx);
  }
  o->unit = lmi_unit(L, idx, F);
  o->alpha = lx_optnumber(L, idx, "alpha", 1.01, F);
  if (!(o->alpha > 0) || !isfinite(o->alpha)) lx_error(L, F, "alpha must be a positive finite number, got %g", o->alpha);
  if (o->alpha == 1) lx_error(L, F, "alpha = 1 is the Shannon limit, where the formula is 0/0; use alpha = 1.01");
  const char *kernel = lx_optstring(L, idx, "kernel", "gaussian", F);
  if (strcmp(kernel, "gaussian") == 0) o->kernel = 0;
  else if (strcmp(kernel, "tensor") == 0) o->kernel = 1;
  else if (strcmp(kernel, "multivariate") == 0) o->kernel = 2;
  else lx_error(L, F, "kernel must be \"gaussian\", \"tensor\" or \"multivariate\", got \"%s\"", kernel);
  lua_Integer ch = lx_optinteger(L, idx, "channels", 1, F);
  if (ch < 1) lx_error(L, F, "channels must be at least 1, got %lld", (long long)ch);
  if (o->kernel != 2 && ch != 1) lx_error(L, F, "channels is an option of kernel = \"multivariate\"");
  o->channels = (size_t)ch;
}

/* The width for the n x d matrix x from option key: a positive number, a rule name, or nil (fallback
   number when positive, else the kernel's default rule: Scott, or k-nearest-neighbour for "tensor"). */
static double read_sigma(lua_State *L, int idx, const char *key, double fallback, const double *x, size_t n, size_t d,
                         const renyi_opts *o, const char *F) {
  lua_getfield(L, idx, key);
  int rule = o->kernel == 1 ? IBSH_RENYI_KNN : IBSH_RENYI_SCOTT;
  double sigma = fallback;
  if (lua_type(L, -1) == LUA_TNUMBER) {
    sigma = lua_tonumber(L, -1);
    if (!(sigma > 0) || !isfinite(sigma)) lx_error(L, F, "%s must be a positive finite number, got %g", key, sigma);
  } else if (lua_type(L, -1) == LUA_TSTRING) {
    const char *name = lua_tostring(L, -1);
    if (strcmp(name, "scott") == 0) rule = IBSH_RENYI_SCOTT;
    else if (strcmp(name, "knn") == 0) rule = IBSH_RENYI_KNN;
    else lx_error(L, F, "%s must be a number, \"scott\" or \"knn\", got \"%s\"", key, name);
    sigma = 0;
  } else if (!lua_isnil(L, -1)) {
    lx_error(L, F, "%s must be a number or a rule name, got %s", key, luaL_typename(L, -1));
  }
  lua_pop(L, 1);
  if (sigma > 0) return sigma;
  lx_check(L, ibsh_renyi_sigma(x, n, d, rule, &sigma), F);
  return sigma;
}

/* Fill a (n x n) with the normalised Gram of x under the kernel of o; returns the width used (the first channel's). */
static double gram_of(lua_State *L, int opts, const char *key, double fallback, const double *x, size_t n, size_t d,
                      const renyi_opts *o, double *a, const char *F) {
  if (o->kernel != 2) {
    double sigma = read_sigma(L, opts, key, fallback, x, n, d, o, F);
    lx_check(L, ibsh_renyi_gram(x, n, d, sigma, a), F);
    return sigma;
  }
  if (d % o->channels) lx_error(L, F, "%zu columns do not split into %zu channels", d, o->channels);
  size_t cols = d / o->channels;
  double *sig = lmi_scratch(L, o->channels * sizeof *sig);
  double *chan = lmi_scratch(L, n * cols * sizeof *chan);
  for (size_t c = 0; c < o->channels; c++) {
    for (size_t i = 0; i < n; i++) memcpy(chan + i * cols, x + i * d + c * cols, cols * sizeof *chan);
    sig[c] = read_sigma(L, opts, key, fallback, chan, n, cols, o, F);
  }
  lx_check(L, ibsh_renyi_gram_channels(x, n, d, o->channels, sig, a), F);
  return sig[0];
}

/* mi.renyi_entropy(x, opts) -> S_alpha */
static int l_renyi_entropy(lua_State *L) {
  const char *F = "mi.renyi_entropy";
  static const char *const known[] = {"alpha", "sigma", "kernel", "channels", "labels", "unit", NULL};
  renyi_opts o;
  read_common(L, 2, known, &o, F);
  double bits;
  if (lx_optboolean(L, 2, "labels", 0, F)) {
    size_t n = lx_checktensor(L, 1, F)->shape[0], k;
    uint32_t *ids = lmi_labels(L, 1, n, &k, F);
    lx_check(L, ibsh_renyi_entropy_labels(ids, k, n, o.alpha, &bits), F);
  } else {
    size_t n, d;
    const double *x = lmi_matrix(L, 1, &n, &d, F);
    if (n > 16384) lx_error(L, F, "%zu rows need an n x n matrix; at most 16384 (use batches)", n);
    double *a = lmi_scratch(L, n * n * sizeof *a);
    gram_of(L, 2, "sigma", 0, x, n, d, &o, a, F);
    lx_check(L, ibsh_renyi_entropy(a, n, o.alpha, &bits), F);
  }
  lua_pushnumber(L, bits * log(2.0) / o.unit);
  return 1;
}

/* mi.renyi(x, y, opts) -> I, S(x), S(y), S(x, y) */
static int l_renyi(lua_State *L) {
  const char *F = "mi.renyi";
  static const char *const known[] = {"alpha", "sigma", "sigma_y", "kernel", "channels", "labels", "unit", NULL};
  renyi_opts o;
  read_common(L, 3, known, &o, F);
  size_t n, d;
  const double *x = lmi_matrix(L, 1, &n, &d, F);
  if (n > 16384) lx_error(L, F, "%zu rows need n x n matrices; at most 16384 (use batches)", n);
  double *a = lmi_scratch(L, n * n * sizeof *a);
  double *work = lmi_scratch(L, n * n * sizeof *work);
  double sigma = gram_of(L, 3, "sigma", 0, x, n, d, &o, a, F);
  double hx, hy, hxy;
  if (lx_optboolean(L, 3, "labels", 0, F)) {
    size_t k;
    uint32_t *ids = lmi_labels(L, 2, n, &k, F);
    lx_check(L, ibsh_renyi_entropy_labels(ids, k, n, o.alpha, &hy), F);
    lx_check(L, ibsh_renyi_entropy_blocks(a, ids, k, n, o.alpha, &hxy), F);
    lx_check(L, ibsh_renyi_entropy(a, n, o.alpha, &hx), F);
  } else {
    size_t m, dy;
    const double *y = lmi_matrix(L, 2, &m, &dy, F);
    if (m != n) lx_error(L, F, "x has %zu rows but y has %zu", n, m);
    lua_getfield(L, 3, "sigma");
    double fallback = lua_type(L, -1) == LUA_TNUMBER ? sigma : 0;   /* a number given for x serves y too */
    lua_pop(L, 1);
    renyi_opts oy = o;
    oy.kernel = o.kernel == 2 ? 0 : o.kernel;   /* channels describe x only */
    oy.channels = 1;
    double *b = lmi_scratch(L, n * n * sizeof *b);
    gram_of(L, 3, "sigma_y", fallback, y, n, dy, &oy, b, F);
    lx_check(L, ibsh_renyi_joint(a, b, n, work), F);
    double *mats[3] = {a, b, work}, h[3];
    lx_check(L, ibsh_renyi_entropy_many(mats, 3, n, o.alpha, h), F);
    hx = h[0], hy = h[1], hxy = h[2];
  }
  double to_unit = log(2.0) / o.unit;
  lua_pushnumber(L, (hx + hy - hxy) * to_unit);
  lua_pushnumber(L, hx * to_unit);
  lua_pushnumber(L, hy * to_unit);
  lua_pushnumber(L, hxy * to_unit);
  return 4;
}

static const lx_Reg renyi_funcs[] = {
  {"renyi", l_renyi,
   "mi.renyi(x, y [, opts]) -> I, Sx, Sy, Sxy\n\n"
   "Matrix-based Renyi alpha-order mutual information (Giraldo, Rao & Principe 2014) of the rows of x (n x dx) "
   "and y (n x dy, or class labels with labels = true), in bits unless unit = \"nats\": with the Gaussian Gram "
   "K_ij = exp(-|x_i - x_j|^2 / (2 sigma^2)) and A = K / tr K, S_alpha(A) = log2(sum_i lambda_i(A)^alpha) / "
   "(1 - alpha); the joint is S_alpha(A o B / tr(A o B)) and I = S(A) + S(B) - S(A, B). Also returns the three "
   "entropies. Options: alpha = 1.01 (> 0, not 1; alpha = 2 needs no eigenvalues), sigma (x's width: a number, "
   "\"scott\" = sqrt(total variance of the columns) * n^(-1/(4 + d)), the default, or \"knn\" = mean distance "
   "to the 10 nearest other rows, the default of kernel = \"tensor\"), sigma_y (y's width; defaults to sigma "
   "when that is a number, else to the rule applied to y), labels = true (B_ij = [y_i = y_j] for integer "
   "class labels: S(B) in closed form and the joint decomposed class by class), kernel = \"gaussian\" | "
   "\"tensor\" (Wickstrom et al.'s tensor kernel exp(-|X_i - X_j|_F^2 / (2 sigma^2)) on the flattened feature "
   "maps, with the knn width) | \"multivariate\" (Yu et al. 2019: the Hadamard product of the Grams of the "
   "channels, x's columns cut into channels = C equal parts, each with its own width), unit. Eigenvalues by "
   "LAPACK dsyevd; cost O(n^2 d + n^3), so use batches of a few thousand rows (at most 16384).\n\n"
   "Example: local i = mi.renyi(acts[2], d.y, {labels = true, sigma = 2})"},
  {"renyi_entropy", l_renyi_entropy,
   "mi.renyi_entropy(x [, opts]) -> S\n\n"
   "Matrix-based Renyi alpha-order entropy S_alpha(A) = log2(sum_i lambda_i(A)^alpha) / (1 - alpha) of the rows "
   "of x (n x d) with A the unit-trace Gaussian Gram matrix, in bits unless unit = \"nats\"; between 0 (all rows "
   "alike at the kernel's scale) and log2(n) (all rows far apart). Options as mi.renyi: alpha, sigma, kernel, "
   "channels, unit; labels = true treats x as class labels (the closed form log2(sum_c p_c^alpha) / (1 - alpha)).\n\n"
   "Example: mi.renyi_entropy(x, {alpha = 2, sigma = 1})"},
  {NULL, NULL, NULL}
};

/* Register mi.renyi and mi.renyi_entropy into the table at the top of the stack. */
void lmi_open_renyi(lua_State *L) {
  lx_setfuncs(L, "mi.", renyi_funcs);
}
