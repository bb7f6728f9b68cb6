/*
** Lua binding of the neural variational MI estimators: mi.infonce, mi.nwj,
** mi.mine and mi.smile (core in src/core/mi/mi_neural.c).
*/
#include <math.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/mi_neural.h"
#include "ibsh/nn_act.h"
#include "lmi.h"

/* Read opts.widths (a Lua array of positive integers, possibly empty) into o. */
static void read_widths(lua_State *L, int opts, ibsh_neural_opts *o, const char *F) {
  if (lua_isnoneornil(L, opts)) return;
  lua_getfield(L, opts, "widths");
  if (lua_isnil(L, -1)) { lua_pop(L, 1); return; }
  if (!lua_istable(L, -1)) lx_error(L, F, "widths must be an array of hidden-layer widths, got %s", luaL_typename(L, -1));
  lua_Integer k = (lua_Integer)lua_rawlen(L, -1);
  if (k > IBSH_CRITIC_MAXHIDDEN) lx_error(L, F, "widths: at most %d hidden layers, got %d", IBSH_CRITIC_MAXHIDDEN, (int)k);
  o->nhidden = (int)k;
  for (lua_Integer i = 1; i <= k; i++) {
    lua_rawgeti(L, -1, i);
    int isint = 0;
    lua_Integer w = lua_tointegerx(L, -1, &isint);
    if (!isint || w < 1 || w > 4096) lx_error(L, F, "widths[%d] must be an integer in 1..4096", (int)i);
    o->hidden[i - 1] = (size_t)w;
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
}

/* Shared body of the four estimators: mi.<name>(x, y, opts) -> I(X;Y). */
static int neural(lua_State *L, int bound, const char *F) {
  static const char *const known[] = {"unit", "seed", "critic", "widths", "embed", "act", "epochs", "batch", "lr",
                                      "decay", "test", "valid", "patience", "tau", "ma_rate", "rank", "details", NULL};
  lua_settop(L, 3);
  if (!lua_isnil(L, 3) && !lua_istable(L, 3)) lx_error(L, F, "options must be a table, got %s", luaL_typename(L, 3));
  lx_checkoptions(L, 3, known, F);
  double unit = lmi_unit(L, 3, F);
  ibsh_neural_opts o;
  ibsh_neural_defaults(&o, bound);
  if (bound != IBSH_BOUND_SMILE && !lua_isnil(L, 3) && lua_getfield(L, 3, "tau") != LUA_TNIL)
    lx_error(L, F, "option 'tau' belongs to mi.smile");
  if (bound != IBSH_BOUND_MINE && !lua_isnil(L, 3) && lua_getfield(L, 3, "ma_rate") != LUA_TNIL)
    lx_error(L, F, "option 'ma_rate' belongs to mi.mine");
  lua_settop(L, 3);
  const char *critic = lx_optstring(L, 3, "critic", "separable", F);
  if (strcmp(critic, "joint") == 0) o.joint = 1;
  else if (strcmp(critic, "separable") != 0) lx_error(L, F, "critic must be \"separable\" or \"joint\", got \"%s\"", critic);
  if (o.joint) o.batch = 128;
  read_widths(L, 3, &o, F);
  const char *act = lx_optstring(L, 3, "act", "relu", F);
  o.act = ibsh_act_from_name(act);
  if (o.act < 0) lx_error(L, F, "unknown activation '%s' (known: tanh, relu, sigmoid, linear, softsign, softplus)", act);
  lua_Integer embed = lx_optinteger(L, 3, "embed", (lua_Integer)o.embed, F);
  lua_Integer epochs = lx_optinteger(L, 3, "epochs", o.epochs, F);
  lua_Integer batch = lx_optinteger(L, 3, "batch", (lua_Integer)o.batch, F);
  if (embed < 1) lx_error(L, F, "embed must be a positive integer, got %lld", (long long)embed);
  if (epochs < 1) lx_error(L, F, "epochs must be a positive integer, got %lld", (long long)epochs);
  if (batch < 2) lx_error(L, F, "batch must be at least 2, got %lld", (long long)batch);
  o.embed = (size_t)embed;
  o.epochs = epochs > 10000000 ? 10000001 : (long)epochs;
  o.batch = (size_t)batch;
  o.lr = lx_optnumber(L, 3, "lr", o.lr, F);
  o.decay = lx_optnumber(L, 3, "decay", o.decay, F);
  o.test = lx_optnumber(L, 3, "test", o.test, F);
  o.valid = lx_optnumber(L, 3, "valid", o.valid, F);
  lua_Integer patience = lx_optinteger(L, 3, "patience", o.patience, F);
  if (patience < 0) lx_error(L, F, "patience must be a non-negative integer, got %lld", (long long)patience);
  o.patience = patience > 10000000 ? 10000000 : (long)patience;
  o.tau = lx_optnumber(L, 3, "tau", o.tau, F);
  o.ma_rate = lx_optnumber(L, 3, "ma_rate", o.ma_rate, F);
  o.rank = lx_optboolean(L, 3, "rank", o.rank, F);
  o.seed = (uint64_t)lx_optinteger(L, 3, "seed", 1, F);
  int details = lx_optboolean(L, 3, "details", 0, F);
  size_t n, dx, m, dy;
  const double *x = lmi_matrix(L, 1, &n, &dx, F);
  const double *y = lmi_matrix(L, 2, &m, &dy, F);
  if (m != n) lx_error(L, F, "x has %zu rows but y has %zu", n, m);
  double mi = 0;
  ibsh_neural_info info;
  lx_check(L, ibsh_mi_neural(x, dx, y, dy, n, &o, &mi, &info), F);
  lua_pushnumber(L, mi / unit);
  if (!details) return 1;
  lua_createtable(L, 0, 4);
  lua_pushnumber(L, info.train_mi / unit);
  lua_setfield(L, -2, "train");
  lua_pushnumber(L, info.valid_mi / unit);
  lua_setfield(L, -2, "valid");
  lua_pushinteger(L, info.epochs);
  lua_setfield(L, -2, "epochs");
  lua_pushinteger(L, info.best_epoch);
  lua_setfield(L, -2, "best_epoch");
  return 2;
}

/* mi.infonce(x, y, opts) */
static int l_infonce(lua_State *L) { return neural(L, IBSH_BOUND_INFONCE, "mi.infonce"); }

/* mi.nwj(x, y, opts) */
static int l_nwj(lua_State *L) { return neural(L, IBSH_BOUND_NWJ, "mi.nwj"); }

/* mi.mine(x, y, opts) */
static int l_mine(lua_State *L) { return neural(L, IBSH_BOUND_MINE, "mi.mine"); }

/* mi.smile(x, y, opts) */
static int l_smile(lua_State *L) { return neural(L, IBSH_BOUND_SMILE, "mi.smile"); }

#define NEURAL_COMMON \
  "A critic f(x, y) is trained with Adam to maximise the bound over all B x B pairs of each batch of B rows " \
  "(positives on the diagonal) and the bound is reported on held-out rows, so over-fitting does not inflate it; " \
  "with details = true a second result {train, valid, epochs, best_epoch} gives the bound on the fitting and " \
  "validation rows (a gap to the held-out value means over-fitting) and the epochs run and kept. Every column is first " \
  "rank-Gaussianised as in mi.copula (MI is unchanged by increasing maps of a coordinate; rank = false z-scores " \
  "instead). Rows are split by seed into test (held out), validation (picks the epoch whose weights are kept; " \
  "training stops after patience epochs without a better validation bound) and fitting rows. Options: unit " \
  "(bits unless \"nats\"), seed = 1 (split, weights, batch order: same seed, same bits), critic = \"separable\" " \
  "(f = g(x) . h(y), two networks with hidden widths and embed outputs: B forward rows per batch) or \"joint\" " \
  "(f = net([x, y]) on all B^2 pairs: B times slower; default batch 128, at most 512), widths = {32, 32} (hidden layers), " \
  "embed = 16, act = \"relu\", epochs = 300 (at most), batch = 256 (at most 4096), lr = 1e-3, decay = 1 (decoupled weight decay: " \
  "p -= lr decay p after each Adam step), test = 0.3, valid = 0.2 (of the training rows; 0: keep the last " \
  "epoch), patience = 30 (0: never stop early), rank = true. Errors: training that diverges (a non-finite or " \
  "absurd bound: lower lr). Accuracy and timings on the benchmark tasks: doc/mi.md.\n\n"

static const lx_Reg neural_funcs[] = {
  {"infonce", l_infonce,
   "mi.infonce(x, y [, opts]) -> mi [, details]\n\n"
   "InfoNCE (contrastive predictive coding; van den Oord et al. 2018, Poole et al. 2019) estimate of I(X;Y) for "
   "x (n x dx) and y (n x dy): mean_i [f(x_i, y_i) - log (1/B) sum_j exp f(x_i, y_j)], a lower bound that cannot "
   "exceed log B (5.5 nats at batch 256): raise batch for large MI. Low variance; the estimator of choice below "
   "~log B / 2. " NEURAL_COMMON
   "Example: mi.infonce(x, y, {unit = \"nats\", seed = 1})"},
  {"nwj", l_nwj,
   "mi.nwj(x, y [, opts]) -> mi [, details]\n\n"
   "NWJ (Nguyen, Wainwright & Jordan 2010; f-divergence) lower bound on I(X;Y): mean_i f(x_i, y_i) - "
   "mean_{i != j} exp(f(x_i, y_j) - 1), tight at f = 1 + log p(x, y) / (p(x) p(y)). Unbiased over batches but "
   "its variance grows like exp(I). " NEURAL_COMMON
   "Example: mi.nwj(x, y, {unit = \"nats\", seed = 1})"},
  {"mine", l_mine,
   "mi.mine(x, y [, opts]) -> mi [, details]\n\n"
   "MINE (Belghazi et al. 2018): the Donsker-Varadhan bound mean_i f(x_i, y_i) - log mean_{i != j} exp f(x_i, y_j), "
   "trained with the paper's bias-corrected gradient, whose denominator mean exp f is replaced by its moving "
   "average (rate ma_rate = 0.01 per step); the held-out value pools the negatives of all test batches. " NEURAL_COMMON
   "Example: mi.mine(x, y, {unit = \"nats\", seed = 1})"},
  {"smile", l_smile,
   "mi.smile(x, y [, opts]) -> mi [, details]\n\n"
   "SMILE (Song & Ermon 2020): the Donsker-Varadhan bound with the negatives' scores clipped to [-tau, tau] "
   "(tau = 5), mean_i f(x_i, y_i) - log mean_{i != j} exp clip(f(x_i, y_j)), with the critic trained by the "
   "Jensen-Shannon bound -mean softplus(-f_ii) - mean_{i != j} softplus(f_ij) (whose optimum is the log density "
   "ratio). Clipping trades a small bias for much lower variance. " NEURAL_COMMON
   "Example: mi.smile(x, y, {unit = \"nats\", seed = 1, tau = 5})"},
  {NULL, NULL, NULL}
};

/* Register the neural estimators into the table at the top of the stack. */
void lmi_open_neural(lua_State *L) {
  lx_setfuncs(L, "mi.", neural_funcs);
}
