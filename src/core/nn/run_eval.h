/*
** Evaluation of a network on whole data sets (the per-epoch train and test
** metrics of a fit), and a helper thread that evaluates one epoch's weights
** while the next epoch trains.
*/
#ifndef IBSH_NN_RUN_EVAL_H
#define IBSH_NN_RUN_EVAL_H

#include "ibsh/run.h"

/* Mean loss and accuracy of params on a data set (xt: its inputs feature-major, or NULL), in chunks of w->cap rows. */
void run_evaluate(const ibsh_arch *a, const double *params, const ibsh_data_view *d, const double *xt,
                  ibsh_nn_work *w, double *loss, double *acc);

typedef struct run_evaluator run_evaluator;

/* Start a helper thread evaluating on train and test (test may be NULL; xt_*: feature-major copies or NULL) with
   chunks of cap rows; NULL when no thread could be started (the caller then evaluates itself). */
run_evaluator *run_eval_start(const ibsh_arch *a, size_t cap, const ibsh_data_view *train, const double *xt_train,
                              const ibsh_data_view *test, const double *xt_test);

/* Hand the helper a copy of params; it writes train loss, train accuracy, test loss and test accuracy to out[0..3]
   (the test ones only with a test set). The previous job must have been waited for. */
void run_eval_submit(run_evaluator *ev, const double *params, double *const out[4]);

/* Wait until the submitted job (if any) is done. */
void run_eval_wait(run_evaluator *ev);

/* Wait, stop the thread and free everything (ev may be NULL). */
void run_eval_stop(run_evaluator *ev);

#endif
