/*
** Helpers shared by the mi binding files (declared in lmi.h): matrix arguments,
** GC-managed scratch and id buffers, units and labels.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "lmi.h"
#include "mi/mi_codes.h"

/* The tensor at idx as a contiguous n x d matrix (a 1-d tensor is n x 1); rejects empty and >2-d tensors. */
const double *lmi_matrix(lua_State *L, int idx, size_t *n, size_t *d, const char *fname) {
  ibsh_tensor *t = lx_checkcontiguous(L, idx, fname);
  if (t->ndim != 1 && t->ndim != 2) lx_error(L, fname, "argument #%d must be a 1-d or 2-d tensor, got %d-d", idx, t->ndim);
  *n = t->shape[0];
  *d = t->ndim == 2 ? t->shape[1] : 1;
  if (*n == 0 || *d == 0) lx_error(L, fname, "argument #%d is empty (%zu x %zu)", idx, *n, *d);
  return ibsh_tensor_data(t);
}

/* A GC-managed scratch buffer of bytes (pushed on the stack, freed when collected). */
void *lmi_scratch(lua_State *L, size_t bytes) {
  return lua_newuserdatauv(L, bytes ? bytes : 1, 0);
}

/* One of two per-thread id buffers of at least n entries, reused across calls (no allocation per call
   in loops over layers and epochs); valid until the next call that asks for the same slot. */
uint32_t *lmi_idbuffer(lua_State *L, size_t n, int slot, const char *fname) {
  static _Thread_local uint32_t *buf[2];
  static _Thread_local size_t cap[2];
  if (n > cap[slot]) {
    uint32_t *p = realloc(buf[slot], n * sizeof *p);
    if (!p) lx_error(L, fname, "out of memory for %zu ids", n);
    buf[slot] = p;
    cap[slot] = n;
  }
  return buf[slot];
}

/* Divisor converting nats to the unit named by opts.unit ("bits" by default, or "nats"). */
double lmi_unit(lua_State *L, int opts, const char *fname) {
  const char *unit = lx_optstring(L, opts, "unit", "bits", fname);
  if (strcmp(unit, "bits") == 0) return log(2.0);
  if (strcmp(unit, "nats") == 0) return 1.0;
  return lx_error(L, fname, "unit must be \"bits\" or \"nats\", got \"%s\"", unit);
}

/* Dense ids of the n labels at idx (a vector of n non-negative integers); pushes a scratch buffer. */
uint32_t *lmi_labels(lua_State *L, int idx, size_t n, size_t *k, const char *fname) {
  size_t m, d;
  const double *y = lmi_matrix(L, idx, &m, &d, fname);
  if (d != 1) lx_error(L, fname, "labels must be a vector (or n x 1), got %zu x %zu", m, d);
  if (m != n) lx_error(L, fname, "labels have %zu rows but the data have %zu", m, n);
  uint32_t *ids = lmi_idbuffer(L, n, 0, fname);
  lx_check(L, ibsh_codes_labels(y, n, ids, k), fname);
  return ids;
}

/* The number of layers in the non-empty array of layer tensors at idx; *n gets layer 1's rows. */
size_t lmi_layers(lua_State *L, int idx, size_t *n, const char *fname) {
  if (!lua_istable(L, idx)) lx_error(L, fname, "argument #%d must be an array of layer tensors, got %s", idx, luaL_typename(L, idx));
  size_t nl = (size_t)lua_rawlen(L, idx);
  if (nl == 0) lx_error(L, fname, "argument #%d must be a non-empty array of layer tensors", idx);
  lua_rawgeti(L, idx, 1);
  ibsh_tensor *first = lx_testtensor(L, -1);
  if (!first || first->ndim < 1) lx_error(L, fname, "layer 1 is not a tensor");
  *n = first->shape[0];
  lua_pop(L, 1);
  return nl;
}
