/*
** Information Bottleneck solvers for discrete and Gaussian joint distributions.
** Internally everything is in nats; curves store bits (the public unit).
** Encoders are stored cluster-major (|T| x |X|, row t = p(t|x) over x), the layout
** the hot update loop streams through.
*/
#ifndef IBSH_IB_H
#define IBSH_IB_H

#include <stddef.h>
#include <stdint.h>

/* A validated discrete problem: p(x), p(y|x), optionally with x's of equal p(y|x) merged. */
typedef struct ibsh_ib_problem {
  size_t nx, ny;        /* sizes after the optional reduction */
  size_t nx_orig;       /* rows of the joint given by the user */
  size_t *xmap;         /* nx_orig: original x -> reduced symbol */
  double *px;           /* nx */
  double *pyx;          /* nx x ny, row x = p(y|x) */
  double *pxyT;         /* ny x nx: p(x, y) transposed, for streaming over x */
  double *pyxT;         /* ny x nx: p(y|x) transposed */
  double *nhyx;         /* nx: sum_y p(y|x) ln p(y|x) (= -H(Y|X=x)) */
  double *py;           /* ny */
  double *statm;        /* nx x (ny+1): [p(x), p(x,y)], so stats are one matrix product */
  double hx, hx_orig, hy, ixy;  /* nats: H(X'), H(X), H(Y), I(X;Y) */
} ibsh_ib_problem;

/* Check a joint p(x,y) (nx x ny, row-major) and build the problem; reduce merges x's with equal p(y|x). */
int ibsh_ib_problem_init(ibsh_ib_problem *p, const double *pxy, size_t nx, size_t ny, int reduce);

/* Free a problem's arrays. */
void ibsh_ib_problem_free(ibsh_ib_problem *p);

/* Solver state: an encoder with its cluster statistics. */
typedef struct ibsh_ib_state {
  size_t nt, cap, nx, ny;
  double *q;        /* cap x nx: p(t|x), row-major by cluster */
  double *pt;       /* cap */
  double *pyt;      /* cap x ny */
  double *lpyt;     /* cap x ny: ln p(y|t) (-inf where 0) */
  double *work;     /* nx scratch: column maxima */
  double *work2;    /* nx scratch: column sums */
  double *work3;    /* nx scratch: sums of e * d for H(T|X) */
  double *work4;    /* nx scratch for the row kernels */
  double *acc;      /* cap x (ny+1) scratch: [p(t), p(t,y)] */
  size_t *order;    /* cap scratch for merging */
  unsigned char *gone;  /* cap scratch: cluster absorbed or dropped */
  double hcond;     /* H(T|X) in nats of the current encoder, NaN when unknown */
  int q_valid;      /* q holds the encoder (streaming updates keep only the statistics) */
} ibsh_ib_state;

/* Allocate a state for up to cap clusters. */
int ibsh_ib_state_init(ibsh_ib_state *s, const ibsh_ib_problem *p, size_t cap);

/* Free a state. */
void ibsh_ib_state_free(ibsh_ib_state *s);

/* Copy src into dst (same problem; dst capacity must suffice). */
void ibsh_ib_state_copy(ibsh_ib_state *dst, const ibsh_ib_state *src);

/* Recompute p(t), p(y|t), ln p(y|t) from the encoder. */
void ibsh_ib_stats(const ibsh_ib_problem *p, ibsh_ib_state *s);

/* One self-consistent update of the encoder at beta, alpha (0 = hard DIB step); stats must be current. */
void ibsh_ib_update(const ibsh_ib_problem *p, ibsh_ib_state *s, double beta, double alpha);

/* The update without storing the encoder (alpha > 0): only p(t), p(y|t) and H(T|X) change; buf holds cap x block. */
void ibsh_ib_update_streaming(const ibsh_ib_problem *p, ibsh_ib_state *s, double beta, double alpha, double *buf, size_t block);

/* Drop clusters with p(t) <= ptol and merge clusters whose p(y|t) agree within tol; returns merges done. */
size_t ibsh_ib_merge(const ibsh_ib_problem *p, ibsh_ib_state *s, double tol, double ptol);

/* Information of the current state in nats: I(X;T), I(T;Y), H(T) (stats must be current). */
void ibsh_ib_info(const ibsh_ib_problem *p, const ibsh_ib_state *s, double *ixt, double *ity, double *ht);

/* Solver options. */
typedef struct ibsh_ib_opts {
  double alpha;            /* 1 = IB, 0 = deterministic IB, in between the generalised IB */
  const double *betas;     /* fixed schedule (solved in the given order) or NULL */
  size_t nbetas;
  double beta_min, beta_max;  /* automatic grid (0 = from beta0) */
  size_t npoints;          /* automatic grid size */
  int iterations;          /* iterations per beta (fixed schedule: exactly this many unless converged) */
  double tol;              /* convergence: max change of p(t) and p(y|t) */
  int init;                /* IBSH_IB_INIT_* */
  int direction;           /* IBSH_IB_FORWARD / IBSH_IB_REVERSE */
  int reduce;              /* merge x's with equal p(y|x) */
  int merge;               /* merge duplicate clusters */
  double merge_tol;        /* clusters with p(y|t) closer than this are duplicates */
  int split;               /* split clusters (forward annealing) */
  double perturb;          /* relative size of the split perturbation */
  int restarts;            /* extra random starts per beta; the lowest Lagrangian wins */
  size_t max_clusters;     /* 0 = automatic */
  int encoders;            /* keep the encoder of every point */
  double refine;           /* automatic grid: refine steps until the chord is within this many bits of the curve */
  size_t max_points;       /* cap on solved points when refining */
  int agglomerative;       /* add the agglomerative hierarchy's points (-1 = automatic: |X'| <= 1024) */
  uint64_t seed;
  struct ibsh_progress *progress;   /* optional: told the number of betas and each one solved (progress.h) */
} ibsh_ib_opts;

enum { IBSH_IB_INIT_AUTO, IBSH_IB_INIT_IDENTITY, IBSH_IB_INIT_TRIVIAL, IBSH_IB_INIT_RANDOM };
enum { IBSH_IB_FORWARD, IBSH_IB_REVERSE };

/* Fill opts with the defaults. */
void ibsh_ib_opts_default(ibsh_ib_opts *o);

/* A traced curve: raw points plus its monotone concave upper envelope, in bits. */
typedef struct ibsh_ib_curve {
  size_t n, cap;
  double *beta, *ixt, *ity, *ht;   /* raw points, in solve order (bits) */
  double **enc;                    /* optional encoders (nt x nx reduced) per point */
  size_t *enc_nt;
  size_t nenv;
  size_t *env;                     /* indices of the envelope points, by increasing I(X;T) */
  double beta0;                    /* trivial-solution threshold (NaN if unknown) */
  double hx, hy, ixy;              /* bits */
  int kind;                        /* IBSH_IB_DISCRETE, IBSH_IB_GAUSSIAN, IBSH_IB_AGGLOMERATIVE */
  int fixed;                       /* solved on a user's schedule: points() lists every solved beta */
  size_t nx_orig, nx;              /* for encoders */
  size_t *xmap;
  size_t ncrit;
  double *crit;                    /* Gaussian: critical betas; Gaussian: eigenvalues in lambda */
  double *lambda;
} ibsh_ib_curve;

enum { IBSH_IB_DISCRETE, IBSH_IB_GAUSSIAN, IBSH_IB_AGGLOMERATIVE };

/* Initialise an empty curve. */
void ibsh_ib_curve_init(ibsh_ib_curve *c, int kind);

/* Free a curve. */
void ibsh_ib_curve_free(ibsh_ib_curve *c);

/* Append a point (bits); enc (nt x nx) is copied when not NULL. */
int ibsh_ib_curve_add(ibsh_ib_curve *c, double beta, double ixt, double ity, double ht, const double *enc, size_t nt, size_t nx);

/* Compute the monotone concave upper envelope of the points. */
int ibsh_ib_curve_envelope(ibsh_ib_curve *c);

/* I(T;Y) on the envelope at ixt (bits): linear between vertices, flat beyond the last. */
double ibsh_ib_curve_at(const ibsh_ib_curve *c, double ixt);

/* Trace the IB curve of the joint pxy (nx x ny). */
int ibsh_ib_curve_solve(ibsh_ib_curve *c, const double *pxy, size_t nx, size_t ny, const ibsh_ib_opts *o);

/* beta0 = 1/rho_m^2 from the second singular value of p(x,y)/sqrt(p(x)p(y)); +inf when rho_m = 0. */
int ibsh_ib_beta0(const ibsh_ib_problem *p, double *beta0);

/* Eigen-decomposition of a symmetric n x n matrix a (destroyed) by cyclic Jacobi: eigenvalues ascending in w, eigenvectors in columns of v (may be NULL). */
int ibsh_ib_jacobi(double *a, size_t n, double *w, double *v);

/* Cholesky factor of a symmetric positive definite n x n matrix: a = L L^T, L lower in place. */
int ibsh_ib_cholesky(double *a, size_t n);

/* Gaussian IB closed form (Chechik et al. 2005): the curve on a grid of npoints betas plus the critical betas. */
int ibsh_ib_gaussian(ibsh_ib_curve *c, const double *cov_x, const double *cov_xy, const double *cov_y, size_t dx, size_t dy, size_t npoints, double beta_max);

/* Gaussian curve at a beta (nats). */
void ibsh_ib_gaussian_point(const ibsh_ib_curve *c, double beta, double *ixt, double *ity);

/* Agglomerative IB (Slonim & Tishby): one point per number of clusters, from |X'| down to 1. */
int ibsh_ib_agglomerative(ibsh_ib_curve *c, const double *pxy, size_t nx, size_t ny, int reduce);

/* Self-consistency of an observed encoder (nx x nt, rows p(t|x)): residual at the fitted (or given, if beta > 0) beta. */
int ibsh_ib_consistency(const double *enc, size_t nt, const double *pxy, size_t nx, size_t ny, double beta_given, double *beta, double *residual, double *logres);

#endif
