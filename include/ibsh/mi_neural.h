/*
** Neural variational MI estimators: a critic network f(x, y) trained by Adam
** to maximise a lower bound on I(X;Y) over all pairs of a batch, evaluated on
** held-out rows. Bounds: InfoNCE (van den Oord et al. 2018), NWJ (Nguyen,
** Wainwright & Jordan 2010), MINE (Donsker-Varadhan with the moving-average
** gradient of Belghazi et al. 2018) and SMILE (Song & Ermon 2020).
*/
#ifndef IBSH_MI_NEURAL_H
#define IBSH_MI_NEURAL_H

#include <stddef.h>
#include <stdint.h>

#define IBSH_CRITIC_MAXHIDDEN 8

typedef enum ibsh_bound {
  IBSH_BOUND_INFONCE = 0,   /* mean_i [S_ii - log mean_j exp S_ij], at most log(batch) */
  IBSH_BOUND_NWJ,           /* mean S_ii - mean_{i != j} exp(S_ij - 1) */
  IBSH_BOUND_MINE,          /* mean S_ii - log mean_{i != j} exp S_ij, moving-average gradient */
  IBSH_BOUND_SMILE,         /* as MINE with S_ij clipped to [-tau, tau] off the diagonal; trained by the JS bound */
  IBSH_BOUND_COUNT
} ibsh_bound;

/* Options of ibsh_mi_neural (ibsh_neural_defaults fills them). */
typedef struct ibsh_neural_opts {
  int bound;                               /* ibsh_bound */
  int joint;                               /* 0: separable f = g(x).h(y); 1: joint f = net([x, y]) */
  int nhidden;                             /* hidden layers of each network (0..IBSH_CRITIC_MAXHIDDEN) */
  size_t hidden[IBSH_CRITIC_MAXHIDDEN];    /* their widths */
  size_t embed;                            /* separable: width of g(x) and h(y) */
  int act;                                 /* hidden activation (ibsh_act) */
  long epochs;                             /* passes over the training rows */
  size_t batch;                            /* rows per batch (pairs: batch^2) */
  double lr;                               /* Adam step size */
  double decay;                            /* decoupled weight decay (AdamW): p -= lr decay p after each step */
  double test;                             /* fraction of rows held out for the reported value */
  double valid;                            /* fraction of the training rows that picks the epoch kept (0: last) */
  long patience;                           /* stop after this many epochs without a better validation bound (0: never) */
  double tau;                              /* SMILE clip */
  double ma_rate;                          /* MINE moving-average rate */
  int rank;                                /* rank-Gaussianise every column first (else z-score) */
  uint64_t seed;                           /* split, initial weights, batch order */
} ibsh_neural_opts;

/* What one estimate did, besides its value. */
typedef struct ibsh_neural_info {
  double train_mi;     /* the bound on the fitting rows (nats): above the held-out value when the critic over-fits */
  double valid_mi;     /* the best validation bound (nats; NaN without validation rows) */
  long epochs;         /* epochs trained */
  long best_epoch;     /* 1-based epoch whose weights were kept (the last one without validation rows) */
} ibsh_neural_info;

/* The bound called name ("infonce", "nwj", "mine", "smile") or -1. */
int ibsh_bound_from_name(const char *name);

/* Default options for bound (see doc/mi.md for how they were chosen). */
void ibsh_neural_defaults(ibsh_neural_opts *o, int bound);

/* I(X;Y) in nats from n rows of x (n x dx) and y (n x dy): the bound o->bound of a critic trained on a seeded
   (1 - test) share of the rows (of which the share valid picks the epoch kept), evaluated on the other rows in
   batches of at most o->batch rows; info (may be NULL) gets the training details. Same options and seed, same
   bits. */
int ibsh_mi_neural(const double *x, size_t dx, const double *y, size_t dy, size_t n, const ibsh_neural_opts *o,
                   double *mi, ibsh_neural_info *info);

#endif
