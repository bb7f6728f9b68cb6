/*
** The float32 instance of the layer-network kernels and passes (templates net_layers_t.h, net_pass_t.h, net_inst_t.h).
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

#define R float
#define SFX(name) name##_f32
#define GEMM cblas_sgemm
#define TANH_ARRAY(in, out, n) for (size_t i_ = 0; i_ < (n); i_++) (out)[i_] = tanhf((in)[i_])
#include "net_layers_t.h"
#include "net_pass_t.h"
#include "net_inst_t.h"
