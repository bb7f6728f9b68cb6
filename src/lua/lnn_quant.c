/*
** Lua side of quantized and noise-injected networks: the quant and noise options
** of nn.mlp, and the accessors net:quant(), net:noise(), run:quant(), run:noise().
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "ibsh/error.h"
#include "lnn.h"

/* Read a number or a list of count numbers (integers when ints) at the top of the stack into out; key names it. */
static void read_list(lua_State *L, double *out, int count, int ints, const char *key, const char *fname) {
  int top = lua_gettop(L);
  if (lua_type(L, top) == LUA_TNUMBER) {
    for (int i = 0; i < count; i++) out[i] = lua_tonumber(L, top);
    if (ints && !lua_isinteger(L, top)) lx_error(L, fname, "quant.%s must be an integer, got %s", key, luaL_tolstring(L, top, NULL));
    return;
  }
  if (!lua_istable(L, top)) lx_error(L, fname, "quant.%s must be a number or a list, got %s", key, luaL_typename(L, top));
  int n = (int)lua_rawlen(L, top);
  int hidden = count - (strcmp(key, "bits") == 0);
  if (n != count && n != hidden)
    lx_error(L, fname, "quant.%s must list %d values (one per hidden layer%s), got %d", key, hidden,
             hidden != count ? ", optionally one more for the output" : "", n);
  for (int i = 0; i < count; i++) {
    lua_rawgeti(L, top, i < n ? i + 1 : n);
    int isnum = 0;
    out[i] = lua_tonumberx(L, -1, &isnum);
    if (!isnum || (ints && !lua_isinteger(L, -1)))
      lx_error(L, fname, "quant.%s[%d] must be %s, got %s", key, i + 1, ints ? "an integer" : "a number", luaL_tolstring(L, -1, NULL));
    lua_pop(L, 1);
  }
}

/* Read the quant and noise options of the nn.mlp table at opts into arch (noise seeded from seed). */
void lnn_read_perturb(lua_State *L, int opts, ibsh_arch *arch, uint64_t seed, const char *fname) {
  static const char *const known[] = {"bits", "range", NULL};
  int L1 = arch->nlayers;
  if (lua_getfield(L, opts, "quant") != LUA_TNIL) {
    int q = lua_gettop(L);
    if (!lua_istable(L, q)) lx_error(L, fname, "option 'quant' must be a table like {bits = 8}, got %s", luaL_typename(L, q));
    lx_checkoptions(L, q, known, fname);
    double b[IBSH_NN_MAXLAYERS], r[IBSH_NN_MAXLAYERS];
    int bits[IBSH_NN_MAXLAYERS];
    if (lua_getfield(L, q, "bits") == LUA_TNIL) lx_error(L, fname, "option 'quant' needs bits (1 to 16)");
    read_list(L, b, L1, 1, "bits", fname);
    lua_pop(L, 1);
    for (int l = 0; l < L1; l++) {
      if (!(b[l] >= 1 && b[l] <= 16)) lx_error(L, fname, "quant bits must be 1 to 16, got %g", b[l]);
      bits[l] = (int)b[l];
    }
    int has_range = lua_getfield(L, q, "range") != LUA_TNIL;
    if (has_range) read_list(L, r, L1 > 1 ? L1 - 1 : 1, 0, "range", fname);
    lua_pop(L, 1);
    lx_check(L, ibsh_nn_set_quant(arch, bits, has_range ? r : NULL), fname);
  }
  lua_pop(L, 1);
  if (lua_getfield(L, opts, "noise") != LUA_TNIL) {
    int isnum = 0;
    double s = lua_tonumberx(L, -1, &isnum);
    if (!isnum) lx_error(L, fname, "option 'noise' must be a number (the noise std), got %s", luaL_typename(L, -1));
    if (!(s >= 0) || !isfinite(s)) lx_error(L, fname, "noise must be a finite number >= 0, got %g", s);
    lx_check(L, ibsh_nn_set_noise(arch, s, seed), fname);
  }
  lua_pop(L, 1);
}

/* Push {bits = {...}, lo = {...}, hi = {...}} describing a's quantizers, or nil for a float network. */
static int push_quant(lua_State *L, const ibsh_arch *a) {
  int any = 0;
  for (int l = 0; l < a->nlayers; l++) any |= a->qbits[l] != 0;
  if (!any) {
    lua_pushnil(L);
    return 1;
  }
  lua_createtable(L, 0, 3);
  const char *names[3] = {"bits", "lo", "hi"};
  for (int k = 0; k < 3; k++) {
    lua_createtable(L, a->nlayers, 0);
    for (int l = 0; l < a->nlayers; l++) {
      if (k == 0) lua_pushinteger(L, a->qbits[l]);
      else lua_pushnumber(L, a->qbits[l] ? (k == 1 ? a->qlo[l] : a->qhi[l]) : NAN);
      lua_rawseti(L, -2, l + 1);
    }
    lua_setfield(L, -2, names[k]);
  }
  return 1;
}

/* net:quant() -> the quantizers or nil. */
static int net_quant(lua_State *L) {
  lnet *n = (lnet *)luaL_checkudata(L, 1, IBSH_NET_T);
  return push_quant(L, &n->arch);
}

/* net:noise() -> the noise std (0 for a deterministic network). */
static int net_noise(lua_State *L) {
  lnet *n = (lnet *)luaL_checkudata(L, 1, IBSH_NET_T);
  lua_pushnumber(L, n->arch.noise);
  return 1;
}

/* run:quant() -> the quantizers or nil. */
static int run_quant(lua_State *L) {
  return push_quant(L, &lnn_checkrun(L, 1, "Run:quant")->run.arch);
}

/* run:noise() -> the noise std. */
static int run_noise(lua_State *L) {
  lua_pushnumber(L, lnn_checkrun(L, 1, "Run:noise")->run.arch.noise);
  return 1;
}

#define QUANT_HELP(who) \
  who ":quant()\n\nThe activation quantizers of a quantized network (nn.mlp{..., quant = {bits = k}}): a table {bits = {...}, " \
  "lo = {...}, hi = {...}} with one entry per weight layer (hidden layers, then the output; bits 0 = not quantized): each " \
  "quantized layer takes the 2^bits values lo + i (hi - lo) / (2^bits - 1). nil for a float network.\n\n" \
  "Example: print(nn.mlp{12, 10, 2, quant = {bits = 4}}:quant().bits[1])  --> 4"
#define NOISE_HELP(who) \
  who ":noise()\n\nThe std sigma of the Gaussian noise a noise-injected network (nn.mlp{..., noise = sigma}) adds to every hidden " \
  "unit in training and evaluation; 0 for a deterministic network.\n\nExample: print(nn.mlp{12, 10, 2, noise = 0.1}:noise())  --> 0.1"

static const lx_Reg net_extra[] = {
  {"quant", net_quant, QUANT_HELP("net")},
  {"noise", net_noise, NOISE_HELP("net")},
  {NULL, NULL, NULL}
};

static const lx_Reg run_extra[] = {
  {"quant", run_quant, QUANT_HELP("run")},
  {"noise", run_noise, NOISE_HELP("run")},
  {NULL, NULL, NULL}
};

/* Add the quant/noise accessors to the method tables of ibsh.Net and ibsh.Run (both already registered). */
void lnn_open_quant(lua_State *L) {
  luaL_getmetatable(L, IBSH_NET_T);
  lua_getfield(L, -1, "__index");
  lx_setfuncs(L, "Net:", net_extra);
  lua_pop(L, 2);
  luaL_getmetatable(L, IBSH_RUN_T);
  lua_getfield(L, -1, "__index");
  lx_setfuncs(L, "Run:", run_extra);
  lua_pop(L, 2);
}
