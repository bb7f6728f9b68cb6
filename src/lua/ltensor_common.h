/*
** Internal helpers shared by the tensor binding files (ltensor*.c): argument
** parsing for dims, shapes and random generators, and the method/function tables
** each file contributes to the ibsh.Tensor class and the tensor module.
*/
#ifndef IBSH_LTENSOR_COMMON_H
#define IBSH_LTENSOR_COMMON_H

#include "lcommon.h"
#include "ibsh/rng.h"

#define IBSH_RNG_T "ibsh.Rng"

/* A 1-based Lua dim at idx (negative counts from the end) as a 0-based dim of t; def (0-based) when absent, or error if def < 0. */
int lt_checkdim(lua_State *L, const ibsh_tensor *t, int idx, int def, const char *fname);

/* Push a new empty tensor userdata for a view (the caller shares storage into it). */
ibsh_tensor *lt_pushview(lua_State *L);

/* Read a shape from a table or from numbers starting at first; returns the index of the first unused argument. */
void lt_deprecated_seed(lua_State *L, const char *fname);
int lt_checkshape(lua_State *L, int first, int *ndim, size_t *shape, int max_numbers, const char *fname);

/* The generator to use for a seed spec at idx: an ibsh.Rng, a number seed, {seed = s}, or nil (the default generator); local holds a seeded copy when needed. */
ibsh_rng *lt_optrng(lua_State *L, int idx, ibsh_rng *local, const char *fname);

/* Nonzero when the value at idx can be a seed spec (number, table with only 'seed', Rng). */
int lt_isseedspec(lua_State *L, int idx);

/* Push a tensor of the same shape as t, zero-filled. */
ibsh_tensor *lt_newlike(lua_State *L, const ibsh_tensor *t, const char *fname);

/* Method and function tables of the binding files. */
extern const lx_Reg ltensor_math_methods[], ltensor_math_funcs[];
extern const lx_Reg ltensor_linalg_methods[], ltensor_linalg_funcs[];
extern const lx_Reg ltensor_io_methods[], ltensor_io_funcs[];
extern const lx_Reg ltensor_rng_funcs[];
extern const luaL_Reg ltensor_math_metamethods[];

/* Create the ibsh.Rng class and the default generator. */
void ltensor_rng_open(lua_State *L);

/* Push the tensor.rng table (callable; rng.new). */
void ltensor_rng_push_module(lua_State *L);

#endif
