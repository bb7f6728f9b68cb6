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
#include "base/event.h"
#include "run_eval.h"

/* Mean loss and accuracy of params on a data set, in chunks of w->cap rows (see run_eval.h). */
void run_evaluate(const ibsh_arch *a, const double *params, const ibsh_data_view *d, const double *xt,
                  ibsh_nn_work *w, uint64_t kind, long epoch, double *loss, double *acc) {
  double total = 0;
  size_t correct = 0, d0 = a->width[0], K = a->width[a->nlayers];
  for (size_t s = 0; s < d->n; s += w->cap) {
    size_t n = d->n - s < w->cap ? d->n - s : w->cap, c = 0;
    ibsh_nn_noise_begin(a, w, kind, (uint64_t)epoch, s / w->cap);
    if (xt) ibsh_nn_forward_cols(a, params, xt + s, d->n, n, w);
    else ibsh_nn_forward(a, params, d->x + s * d0, n, w);
    total += ibsh_nn_loss_sum(a, w, d->t + s * K, d->labels ? d->labels + s : NULL, n, &c);
    correct += c;
  }
  *loss = d->n ? total / (double)d->n : NAN;
  *acc = d->n && d->labels ? (double)correct / (double)d->n : NAN;
}

/* How long the helper and the trainer spin for each other's next post before sleeping (an epoch of a small net
   takes a few hundred microseconds; a sleep and wake-up costs tens of microseconds in a virtual machine). */
#define EVAL_SPIN_NS 1000000

struct run_evaluator {
  pthread_t thread;
  ibsh_event job;                    /* the trainer posts job numbers (QUIT_JOB: end the thread) */
  ibsh_event done;                   /* the helper posts the number of the job it finished */
  uint64_t submitted;                /* jobs submitted so far (the trainer's count) */
  const ibsh_arch *a;
  const ibsh_data_view *train, *test;
  const double *xt_train, *xt_test;
  ibsh_nn_work work;
  double *params;                    /* the copy being evaluated */
  long epoch;                        /* its epoch index (seeds a noise-injected net's evaluation noise) */
  double *out[4];
};

#define QUIT_JOB UINT64_MAX

/* The helper's loop: wait for a job, evaluate, report, until told to quit. */
static void *eval_main(void *p) {
  run_evaluator *ev = p;
  for (uint64_t seen = 0;;) {
    seen = ibsh_event_wait(&ev->job, seen, EVAL_SPIN_NS);
    if (seen == QUIT_JOB) break;
    run_evaluate(ev->a, ev->params, ev->train, ev->xt_train, &ev->work, 1, ev->epoch, ev->out[0], ev->out[1]);
    if (ev->test && ev->test->n)
      run_evaluate(ev->a, ev->params, ev->test, ev->xt_test, &ev->work, 2, ev->epoch, ev->out[2], ev->out[3]);
    ibsh_event_post(&ev->done, seen);
  }
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
  ibsh_event_init(&ev->job);
  ibsh_event_init(&ev->done);
  if (pthread_create(&ev->thread, NULL, eval_main, ev) != 0) {
    ibsh_event_destroy(&ev->job);
    ibsh_event_destroy(&ev->done);
    ibsh_nn_work_free(&ev->work);
    free(ev->params);
    free(ev);
    return NULL;
  }
  return ev;
}

/* Hand the helper a copy of params and where to write the four metrics. */
void run_eval_submit(run_evaluator *ev, const double *params, long epoch, double *const out[4]) {
  memcpy(ev->params, params, ev->a->nparams * sizeof(double));
  ev->epoch = epoch;
  for (int i = 0; i < 4; i++) ev->out[i] = out[i];
  ibsh_event_post(&ev->job, ++ev->submitted);   /* publishes the fields above */
}

/* Wait until the submitted job is done. */
void run_eval_wait(run_evaluator *ev) {
  uint64_t d = atomic_load_explicit(&ev->done.value, memory_order_acquire);
  while (d != ev->submitted) d = ibsh_event_wait(&ev->done, d, EVAL_SPIN_NS);
}

/* Wait, stop the thread and free everything. */
void run_eval_stop(run_evaluator *ev) {
  if (!ev) return;
  run_eval_wait(ev);
  ibsh_event_post(&ev->job, QUIT_JOB);
  pthread_join(ev->thread, NULL);
  ibsh_event_destroy(&ev->job);
  ibsh_event_destroy(&ev->done);
  ibsh_nn_work_free(&ev->work);
  free(ev->params);
  free(ev);
}
