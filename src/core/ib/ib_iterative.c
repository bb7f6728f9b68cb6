/*
** The iterative IB update (Tishby, Pereira & Bialek 1999), generalised by alpha
** (Strouse & Schwab 2017), in log space:
**   ln q(t|x) = [ln p(t) + beta sum_y p(y|x) ln p(y|t)] / alpha - ln Z(x)
** (the term -beta sum_y p(y|x) ln p(y|x) of -beta D_KL is constant in t and cancels).
** The encoder is cluster-major so every pass streams rows of length |X|.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include <cblas.h>
#include "ibsh/ib.h"
#include "ib_kernels.h"
#include "ibsh/parallel.h"

#define STREAM_TASKS 8                      /* column ranges of the streaming update (fixed: bits do not depend on threads) */
#define STREAM_PARALLEL_MIN ((size_t)1 << 16) /* encoder entries below which one thread does it all */

/* Allocate a state for up to cap clusters. */
int ibsh_ib_state_init(ibsh_ib_state *s, const ibsh_ib_problem *p, size_t cap) {
  memset(s, 0, sizeof *s);
  if (cap == 0) cap = 1;
  if (cap > ((size_t)1 << 34) / (p->nx ? p->nx : 1))
    return ibsh_fail(IBSH_ENOMEM, "encoder of %zu x %zu entries is too large", cap, p->nx);
  s->cap = cap; s->nx = p->nx; s->ny = p->ny;
  s->q = calloc(cap * p->nx, sizeof *s->q);
  s->pt = calloc(cap, sizeof *s->pt);
  s->pyt = calloc(cap * p->ny, sizeof *s->pyt);
  s->lpyt = calloc(cap * p->ny, sizeof *s->lpyt);
  s->work = calloc(p->nx, sizeof *s->work);
  s->work2 = calloc(p->nx, sizeof *s->work2);
  s->order = calloc(cap, sizeof *s->order);
  s->gone = calloc(cap, 1);
  s->work3 = calloc(p->nx, sizeof *s->work3);
  s->work4 = calloc(p->nx, sizeof *s->work4);
  s->acc = calloc(cap * (p->ny + 1), sizeof *s->acc);
  if (!s->work3 || !s->work4 || !s->acc || !s->q || !s->pt || !s->pyt || !s->lpyt || !s->work || !s->work2 || !s->order || !s->gone) {
    ibsh_ib_state_free(s);
    return ibsh_fail(IBSH_ENOMEM, "out of memory for an encoder of %zu x %zu", cap, p->nx);
  }
  s->hcond = NAN;
  s->q_valid = 0;
  return IBSH_OK;
}

/* Free a state. */
void ibsh_ib_state_free(ibsh_ib_state *s) {
  free(s->q); free(s->pt); free(s->pyt); free(s->lpyt); free(s->work); free(s->work2); free(s->order); free(s->gone); free(s->work3); free(s->work4); free(s->acc);
  memset(s, 0, sizeof *s);
}

/* Copy src into dst (same problem; dst capacity must suffice). */
void ibsh_ib_state_copy(ibsh_ib_state *dst, const ibsh_ib_state *src) {
  dst->nt = src->nt;
  dst->hcond = src->hcond;
  dst->q_valid = src->q_valid;
  memcpy(dst->q, src->q, src->nt * src->nx * sizeof(double));
  memcpy(dst->pt, src->pt, src->nt * sizeof(double));
  memcpy(dst->pyt, src->pyt, src->nt * src->ny * sizeof(double));
  memcpy(dst->lpyt, src->lpyt, src->nt * src->ny * sizeof(double));
}

/* Finish cluster t's statistics: divide the accumulated p(x,y|t) mass by p(t) and take logs. */
static void finish_cluster(ibsh_ib_state *s, size_t t) {
  size_t ny = s->ny;
  double pt = s->pt[t];
  for (size_t y = 0; y < ny; y++) {
    double v = pt > 0 ? s->pyt[t * ny + y] / pt : 0;
    s->pyt[t * ny + y] = v;
    s->lpyt[t * ny + y] = v > 0 ? log(v) : -INFINITY;
  }
}

/* Turn the accumulated [p(t), p(t,y)] rows in s->acc into p(t), p(y|t), ln p(y|t) of every cluster. */
static void finish_all(const ibsh_ib_problem *p, ibsh_ib_state *s) {
  size_t ny = p->ny, nt = s->nt;
  for (size_t t = 0; t < nt; t++) {
    const double *a = s->acc + t * (ny + 1);
    s->pt[t] = a[0] > 0 ? a[0] : 0;
    for (size_t y = 0; y < ny; y++) s->pyt[t * ny + y] = a[1 + y] > 0 ? a[1 + y] : 0;
    finish_cluster(s, t);
  }
}

/* p(t) and p(t,y) of every cluster as one product Q (nt x nx) * [p(x), p(x,y)] (nx x (ny+1)), then finish. */
static void accumulate_stats(const ibsh_ib_problem *p, ibsh_ib_state *s) {
  size_t nx = p->nx, ny = p->ny, nt = s->nt;
  if (nt == 0) return;
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nt, (int)(ny + 1), (int)nx, 1.0, s->q, (int)nx,
              p->statm, (int)(ny + 1), 0.0, s->acc, (int)(ny + 1));
  finish_all(p, s);
}


/* Recompute p(t), p(y|t), ln p(y|t) from the encoder. */
void ibsh_ib_stats(const ibsh_ib_problem *p, ibsh_ib_state *s) {
  accumulate_stats(p, s);
  s->hcond = NAN;
  s->q_valid = 1;
}

/* The identity encoder's statistics: cluster t is input x = t, so [p(t), p(t,y)] is row x of [p(x), p(x,y)]. */
void ibsh_ib_stats_identity(const ibsh_ib_problem *p, ibsh_ib_state *s) {
  s->nt = p->nx;
  memcpy(s->acc, p->statm, p->nx * (p->ny + 1) * sizeof *s->acc);
  finish_all(p, s);
  s->hcond = NAN;
  s->q_valid = 0;
}

/* Per-cluster coefficients of the scores: acc[t] = {ln p(t) / alpha, beta ln p(y|t) / alpha ...}; dead clusters get NaN. */
static void score_coefficients(const ibsh_ib_problem *p, ibsh_ib_state *s, double beta, double scale) {
  size_t ny = p->ny;
  for (size_t t = 0; t < s->nt; t++) {
    double *a = s->acc + t * (ny + 1);
    if (!(s->pt[t] > 0)) { a[0] = NAN; continue; }
    a[0] = log(s->pt[t]) * scale;
    /* ln 0 becomes a huge finite penalty so 0 * ln 0 stays 0 where p(y|x) = 0 (the guard of log 0). */
    for (size_t y = 0; y < ny; y++) {
      double l = s->lpyt[t * ny + y];
      a[1 + y] = isfinite(l) ? beta * l * scale : -1e290;
    }
  }
}

/* Scores of the columns [x0, x0+n) for every cluster: a[t][x] into q, column maxima in work. */
static void block_scores(const ibsh_ib_problem *p, ibsh_ib_state *s, size_t x0, size_t n) {
  size_t nx = p->nx, ny = p->ny;
  double *colmax = s->work + x0;
  for (size_t x = 0; x < n; x++) colmax[x] = -INFINITY;
  for (size_t t = 0; t < s->nt; t++) {
    double *row = s->q + t * nx + x0;
    const double *a = s->acc + t * (ny + 1);
    if (isnan(a[0])) { for (size_t x = 0; x < n; x++) row[x] = -INFINITY; continue; }
    ibsh_ib_row_scores(row, n, a[0], a + 1, p->pyxT + x0, nx, ny, colmax);
  }
}

/* One self-consistent update of the encoder at beta, alpha (0 = hard DIB step); stats must be current.
   Columns are processed in blocks that stay in cache through scores, exponentials and normalisation. */
void ibsh_ib_update(const ibsh_ib_problem *p, ibsh_ib_state *s, double beta, double alpha) {
  size_t nx = p->nx;
  int hard = !(alpha > 0);
  score_coefficients(p, s, beta, hard ? 1.0 : 1.0 / alpha);
  size_t block = s->nt ? 16384 / s->nt : nx;   /* about 128 KiB of encoder per block */
  block = (block + 7) / 8 * 8;
  if (block < 64) block = 64;
  if (block > nx || s->nt > 256) block = nx;  /* many clusters: stream whole rows instead */
  double hcond = 0;
  for (size_t x0 = 0; x0 < nx; x0 += block) {
    size_t n = nx - x0 < block ? nx - x0 : block;
    block_scores(p, s, x0, n);
    double *colmax = s->work + x0, *colsum = s->work2 + x0, *ed = s->work3 + x0;
    if (hard) {
      /* DIB: each x goes to its best cluster (the first one on ties). */
      for (size_t x = 0; x < n; x++) colsum[x] = 0;
      for (size_t t = 0; t < s->nt; t++) {
        double *row = s->q + t * nx + x0;
        for (size_t x = 0; x < n; x++) {
          double v = (colsum[x] == 0 && row[x] == colmax[x]) ? 1.0 : 0.0;
          colsum[x] += v;
          row[x] = v;
        }
      }
      continue;
    }
    /* Exponentiate relative to the column maximum; sums, and sums of e*d for H(T|X); normalise. */
    memset(colsum, 0, n * sizeof *colsum);
    memset(ed, 0, n * sizeof *ed);
    for (size_t t = 0; t < s->nt; t++) ibsh_ib_row_exp(s->q + t * nx + x0, n, colmax, colsum, ed, s->work4);
    for (size_t x = 0; x < n; x++) {
      double S = colsum[x];
      hcond -= p->px[x0 + x] * (ed[x] / S - log(S));
      colsum[x] = 1.0 / S;
    }
    for (size_t t = 0; t < s->nt; t++) ibsh_ib_row_scale(s->q + t * nx + x0, n, colsum);
  }
  accumulate_stats(p, s);
  s->hcond = hard ? 0.0 : hcond;
  s->q_valid = 1;
}

/* Work of the streaming update shared by its tasks: each task owns a fixed range of column blocks, a
   scratch encoder block per worker, and its own partial p(t), p(t,y) and H(T|X), which are added in task
   order afterwards, so the result does not depend on the number of threads. */
typedef struct stream_ctx {
  const ibsh_ib_problem *p;
  ibsh_ib_state *s;
  const double *coef;   /* nt x (ny + 1) score coefficients */
  size_t block, blocks_per_task;
  double **buf;         /* per worker: nt x block */
  double *acc;          /* per task: nt x (ny + 1) */
  double *hcond;        /* per task */
} stream_ctx;

/* One task of the streaming update: its column blocks, scored, exponentiated, normalised and accumulated. */
static void stream_task(void *ctxp, size_t task, int worker) {
  stream_ctx *c = ctxp;
  const ibsh_ib_problem *p = c->p;
  ibsh_ib_state *s = c->s;
  size_t nx = p->nx, ny = p->ny, nt = s->nt, block = c->block;
  double *buf = c->buf[worker], *acc = c->acc + task * nt * (ny + 1), hcond = 0;
  size_t first = task * c->blocks_per_task * block, last = first + c->blocks_per_task * block;
  if (last > nx) last = nx;
  for (size_t x0 = first; x0 < last; x0 += block) {
    size_t n = last - x0 < block ? last - x0 : block;
    double *colmax = s->work + x0, *colsum = s->work2 + x0, *ed = s->work3 + x0;
    /* Two passes over the scores (cheap: a few products per entry): their column maxima, then the
       exponentials with their sums; the block of p(t|x) is then read once for the statistics. */
    ibsh_ib_block_colmax(c->coef, nt, ny, p->pyxT + x0, nx, n, colmax);
    ibsh_ib_block_exp(c->coef, nt, ny, p->pyxT + x0, nx, n, colmax, buf, block, colsum, ed);
    for (size_t x = 0; x < n; x++) {
      double S = colsum[x];
      hcond -= p->px[x0 + x] * (ed[x] / S - log(S));
      colsum[x] = 1.0 / S;
    }
    ibsh_ib_block_mass(buf, block, nt, n, colsum, p->px + x0, p->pxyT + x0, nx, ny, acc);
  }
  c->hcond[task] = hcond;
}

/* One task of the streaming update for joints wider than the block kernels take: the row kernels and a
   matrix product per column block. */
static void stream_task_wide(void *ctxp, size_t task, int worker) {
  stream_ctx *c = ctxp;
  const ibsh_ib_problem *p = c->p;
  ibsh_ib_state *s = c->s;
  size_t nx = p->nx, ny = p->ny, nt = s->nt, block = c->block;
  double *buf = c->buf[worker], *acc = c->acc + task * nt * (ny + 1), hcond = 0;
  size_t first = task * c->blocks_per_task * block, last = first + c->blocks_per_task * block;
  if (last > nx) last = nx;
  for (size_t x0 = first; x0 < last; x0 += block) {
    size_t n = last - x0 < block ? last - x0 : block;
    double *colmax = s->work + x0, *colsum = s->work2 + x0, *ed = s->work3 + x0, *tmp = s->work4 + x0;
    for (size_t x = 0; x < n; x++) colmax[x] = -INFINITY;
    for (size_t t = 0; t < nt; t++) {
      double *row = buf + t * block;
      const double *a = c->coef + t * (ny + 1);
      if (isnan(a[0])) { for (size_t x = 0; x < n; x++) row[x] = -INFINITY; continue; }
      ibsh_ib_row_scores(row, n, a[0], a + 1, p->pyxT + x0, nx, ny, colmax);
    }
    memset(colsum, 0, n * sizeof *colsum);
    memset(ed, 0, n * sizeof *ed);
    for (size_t t = 0; t < nt; t++) ibsh_ib_row_exp(buf + t * block, n, colmax, colsum, ed, tmp);
    for (size_t x = 0; x < n; x++) {
      double S = colsum[x];
      hcond -= p->px[x0 + x] * (ed[x] / S - log(S));
      colsum[x] = 1.0 / S;
    }
    for (size_t t = 0; t < nt; t++) ibsh_ib_row_scale(buf + t * block, n, colsum);
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)nt, (int)(ny + 1), (int)n, 1.0, buf, (int)block,
                p->statm + x0 * (ny + 1), (int)(ny + 1), 1.0, acc, (int)(ny + 1));
  }
  c->hcond[task] = hcond;
}

/* The update without storing the encoder: column blocks of p(t|x) live in scratch (nt x block per worker)
   only long enough to add their mass to p(t) and p(t,y) (the next update needs nothing else). alpha > 0.
   Runs on ibsh_threads() threads over a fixed list of tasks (same bits for any thread count); buf
   (cap x block, the caller's) serves worker 0. */
void ibsh_ib_update_streaming(const ibsh_ib_problem *p, ibsh_ib_state *s, double beta, double alpha, double *buf, size_t block) {
  size_t nx = p->nx, ny = p->ny, nt = s->nt;
  size_t nblocks = (nx + block - 1) / block, per = (nblocks + STREAM_TASKS - 1) / STREAM_TASKS;
  size_t ntasks = (nblocks + per - 1) / per;
  int nworkers = ibsh_threads();
  if ((size_t)nworkers > ntasks) nworkers = (int)ntasks;
  if (nt * nx < STREAM_PARALLEL_MIN) nworkers = 1;   /* small problems: threads cost more than they save */
  score_coefficients(p, s, beta, 1.0 / alpha);
  /* score_coefficients keeps its numbers in acc: move them out before acc collects the new statistics. */
  stream_ctx c = {p, s, NULL, block, per, NULL, NULL, NULL};
  double *coef = malloc(nt * (ny + 1) * sizeof *coef);
  c.acc = calloc(ntasks * nt * (ny + 1), sizeof *c.acc);
  c.hcond = calloc(ntasks, sizeof *c.hcond);
  c.buf = calloc((size_t)nworkers, sizeof *c.buf);
  int ok = coef && c.acc && c.hcond && c.buf;
  for (int w = 1; ok && w < nworkers; w++) ok = (c.buf[w] = malloc(nt * block * sizeof(double))) != NULL;
  if (!ok) {
    if (c.buf) for (int w = 1; w < nworkers; w++) free(c.buf[w]);
    free(coef); free(c.acc); free(c.hcond); free(c.buf);
    ibsh_ib_update(p, s, beta, alpha);
    return;
  }
  c.buf[0] = buf;
  memcpy(coef, s->acc, nt * (ny + 1) * sizeof *coef);
  c.coef = coef;
  int kernels = ny <= IBSH_IB_BLOCK_MAX_NY && block <= IBSH_IB_BLOCK_MAX && block % 8 == 0;   /* else the row kernels */
  if (kernels) {
    (void)ibsh_parallel_run(ntasks, nworkers, stream_task, &c);   /* no BLAS: its thread count stays as it is */
  } else {
    int blas = ibsh_blas_threads(1);   /* the blocks' small products: BLAS threads would only spin beside ours */
    (void)ibsh_parallel_run(ntasks, nworkers, stream_task_wide, &c);
    ibsh_blas_threads(blas);
  }
  double *acc = s->acc, hcond = 0;
  memcpy(acc, c.acc, nt * (ny + 1) * sizeof *acc);
  for (size_t task = 1; task < ntasks; task++) {
    const double *part = c.acc + task * nt * (ny + 1);
    for (size_t i = 0; i < nt * (ny + 1); i++) acc[i] += part[i];
  }
  for (size_t task = 0; task < ntasks; task++) hcond += c.hcond[task];
  for (int w = 1; w < nworkers; w++) free(c.buf[w]);
  free(coef); free(c.acc); free(c.hcond); free(c.buf);
  finish_all(p, s);
  s->hcond = hcond;
  s->q_valid = 0;
}

/* Information of the current state in nats: I(X;T), I(T;Y), H(T) (stats must be current). */
void ibsh_ib_info(const ibsh_ib_problem *p, const ibsh_ib_state *s, double *ixt, double *ity, double *ht) {
  size_t nx = p->nx, ny = p->ny;
  double h = 0, iy = 0;
  for (size_t t = 0; t < s->nt; t++) {
    double pt = s->pt[t];
    if (!(pt > 0)) continue;
    h -= pt * log(pt);
    for (size_t y = 0; y < ny; y++) {
      double v = s->pyt[t * ny + y];
      if (v > 0) iy += pt * v * (s->lpyt[t * ny + y] - log(p->py[y]));
    }
  }
  double hc = s->hcond;
  if (isnan(hc)) {
    hc = 0;
    for (size_t t = 0; t < s->nt; t++) {
      const double *row = s->q + t * nx;
      for (size_t x = 0; x < nx; x++) if (row[x] > 0) hc -= p->px[x] * row[x] * log(row[x]);
    }
  }
  double ix = h - hc;
  if (ix < 0) ix = 0;
  if (iy < 0) iy = 0;
  if (iy > ix) iy = ix < p->ixy ? ix : p->ixy;  /* data processing; only trims rounding */
  *ixt = ix; *ity = iy; *ht = h;
}

static _Thread_local const ibsh_ib_state *merge_state;

/* Order clusters lexicographically by p(y|t). */
static int cmp_clusters(const void *a, const void *b) {
  size_t i = *(const size_t *)a, j = *(const size_t *)b, ny = merge_state->ny;
  const double *ri = merge_state->pyt + i * ny, *rj = merge_state->pyt + j * ny;
  for (size_t k = 0; k < ny; k++) {
    if (ri[k] < rj[k]) return -1;
    if (ri[k] > rj[k]) return 1;
  }
  return (i > j) - (i < j);
}

/* Drop clusters with p(t) <= ptol and merge clusters whose p(y|t) agree within tol; returns merges done. */
size_t ibsh_ib_merge(const ibsh_ib_problem *p, ibsh_ib_state *s, double tol, double ptol) {
  size_t nx = p->nx, ny = p->ny, nt = s->nt, done = 0;
  size_t *ord = s->order;
  size_t m = 0;
  int dropped = 0;
  for (size_t t = 0; t < nt; t++) {
    if (s->pt[t] > ptol) ord[m++] = t;
    else { dropped = 1; done++; }
  }
  if (m == 0) return 0;  /* never drop everything */
  if (!s->q_valid && dropped && ptol > 0) return 0;  /* without the encoder only empty clusters drop exactly */
  double hc_shift = 0;
  unsigned char *gone = s->gone;
  for (size_t t = 0; t < nt; t++) gone[t] = !(s->pt[t] > ptol);
  merge_state = s;
  qsort(ord, m, sizeof *ord, cmp_clusters);
  for (size_t i = 0; i < m; i++) {
    size_t a = ord[i];
    if (gone[a]) continue;
    for (size_t j = i + 1; j < m; j++) {
      size_t b = ord[j];
      if (s->pyt[b * ny] - s->pyt[a * ny] > tol) break;
      if (gone[b]) continue;
      double dmax = 0;
      for (size_t y = 0; y < ny; y++) {
        double d = fabs(s->pyt[a * ny + y] - s->pyt[b * ny + y]);
        if (d > dmax) dmax = d;
      }
      if (dmax > tol) continue;
      /* Merge b into a. */
      double pa = s->pt[a], pb = s->pt[b];
      if (s->q_valid) {
        double *ra = s->q + a * nx, *rb = s->q + b * nx;
        for (size_t x = 0; x < nx; x++) ra[x] += rb[x];
      } else if (pa > 0 && pb > 0) {
        /* Proportional rows: H(T|X) loses the split of the merged cluster, p h(pa/p). */
        hc_shift += pa * log(pa / (pa + pb)) + pb * log(pb / (pa + pb));
      }
      for (size_t y = 0; y < ny; y++) s->pyt[a * ny + y] = (pa * s->pyt[a * ny + y] + pb * s->pyt[b * ny + y]) / (pa + pb);
      s->pt[a] = pa + pb;
      gone[b] = 1;
      done++;
    }
  }
  if (done == 0) return 0;
  /* Compact the kept clusters in their original order. */
  size_t k = 0;
  for (size_t t = 0; t < nt; t++) {
    if (gone[t]) continue;
    if (k != t) {
      if (s->q_valid) memmove(s->q + k * nx, s->q + t * nx, nx * sizeof(double));
      s->pt[k] = s->pt[t];
      memcpy(s->pyt + k * ny, s->pyt + t * ny, ny * sizeof(double));
    }
    k++;
  }
  s->nt = k;
  for (size_t t = 0; t < k; t++)
    for (size_t y = 0; y < ny; y++) {
      double v = s->pyt[t * ny + y];
      s->lpyt[t * ny + y] = v > 0 ? log(v) : -INFINITY;
    }
  if (dropped && s->q_valid) {
    /* Renormalise the columns after dropping mass, then refresh the stats. */
    for (size_t x = 0; x < nx; x++) s->work[x] = 0;
    for (size_t t = 0; t < k; t++) for (size_t x = 0; x < nx; x++) s->work[x] += s->q[t * nx + x];
    for (size_t t = 0; t < k; t++) for (size_t x = 0; x < nx; x++) if (s->work[x] > 0) s->q[t * nx + x] /= s->work[x];
    ibsh_ib_stats(p, s);
  }
  s->hcond = s->q_valid ? NAN : s->hcond + hc_shift;
  return done;
}
