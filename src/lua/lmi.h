/*
** Helpers shared by the mi binding files (lmi.c, lmi_cont.c): matrix arguments,
** scratch buffers that the GC frees, units and labels.
*/
#ifndef IBSH_LMI_H
#define IBSH_LMI_H

#include <stdint.h>
#include "lcommon.h"

/* The tensor at idx as a contiguous n x d matrix (a 1-d tensor is n x 1); rejects empty and >2-d tensors. */
const double *lmi_matrix(lua_State *L, int idx, size_t *n, size_t *d, const char *fname);

/* A GC-managed scratch buffer of bytes (pushed on the stack, freed when collected). */
void *lmi_scratch(lua_State *L, size_t bytes);

/* One of two per-thread id buffers (slot 0 or 1) of at least n entries, reused across calls. */
uint32_t *lmi_idbuffer(lua_State *L, size_t n, int slot, const char *fname);

/* Divisor converting nats to the unit named by opts.unit ("bits" by default, or "nats"). */
double lmi_unit(lua_State *L, int opts, const char *fname);

/* Dense ids of the n labels at idx (a vector of n non-negative integers), in id buffer slot 0. */
uint32_t *lmi_labels(lua_State *L, int idx, size_t n, size_t *k, const char *fname);

/* The number of layers in the non-empty array of layer tensors at idx; *n gets layer 1's rows. */
size_t lmi_layers(lua_State *L, int idx, size_t *n, const char *fname);


/* Register mi.exact and mi.sp (lmi_exact.c) into the table at the top of the stack. */
void lmi_open_exact(lua_State *L);

/* Register the continuous estimators (KDE, KSG, Gaussian) into the table at the top of the stack. */
void lmi_open_continuous(lua_State *L);

/* Register the matrix-based Renyi functions into the table at the top of the stack. */
void lmi_open_renyi(lua_State *L);

/* Register the neural estimators (InfoNCE, NWJ, MINE, SMILE) into the table at the top of the stack. */
void lmi_open_neural(lua_State *L);

#endif
