/*
** ibsh's C library, all of it: include <ibsh/ibsh.h> and link with
** `pkg-config --cflags --libs ibsh`. Plain C11, no Lua: tensors and their files,
** data sets, networks and training runs, mutual-information estimators,
** Information Bottleneck solvers, figures and sweeps. Functions return IBSH_OK
** or an error code and leave a message for ibsh_errmsg() (error.h).
*/
#ifndef IBSH_IBSH_H
#define IBSH_IBSH_H

#ifdef __cplusplus
extern "C" {
#endif

#include "version.h"
#include "error.h"
#include "interrupt.h"
#include "rng.h"
#include "parallel.h"
#include "progress.h"

#include "tensor.h"
#include "tensor_ops.h"
#include "tensor_reduce.h"
#include "tensor_linalg.h"
#include "npy.h"
#include "csvio.h"
#include "idx.h"
#include "dataset.h"

#include "nn_act.h"
#include "nn.h"
#include "nn_rows.h"
#include "net.h"
#include "optim.h"
#include "run.h"

#include "mi_discretise.h"
#include "mi_binned.h"
#include "mi_discrete.h"
#include "mi_gaussian.h"
#include "mi_kde.h"
#include "mi_ksg.h"
#include "mi_renyi.h"
#include "mi_exact.h"
#include "mi_neural.h"

#include "ib.h"

#include "raster.h"
#include "plot.h"

#include "sweep.h"

#ifdef __cplusplus
}
#endif

#endif
