/*
** Random generators for Lua (ibsh.Rng, xoshiro256** from rng.h) and the seed
** arguments of the random tensor creators: a number, {seed = s}, an ibsh.Rng,
** or nothing (the module's default generator).
*/
#include <stdio.h>
#include <string.h>
#include "ltensor_common.h"

#define DEFAULT_RNG_KEY "ibsh.tensor.default_rng"
#define DEFAULT_SEED 20170101

/* Push a new generator seeded with seed. */
static ibsh_rng *push_rng(lua_State *L, uint64_t seed) {
  ibsh_rng *r = (ibsh_rng *)lua_newuserdatauv(L, sizeof(ibsh_rng), 0);
  ibsh_rng_seed(r, seed);
  luaL_setmetatable(L, IBSH_RNG_T);
  return r;
}

/* Read a seed (an integer, or a float with an exact integer value). */
static uint64_t check_seed(lua_State *L, int idx, const char *fname) {
  int isint;
  lua_Integer s = lua_tointegerx(L, idx, &isint);
  if (!isint) lx_error(L, fname, "seed must be an integer, got %s", luaL_tolstring(L, idx, NULL));
  return (uint64_t)s;
}

/* Warn once per process on stderr that fname was given a plain number seed (the old call form). */
void lt_deprecated_seed(lua_State *L, const char *fname) {
  static int warned = 0;
  (void)L;
  if (warned) return;
  warned = 1;
  fprintf(stderr, "%s: a plain number seed is deprecated and will be removed in the next release; "
                  "pass {seed = s} or an ibsh.Rng (numbers are sizes: tensor.randn(2, 3, 4) is 2x3x4)\n", fname);
  fflush(stderr);
}

/* Nonzero when the value at idx can be a seed spec. */
int lt_isseedspec(lua_State *L, int idx) {
  if (lua_type(L, idx) == LUA_TNUMBER) return 1;
  if (luaL_testudata(L, idx, IBSH_RNG_T)) return 1;
  if (!lua_istable(L, idx) || lua_rawlen(L, idx) > 0) return 0;
  int has = lua_getfield(L, idx, "seed") != LUA_TNIL;
  lua_pop(L, 1);
  return has;
}

/* The module's default generator (kept alive by the registry). */
static ibsh_rng *default_rng(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, DEFAULT_RNG_KEY);
  ibsh_rng *r = (ibsh_rng *)luaL_checkudata(L, -1, IBSH_RNG_T);
  lua_pop(L, 1);
  return r;
}

/* The generator for the seed spec at idx; local holds a seeded copy when needed. */
ibsh_rng *lt_optrng(lua_State *L, int idx, ibsh_rng *local, const char *fname) {
  if (lua_isnoneornil(L, idx)) return default_rng(L);
  ibsh_rng *r = (ibsh_rng *)luaL_testudata(L, idx, IBSH_RNG_T);
  if (r) return r;
  if (lua_type(L, idx) == LUA_TNUMBER) { ibsh_rng_seed(local, check_seed(L, idx, fname)); return local; }
  if (lua_istable(L, idx)) {
    static const char *const known[] = {"seed", NULL};
    lx_checkoptions(L, idx, known, fname);
    lua_getfield(L, idx, "seed");
    if (lua_isnil(L, -1)) { lua_pop(L, 1); return default_rng(L); }
    r = (ibsh_rng *)luaL_testudata(L, -1, IBSH_RNG_T);
    if (!r) { ibsh_rng_seed(local, check_seed(L, -1, fname)); r = local; }
    lua_pop(L, 1);
    return r;
  }
  lx_error(L, fname, "expected a seed, {seed = s} or an ibsh.Rng, got %s", luaL_typename(L, idx));
  return NULL;
}

/* tensor.rng(seed) / tensor.rng.new(seed): a new generator. */
static int r_new(lua_State *L) {
  int arg = lua_istable(L, 1) && !lua_isnumber(L, 1) && lua_gettop(L) >= 2 ? 2 : 1;  /* called as rng(seed) via __call */
  push_rng(L, check_seed(L, arg, "tensor.rng"));
  return 1;
}

/* tensor.manual_seed(s): reseed the default generator. */
static int r_manual_seed(lua_State *L) {
  uint64_t s = check_seed(L, 1, "tensor.manual_seed");
  lua_getfield(L, LUA_REGISTRYINDEX, DEFAULT_RNG_KEY);
  ibsh_rng_seed((ibsh_rng *)luaL_checkudata(L, -1, IBSH_RNG_T), s);
  return 0;
}

/* r:uniform([a, b]): a uniform number in [0, 1) or [a, b). */
static int rm_uniform(lua_State *L) {
  ibsh_rng *r = (ibsh_rng *)luaL_checkudata(L, 1, IBSH_RNG_T);
  double u = ibsh_rng_uniform(r);
  if (lua_isnoneornil(L, 2)) lua_pushnumber(L, u);
  else { double a = luaL_checknumber(L, 2), b = luaL_checknumber(L, 3); lua_pushnumber(L, a + (b - a) * u); }
  return 1;
}

/* r:normal([mean, sd]): a normal deviate. */
static int rm_normal(lua_State *L) {
  ibsh_rng *r = (ibsh_rng *)luaL_checkudata(L, 1, IBSH_RNG_T);
  double mean = luaL_optnumber(L, 2, 0), sd = luaL_optnumber(L, 3, 1);
  lua_pushnumber(L, mean + sd * ibsh_rng_normal(r));
  return 1;
}

/* r:randint(lo, hi): a uniform integer from lo to hi inclusive. */
static int rm_randint(lua_State *L) {
  ibsh_rng *r = (ibsh_rng *)luaL_checkudata(L, 1, IBSH_RNG_T);
  lua_Integer lo = luaL_checkinteger(L, 2), hi = luaL_checkinteger(L, 3);
  if (hi < lo) lx_error(L, "Rng:randint", "empty range %d..%d", (int)lo, (int)hi);
  uint64_t span = (uint64_t)(hi - lo) + 1;
  lua_pushinteger(L, lo + (lua_Integer)(span ? ibsh_rng_below(r, span) : ibsh_rng_next(r)));
  return 1;
}

/* r:seed(s): reseed; returns r. */
static int rm_seed(lua_State *L) {
  ibsh_rng *r = (ibsh_rng *)luaL_checkudata(L, 1, IBSH_RNG_T);
  ibsh_rng_seed(r, check_seed(L, 2, "Rng:seed"));
  lua_settop(L, 1);
  return 1;
}

/* r:clone(): an independent copy in the same state. */
static int rm_clone(lua_State *L) {
  ibsh_rng *r = (ibsh_rng *)luaL_checkudata(L, 1, IBSH_RNG_T);
  ibsh_rng *c = push_rng(L, 0);
  *c = *r;
  return 1;
}

/* __tostring of a generator. */
static int rm_tostring(lua_State *L) {
  luaL_checkudata(L, 1, IBSH_RNG_T);
  lua_pushfstring(L, "ibsh.Rng (xoshiro256**) %p", lua_topointer(L, 1));
  return 1;
}

static const lx_Reg rng_methods[] = {
  {"uniform", rm_uniform, "r:uniform([a, b])\n\nA uniform random number in [0, 1), or in [a, b).\n\nExample: tensor.rng(1):uniform()"},
  {"normal", rm_normal, "r:normal([mean = 0, sd = 1])\n\nA normal random number.\n\nExample: tensor.rng(1):normal(0, 2)"},
  {"randint", rm_randint, "r:randint(lo, hi)\n\nA uniform random integer from lo to hi, both included.\n\nExample: tensor.rng(1):randint(1, 6)"},
  {"seed", rm_seed, "r:seed(s)\n\nReseed the generator; returns it.\n\nExample: r:seed(42)"},
  {"clone", rm_clone, "r:clone()\n\nAn independent generator in the same state (draws the same sequence).\n\nExample: local r2 = r:clone()"},
  {NULL, NULL, NULL}
};

static const luaL_Reg rng_metamethods[] = {
  {"__tostring", rm_tostring},
  {NULL, NULL}
};

const lx_Reg ltensor_rng_funcs[] = {
  {"manual_seed", r_manual_seed, "tensor.manual_seed(s)\n\nReseed the default generator used by random creators called without a seed.\n\nExample: tensor.manual_seed(0)"},
  {NULL, NULL, NULL}
};

/* Create the ibsh.Rng class, the default generator, and leave nothing on the stack. */
void ltensor_rng_open(lua_State *L) {
  lx_newclass(L, IBSH_RNG_T, rng_methods, rng_metamethods);
  push_rng(L, DEFAULT_SEED);
  lua_setfield(L, LUA_REGISTRYINDEX, DEFAULT_RNG_KEY);
}

/* Push the tensor.rng table: callable (tensor.rng(seed)) with a new function (tensor.rng.new(seed)). */
void ltensor_rng_push_module(lua_State *L) {
  lua_newtable(L);
  lua_pushcfunction(L, r_new);
  lx_sethelp(L, -1, "rng.new", "rng.new(seed)\n\nA new random generator (ibsh.Rng, xoshiro256**) seeded with seed; pass it to tensor.rand/randn/randint/randperm for reproducible streams. tensor.rng(seed) is the same.\n\nExample: local r = tensor.rng(42); local a, b = tensor.rand(2, 2, r), tensor.rand(2, 2, r)");
  lua_setfield(L, -2, "new");
  lua_newtable(L);
  lua_pushcfunction(L, r_new);
  lua_setfield(L, -2, "__call");
  lua_setmetatable(L, -2);
  lx_sethelp(L, -1, "tensor.rng", "tensor.rng(seed)\n\nA new random generator (ibsh.Rng) seeded with seed; the same as tensor.rng.new(seed) and rng.new(seed).\n\nExample: local r = tensor.rng(42); tensor.randn(3, 3, r)");
}
