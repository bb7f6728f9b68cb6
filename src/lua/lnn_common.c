/*
** Helpers shared by the nn binding files (declared in lnn.h): architecture
** text, new network userdata, and weights and activations as tensors.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "lnn.h"

/* Text like "12-10-7-5-4-3-2 tanh/softmax" into buf. */
void lnn_arch_str(const ibsh_arch *a, char *buf, size_t len) {
  size_t used = 0;
  buf[0] = '\0';
  for (int l = 0; l <= a->nlayers && used < len; l++)
    used += (size_t)snprintf(buf + used, len - used, "%s%zu", l ? "-" : "", a->width[l]);
  if (used < len) used += (size_t)snprintf(buf + used, len - used, " %s/%s", ibsh_act_name(a->act), ibsh_out_name(a->out));
  if (used < len && a->qbits[0]) used += (size_t)snprintf(buf + used, len - used, " quantized %d bits", a->qbits[0]);
  if (used < len && a->noise > 0) snprintf(buf + used, len - used, " noise %g", a->noise);
}

/* Push a new network userdata with arch (parameters zeroed); raises on allocation failure. */
lnet *lnn_pushnet(lua_State *L, const ibsh_arch *arch, const char *fname) {
  lnet *n = (lnet *)lua_newuserdatauv(L, sizeof(lnet), 0);
  memset(n, 0, sizeof *n);
  luaL_setmetatable(L, IBSH_NET_T);
  n->arch = *arch;
  n->params = calloc(arch->nparams, sizeof(double));
  if (!n->params) lx_error(L, fname, "out of memory for %zu parameters", arch->nparams);
  return n;
}

/* Copy a rows x cols block into a new tensor on the stack. */
static void push_block(lua_State *L, const double *src, size_t rows, size_t cols, const char *fname) {
  ibsh_tensor *t = lx_newtensor2(L, rows, cols, fname);
  memcpy(ibsh_tensor_data(t), src, rows * cols * sizeof(double));
}

#define ROWS_KEY "ibsh.nn_rows"

/* __gc of the cached forward scratch: free its buffers. */
static int rows_gc(lua_State *L) {
  ibsh_nn_rows_free((ibsh_nn_rows *)lua_touserdata(L, 1));
  return 0;
}

/* The forward scratch kept in the registry between calls (created on first use). */
static ibsh_nn_rows *rows_cache(lua_State *L) {
  if (lua_getfield(L, LUA_REGISTRYINDEX, ROWS_KEY) == LUA_TUSERDATA) {
    ibsh_nn_rows *c = (ibsh_nn_rows *)lua_touserdata(L, -1);
    lua_pop(L, 1);
    return c;
  }
  lua_pop(L, 1);
  ibsh_nn_rows *c = (ibsh_nn_rows *)lua_newuserdatauv(L, sizeof(ibsh_nn_rows), 0);
  memset(c, 0, sizeof *c);
  lua_createtable(L, 0, 1);
  lua_pushcfunction(L, rows_gc);
  lua_setfield(L, -2, "__gc");
  lua_setmetatable(L, -2);
  lua_setfield(L, LUA_REGISTRYINDEX, ROWS_KEY);
  return c;
}

/* Push a Lua array of n x width tensors: the activations of every layer for the rows of tensor at xidx. */
void lnn_push_activations(lua_State *L, const ibsh_arch *a, const double *params, int xidx, const char *fname) {
  xidx = lua_absindex(L, xidx);
  ibsh_tensor *x = lx_checkcontiguous(L, xidx, fname);
  if (x->ndim != 2 || x->shape[1] != a->width[0]) {
    char buf[128];
    lx_error(L, fname, "inputs must be an n x %zu tensor, got %s", a->width[0], ibsh_tensor_shape_str(x, buf, sizeof buf));
  }
  size_t n = x->shape[0];
  ibsh_nn_rows *cache = rows_cache(L);
  lua_createtable(L, a->nlayers, 0);
  int tab = lua_gettop(L);
  double *outs[IBSH_NN_MAXLAYERS + 1];
  outs[0] = NULL;
  for (int l = 1; l <= a->nlayers; l++) {
    size_t shape[2] = {n, a->width[l]};
    outs[l] = ibsh_tensor_data(lx_newtensor_uninit(L, 2, shape, fname));   /* every element is written */
    lua_rawseti(L, tab, l);
  }
  lx_check(L, ibsh_nn_forward_rows(cache, a, params, ibsh_tensor_data(x), n, outs, 0), fname);
}

/* Push a Lua array of {W = in x out tensor, b = vector}, one per layer, from a parameter vector. */
void lnn_push_weights(lua_State *L, const ibsh_arch *a, const double *params, const char *fname) {
  lua_createtable(L, a->nlayers, 0);
  for (int l = 0; l < a->nlayers; l++) {
    lua_createtable(L, 0, 2);
    push_block(L, params + a->woff[l], a->width[l], a->width[l + 1], fname);
    lua_setfield(L, -2, "W");
    ibsh_tensor *b = lx_newtensor1(L, a->width[l + 1], fname);
    memcpy(ibsh_tensor_data(b), params + a->boff[l], a->width[l + 1] * sizeof(double));
    lua_setfield(L, -2, "b");
    lua_rawseti(L, -2, l + 1);
  }
}

/* Push run:shapes() / net:shapes() of a dense network: {width, 1, 1, name = "dense"} per layer. */
void lnn_push_mlp_shapes(lua_State *L, const ibsh_arch *a) {
  lua_createtable(L, a->nlayers, 0);
  for (int l = 1; l <= a->nlayers; l++) {
    lua_createtable(L, 3, 1);
    lua_pushinteger(L, (lua_Integer)a->width[l]); lua_rawseti(L, -2, 1);
    lua_pushinteger(L, 1); lua_rawseti(L, -2, 2);
    lua_pushinteger(L, 1); lua_rawseti(L, -2, 3);
    lua_pushstring(L, "dense");
    lua_setfield(L, -2, "name");
    lua_rawseti(L, -2, l);
  }
}
