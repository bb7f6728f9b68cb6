/*
** The float64 instance of the layer-network kernels and passes (templates net_layers_t.h, net_pass_t.h, net_inst_t.h).
*/
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/nn_act.h"
#include "ibsh/parallel.h"
#include "ibsh/rng.h"
#include "net_impl.h"

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC optimize("O3")
#endif

#define R double
#define SFX(name) name##_f64
#define GEMM cblas_dgemm
#define TANH_ARRAY(in, out, n) ibsh_tanh_array(in, out, n)
#include "net_layers_t.h"
#include "net_pass_t.h"
#include "net_inst_t.h"
