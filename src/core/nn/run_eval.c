/*
** Whole-set evaluation for training metrics, and the helper thread that runs
** it for epoch e while the caller trains epoch e + 1 (see run_eval.h). The
** helper computes exactly what the caller would (the same function on a copy
** of the same weights), so the metrics have the same bits either way.
*/
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "run_eval.h"

/* Mean loss and accuracy of params on a data set, in chunks of w->cap rows (see run_eval.h). */
void run_evaluate(const ibsh_arch *a, const double *params, const ibsh_data_view *d, const double *xt,
                  ibsh_nn_work *w, double *loss, double *acc) {
  double total = 0;
  size_t correct = 0, d0 = a->width[0], K = a->width[a->nlayers];
  for (size_t s = 0; s < d->n; s += w->cap) {
    size_t n = d->n - s < w->cap ? d->n - s : w->cap, c = 0;
    if (xt) ibsh_nn_forward_cols(a, params, xt + s, d->n, n, w);
    else ibsh_nn_forward(a, params, d->x + s * d0, n, w);
    total += ibsh_nn_loss_sum(a, w, d->t + s * K, d->labels ? d->labels + s : NULL, n, &c);
    correct += c;
  }
  *loss = d->n ? total / (double)d->n : NAN;
  *acc = d->n && d->labels ? (double)correct / (double)d->n : NAN;
}

struct run_evaluator {
  pthread_t thread;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int pending, quit;                 /* a job is waiting or running; the thread should end */
  const ibsh_arch *a;
  const ibsh_data_view *train, *test;
  const double *xt_train, *xt_test;
  ibsh_nn_work work;
  double *params;                    /* the copy being evaluated */
  double *out[4];
};

/* The helper's loop: wait for a job, evaluate, report, until told to quit. */
static void *eval_main(void *p) {
  run_evaluator *ev = p;
  pthread_mutex_lock(&ev->mu);
  for (;;) {
    while (!ev->pending && !ev->quit) pthread_cond_wait(&ev->cv, &ev->mu);
    if (!ev->pending) break;
    pthread_mutex_unlock(&ev->mu);
    run_evaluate(ev->a, ev->params, ev->train, ev->xt_train, &ev->work, ev->out[0], ev->out[1]);
    if (ev->test && ev->test->n) run_evaluate(ev->a, ev->params, ev->test, ev->xt_test, &ev->work, ev->out[2], ev->out[3]);
    pthread_mutex_lock(&ev->mu);
    ev->pending = 0;
    pthread_cond_broadcast(&ev->cv);
  }
  pthread_mutex_unlock(&ev->mu);
  return NULL;
}

/* Start the helper thread (see run_eval.h); NULL when it cannot be started. */
run_evaluator *run_eval_start(const ibsh_arch *a, size_t cap, const ibsh_data_view *train, const double *xt_train,
                              const ibsh_data_view *test, const double *xt_test) {
  run_evaluator *ev = calloc(1, sizeof *ev);
  if (!ev) return NULL;
  ev->a = a;
  ev->train = train; ev->test = test;
  ev->xt_train = xt_train; ev->xt_test = xt_test;
  ev->params = malloc(a->nparams * sizeof(double));
  if (!ev->params || ibsh_nn_work_alloc(&ev->work, a, cap) != 0) {
    free(ev->params);
    free(ev);
    return NULL;
  }
  pthread_mutex_init(&ev->mu, NULL);
  pthread_cond_init(&ev->cv, NULL);
  if (pthread_create(&ev->thread, NULL, eval_main, ev) != 0) {
    pthread_mutex_destroy(&ev->mu);
    pthread_cond_destroy(&ev->cv);
    ibsh_nn_work_free(&ev->work);
    free(ev->params);
    free(ev);
    return NULL;
  }
  return ev;
}

/* Hand the helper a copy of params and where to write the four metrics. */
void run_eval_submit(run_evaluator *ev, const double *params, double *const out[4]) {
  memcpy(ev->params, params, ev->a->nparams * sizeof(double));
  pthread_mutex_lock(&ev->mu);
  for (int i = 0; i < 4; i++) ev->out[i] = out[i];
  ev->pending = 1;
  pthread_cond_broadcast(&ev->cv);
  pthread_mutex_unlock(&ev->mu);
}

/* Wait until the submitted job is done. */
void run_eval_wait(run_evaluator *ev) {
  pthread_mutex_lock(&ev->mu);
  while (ev->pending) pthread_cond_wait(&ev->cv, &ev->mu);
  pthread_mutex_unlock(&ev->mu);
}

/* Wait, stop the thread and free everything. */
void run_eval_stop(run_evaluator *ev) {
  if (!ev) return;
  pthread_mutex_lock(&ev->mu);
  while (ev->pending) pthread_cond_wait(&ev->cv, &ev->mu);
  ev->quit = 1;
  pthread_cond_broadcast(&ev->cv);
  pthread_mutex_unlock(&ev->mu);
  pthread_join(ev->thread, NULL);
  pthread_mutex_destroy(&ev->mu);
  pthread_cond_destroy(&ev->cv);
  ibsh_nn_work_free(&ev->work);
  free(ev->params);
  free(ev);
}
