/*
** Lua binding of training: net:fit(train, opts) checks the data and options,
** builds the snapshot schedule, runs the C training loop with SIGINT/SIGTERM
** turned into the interrupt flag, prints progress on a terminal, and saves or
** resumes run directories.
*/
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/sweep.h"
#include "lnn.h"
#include "lprogress.h"

#define FNAME "Net:fit"

/* A data set converted for the core: the views point into userdata kept on the Lua stack. */
typedef struct fit_data {
  ibsh_data_view view;
} fit_data;

/* Read dataset table at idx ({x = n x d tensor, y = labels or n x K targets}) into d; pushes 4 values that keep
   the arrays alive. */
static void read_dataset(lua_State *L, int idx, const ibsh_arch *a, const char *what, fit_data *d) {
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx)) lx_error(L, FNAME, "%s must be a dataset table {x = tensor, y = tensor}, got %s", what, luaL_typename(L, idx));
  size_t d0 = a->width[0], K = a->width[a->nlayers];
  char buf[128];
  lua_getfield(L, idx, "x");
  if (!lx_testtensor(L, -1)) lx_error(L, FNAME, "%s.x must be a tensor, got %s", what, luaL_typename(L, -1));
  ibsh_tensor *x = lx_checkcontiguous(L, -1, FNAME);
  if (x->ndim != 2 || x->shape[1] != d0)
    lx_error(L, FNAME, "%s.x must be an n x %zu tensor for this network, got %s", what, d0, ibsh_tensor_shape_str(x, buf, sizeof buf));
  size_t n = x->shape[0];
  const double *xd = ibsh_tensor_data(x);
  for (size_t i = 0; i < n * d0; i++)
    if (!isfinite(xd[i])) lx_error(L, FNAME, "%s.x has a non-finite value at row %zu", what, i / d0 + 1);
  lua_getfield(L, idx, "y");
  if (!lx_testtensor(L, -1)) lx_error(L, FNAME, "%s.y must be a tensor, got %s", what, luaL_typename(L, -1));
  ibsh_tensor *y = lx_checkcontiguous(L, -1, FNAME);
  const double *yd = ibsh_tensor_data(y);
  int targets = y->ndim == 2 && !(y->shape[1] == 1 && K > 1);  /* an n x 1 column of labels counts as labels */
  int labels_ok = (y->ndim == 1 || (y->ndim == 2 && !targets)) && y->shape[0] == n;
  if (!(labels_ok || (targets && y->shape[0] == n && y->shape[1] == K)))
    lx_error(L, FNAME, "%s.y must hold %zu labels (or be %zu x %zu targets), got %s", what, n, n, K, ibsh_tensor_shape_str(y, buf, sizeof buf));
  double *t = (double *)lua_newuserdatauv(L, (n * K + 1) * sizeof(double), 0);
  int32_t *lab = (int32_t *)lua_newuserdatauv(L, (n + 1) * sizeof(int32_t), 0);
  for (size_t i = 0; i < n; i++) {
    double *ti = t + i * K;
    if (targets) {
      size_t best = 0;
      for (size_t j = 0; j < K; j++) {
        ti[j] = yd[i * K + j];
        if (!isfinite(ti[j])) lx_error(L, FNAME, "%s.y has a non-finite value at row %zu", what, i + 1);
        if (ti[j] > ti[best]) best = j;
      }
      lab[i] = K == 1 ? (ti[0] >= 0.5) : (int32_t)best;
      continue;
    }
    double v = yd[i];
    size_t classes = K == 1 ? 2 : K;
    if (!(v >= 0 && v < (double)classes && v == floor(v)))
      lx_error(L, FNAME, "%s.y[%zu] = %g is not a class label in 0..%zu (the output layer has %zu units)", what, i + 1, v, classes - 1, K);
    lab[i] = (int32_t)v;
    if (K == 1) ti[0] = v;
    else for (size_t j = 0; j < K; j++) ti[j] = j == (size_t)v ? 1.0 : 0.0;
  }
  d->view.x = xd;
  d->view.t = t;
  d->view.labels = lab;
  d->view.n = n;
}

/* Mark label e (absolute) in the snapshot mask covering labels start..start+epochs. */
static void mark(unsigned char *snap, long start, long epochs, long e) {
  if (e >= start && e <= start + epochs) snap[e - start] = 1;
}

/* Build the snapshot mask from opts.snapshots and opts.at; returns the mask (userdata pushed). */
static unsigned char *snapshot_mask(lua_State *L, int opts, long start, long epochs) {
  unsigned char *snap = (unsigned char *)lua_newuserdatauv(L, (size_t)epochs + 1, 0);
  memset(snap, 0, (size_t)epochs + 1);
  const char *at = lx_optstring(L, opts, "at", "start", FNAME);
  long shift;
  if (strcmp(at, "start") == 0) shift = 0;
  else if (strcmp(at, "end") == 0) shift = 1;
  else return (unsigned char *)(size_t)lx_error(L, FNAME, "option 'at' must be \"start\" or \"end\", got \"%s\"", at);
  if (start == 0) snap[0] = 1;  /* the initial network is always kept */
  int type = lua_isnoneornil(L, opts) ? LUA_TNIL : lua_getfield(L, opts, "snapshots");
  if (type == LUA_TNIL || (type == LUA_TSTRING && strcmp(lua_tostring(L, -1), "every") == 0)) {
    memset(snap, 1, (size_t)epochs + 1);
  } else if (type == LUA_TSTRING) {
    const char *s = lua_tostring(L, -1);
    char *end;
    if (strncmp(s, "log:", 4) == 0) {
      long count = strtol(s + 4, &end, 10);
      if (*end || count < 1 || count > 10000000) lx_error(L, FNAME, "snapshots \"%s\": expected log:N with N >= 1", s);
      long total = start + epochs;
      size_t k = ibsh_log_epochs(total, count, NULL, 0);
      long *ep = (long *)lua_newuserdatauv(L, (k + 1) * sizeof(long), 0);
      ibsh_log_epochs(total, count, ep, k);
      for (size_t i = 0; i < k; i++) mark(snap, start, epochs, ep[i] + shift);
      lua_pop(L, 1);
    } else if (strncmp(s, "every:", 6) == 0) {
      long k = strtol(s + 6, &end, 10);
      if (*end || k < 1) lx_error(L, FNAME, "snapshots \"%s\": expected every:K with K >= 1", s);
      for (long e = start; e <= start + epochs; e++) if (e % k == 0) snap[e - start] = 1;
    } else if (strcmp(s, "none") != 0) {
      lx_error(L, FNAME, "unknown snapshots \"%s\" (use \"every\", \"every:K\", \"log:N\", \"none\", a list of epochs or a function)", s);
    }
  } else if (type == LUA_TTABLE) {
    lua_Integer n = (lua_Integer)lua_rawlen(L, -1);
    for (lua_Integer i = 1; i <= n; i++) {
      lua_rawgeti(L, -1, i);
      int isint = 0;
      lua_Integer e = lua_tointegerx(L, -1, &isint);
      if (!isint || e < 0) lx_error(L, FNAME, "snapshots[%d] must be a non-negative integer epoch", (int)i);
      mark(snap, start, epochs, (long)e + shift);
      lua_pop(L, 1);
    }
  } else if (type == LUA_TFUNCTION) {
    for (long e = start - shift; e <= start + epochs - shift; e++) {
      if (e < 0) continue;
      lua_pushvalue(L, -1);
      lua_pushinteger(L, e);
      lua_call(L, 1, 1);
      if (lua_toboolean(L, -1)) mark(snap, start, epochs, e + shift);
      lua_pop(L, 1);
    }
  } else {
    lx_error(L, FNAME, "option 'snapshots' must be a string, a list of epochs or a function, got %s", lua_typename(L, type));
  }
  if (type != LUA_TNIL || !lua_isnoneornil(L, opts)) lua_pop(L, 1);
  return snap;
}

/* Progress state for the progress line (lprogress.h). */
typedef struct progress_state {
  ibsh_progress bar;
  long start;     /* completed epochs when this fit began */
} progress_state;

/* Seconds on a monotonic clock. */
static double mono(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Report epochs done with the loss and accuracy to the progress line (redrawn at most ten times a second). */
static void progress(void *ud, const ibsh_run *run, long epoch, long last, double seconds) {
  progress_state *ps = (progress_state *)ud;
  char note[96];
  (void)last; (void)seconds;
  if (ps->start > 0)   /* a resumed run: its own epoch number differs from the count of this fit */
    snprintf(note, sizeof note, "epoch %ld  loss %.4f  acc %.3f", epoch, run->train_loss[epoch - 1], run->train_acc[epoch - 1]);
  else snprintf(note, sizeof note, "loss %.4f  acc %.3f", run->train_loss[epoch - 1], run->train_acc[epoch - 1]);
  ibsh_progress_update(&ps->bar, epoch - ps->start, note);
}

/* Periodic checkpoints of a fit with dir: every `every` epochs, or every `seconds` of training when every is 0. */
typedef struct checkpoint_state {
  const char *dir;
  const char *extra;
  long every;
  double seconds, last_time;
  long saved_epochs;   /* completed epochs in the last checkpoint written (-1: none yet) */
  int ranks;           /* a distributed fit over several MPI ranks: rank 0 decides and tells the others */
  int writer;          /* this process writes (rank 0) */
} checkpoint_state;

/* Save a checkpoint when one is due (see checkpoint_state); the last epoch is left to the final save. */
static int checkpoint(void *ud, const ibsh_run *run, long epoch, long last) {
  checkpoint_state *cs = (checkpoint_state *)ud;
  if (epoch == last) return IBSH_OK;
  double t = mono();
  int due = cs->every > 0 ? epoch % cs->every == 0 : cs->seconds > 0 && t - cs->last_time >= cs->seconds;
  int rc = IBSH_OK;
  if (cs->ranks) {   /* rank 0's clock decides and its result is everyone's, so all ranks stop together */
    int status = !cs->writer ? 0 : !due ? -1 : ibsh_run_save(run, cs->dir, cs->extra);
    int err = status > 0 ? status : 0;
    if (cs->writer && err) rc = err;
    if ((err = ibsh_sweep_mpi_bcast_int(&status))) return err;
    if (status > 0 && !cs->writer) return ibsh_fail(IBSH_EIO, "rank 0 could not write a checkpoint");
    if (rc) return rc;
    if (status < 0) return IBSH_OK;
  } else {
    if (!due) return IBSH_OK;
    if ((rc = ibsh_run_save(run, cs->dir, cs->extra))) return rc;
  }
  cs->saved_epochs = epoch;
  cs->last_time = mono();
  return IBSH_OK;
}

/* Is this call running a line typed at the interactive prompt (the REPL sets registry["ibsh.repl_line"])? */
static int at_prompt(lua_State *L) {
  lua_getfield(L, LUA_REGISTRYINDEX, "ibsh.repl_line");
  int yes = lua_toboolean(L, -1);
  lua_pop(L, 1);
  return yes;
}

/* Signal handler: ask the training loop to stop after the current batch. */
static void on_signal(int sig) { ibsh_interrupt_request(sig); }

/* Signal handlers installed for the duration of a fit when none are set (a script run without the REPL). */
typedef struct signal_guard {
  struct sigaction old_int, old_term;
  int ours_int, ours_term;
} signal_guard;

/* Install on_signal for SIGINT and SIGTERM where the disposition is the default. */
static void guard_install(signal_guard *g) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, NULL, &g->old_int);
  sigaction(SIGTERM, NULL, &g->old_term);
  g->ours_int = g->old_int.sa_handler == SIG_DFL && sigaction(SIGINT, &sa, NULL) == 0;
  g->ours_term = g->old_term.sa_handler == SIG_DFL && sigaction(SIGTERM, &sa, NULL) == 0;
}

/* Restore the previous handlers. */
static void guard_remove(signal_guard *g) {
  if (g->ours_int) sigaction(SIGINT, &g->old_int, NULL);
  if (g->ours_term) sigaction(SIGTERM, &g->old_term, NULL);
}

/* net:fit(train, opts) -> ibsh.Run. */
int lnn_fit(lua_State *L) {
  static const char *const known[] = {"epochs", "batch", "optim", "lr", "momentum", "beta1", "beta2", "eps",
    "weight_decay", "lr_step", "lr_gamma", "adam", "shuffle", "seed", "test", "quiet", "snapshots", "at", "gradstats",
    "dir", "resume", "metrics", "checkpoint", "distributed", "chunk", NULL};
  lnet *net = (lnet *)luaL_testudata(L, 1, IBSH_NET_T);
  if (!net || !net->params) lx_error(L, FNAME, "call it as net:fit(train, opts) on an ibsh.Net");
  int opts = 3;
  if (!lua_isnoneornil(L, opts) && !lua_istable(L, opts)) lx_error(L, FNAME, "options must be a table, got %s", luaL_typename(L, opts));
  lua_settop(L, 3);
  lx_checkoptions(L, opts, known, FNAME);
  const ibsh_arch *a = &net->arch;

  lua_Integer epochs = lx_optinteger(L, opts, "epochs", -1, FNAME);
  if (epochs < 0) lx_error(L, FNAME, "option 'epochs' (a non-negative integer) is required");
  if (epochs > 100000000) lx_error(L, FNAME, "epochs = %lld is absurd", (long long)epochs);
  lua_Integer batch = 512;
  if (!lua_isnil(L, opts)) {
    lua_getfield(L, opts, "batch");
    if (lua_type(L, -1) == LUA_TSTRING && strcmp(lua_tostring(L, -1), "full") == 0) batch = 0;
    else batch = lx_optinteger(L, opts, "batch", 512, FNAME);
    lua_pop(L, 1);
  }
  if (batch < 0) lx_error(L, FNAME, "batch must be a positive integer, 0 or \"full\" (whole training set)");
  ibsh_fit_config cfg;
  memset(&cfg, 0, sizeof cfg);
  const char *optim = lx_optstring(L, opts, "optim", "adam", FNAME);
  cfg.optim.kind = ibsh_optim_from_name(optim);
  if (cfg.optim.kind < 0) lx_error(L, FNAME, "unknown optim '%s' (known: adam, sgd)", optim);
  cfg.optim.lr = lx_optnumber(L, opts, "lr", cfg.optim.kind == IBSH_OPTIM_ADAM ? 4e-4 : 0.01, FNAME);
  cfg.optim.momentum = lx_optnumber(L, opts, "momentum", 0.0, FNAME);
  cfg.optim.beta1 = lx_optnumber(L, opts, "beta1", 0.9, FNAME);
  cfg.optim.beta2 = lx_optnumber(L, opts, "beta2", 0.999, FNAME);
  cfg.optim.eps = lx_optnumber(L, opts, "eps", 1e-8, FNAME);
  cfg.weight_decay = lx_optnumber(L, opts, "weight_decay", 0.0, FNAME);
  const char *adam = lx_optstring(L, opts, "adam", net->net ? "pytorch" : "tensorflow", FNAME);
  if (strcmp(adam, "pytorch") == 0) cfg.optim.torch_eps = 1;
  else if (strcmp(adam, "tensorflow") != 0) lx_error(L, FNAME, "option 'adam' must be \"tensorflow\" or \"pytorch\", got \"%s\"", adam);
  lua_Integer lr_step = lx_optinteger(L, opts, "lr_step", 0, FNAME);
  if (lr_step < 0 || lr_step > 100000000) lx_error(L, FNAME, "lr_step must be a non-negative integer");
  cfg.lr_step = (long)lr_step;
  cfg.lr_gamma = lx_optnumber(L, opts, "lr_gamma", 0.1, FNAME);
  cfg.shuffle = lx_optboolean(L, opts, "shuffle", 0, FNAME);
  cfg.gradstats = lx_optboolean(L, opts, "gradstats", 1, FNAME);
  lua_Integer seed = lx_optinteger(L, opts, "seed", (lua_Integer)net->seed, FNAME);
  int quiet = lx_optboolean(L, opts, "quiet", 0, FNAME);
  const char *metrics = lx_optstring(L, opts, "metrics", "full", FNAME);
  if (strcmp(metrics, "full") == 0) cfg.batch_metrics = 0;
  else if (strcmp(metrics, "batches") == 0) cfg.batch_metrics = 1;
  else lx_error(L, FNAME, "option 'metrics' must be \"full\" or \"batches\", got \"%s\"", metrics);
  const char *resume = lx_optstring(L, opts, "resume", NULL, FNAME);
  const char *dir = lx_optstring(L, opts, "dir", resume, FNAME);
  lua_Integer every = lx_optinteger(L, opts, "checkpoint", 0, FNAME);
  if (every < 0) lx_error(L, FNAME, "option 'checkpoint' must be a number of epochs >= 1 (0: every 60 s of training)");
  if (dir && !lua_isnil(L, opts)) {
    lua_getfield(L, opts, "checkpoint");
    int given = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (given && every == 0) every = -1;   /* checkpoint = 0: no periodic checkpoints, only the final save */
  } else if (!dir && every != 0) {
    lx_error(L, FNAME, "option 'checkpoint' needs dir (or resume)");
  }
  int distributed = lx_optboolean(L, opts, "distributed", 0, FNAME);
  lua_Integer chunk = lx_optinteger(L, opts, "chunk", 64, FNAME);
  if (chunk < 1 || chunk > 100000000) lx_error(L, FNAME, "option 'chunk' must be a number of rows >= 1, got %lld", (long long)chunk);
  if (!distributed && !lua_isnil(L, opts)) {
    lua_getfield(L, opts, "chunk");
    int given = !lua_isnil(L, -1);
    lua_pop(L, 1);
    if (given) lx_error(L, FNAME, "option 'chunk' needs distributed = true");
  }
  int rank = 0, nranks = 1;
  if (distributed) {
    lx_check(L, ibsh_sweep_mpi_rank(&rank, &nranks), FNAME);
    const char *np = getenv("OMPI_COMM_WORLD_SIZE") ? getenv("OMPI_COMM_WORLD_SIZE") : getenv("PMI_SIZE");
    if (nranks == 1 && np && atoi(np) > 1)   /* each process would train alone and write the same dir */
      lx_error(L, FNAME, "distributed = true under mpirun (%s ranks) needs an ibsh built with MPI (OpenMPI found by CMake)", np);
  }
  int writer = rank == 0;   /* only rank 0 writes the run directory and prints progress */
  if (dir && writer) lx_check(L, ibsh_run_check_dir(dir), FNAME);   /* fail now, not after hours of training */

  fit_data train, test;
  memset(&test, 0, sizeof test);
  read_dataset(L, 2, a, "train", &train);
  if (!lua_isnil(L, opts) && lua_getfield(L, opts, "test") != LUA_TNIL) {
    int ti = lua_gettop(L);
    read_dataset(L, ti, a, "test", &test);
  } else if (!lua_isnil(L, opts)) {
    lua_pop(L, 1);
  }
  if (train.view.n == 0) lx_error(L, FNAME, "the training set is empty");
  cfg.batch = (size_t)batch;
  cfg.chunk = distributed ? (size_t)chunk : 0;

  lrun *r = lnn_pushrun(L);
  int runidx = lua_gettop(L);
  if (net->net && !resume) {
    lx_check(L, ibsh_run_init_net(&r->run, net->net, net->params, (uint64_t)seed ^ 0x5DEECE66DULL), FNAME);
  } else if (resume) {
    lx_check(L, ibsh_run_load(&r->run, resume), FNAME);
    if (net->net || r->run.net) {   /* layer networks: the same layers, shapes and dtype */
      char s1[1024] = "an nn.mlp", s2[1024] = "an nn.mlp";
      if (net->net) ibsh_net_str(net->net, s1, sizeof s1);
      if (r->run.net) ibsh_net_str(r->run.net, s2, sizeof s2);
      if (strcmp(s1, s2) != 0) lx_error(L, FNAME, "cannot resume %s: it holds the network %s, not %s", resume, s2, s1);
    }
    const ibsh_arch *b = &r->run.arch;
    int same = b->nlayers == a->nlayers && b->act == a->act && b->out == a->out && ibsh_nn_ext_same(a, b);
    for (int l = 0; same && l <= a->nlayers; l++) same = a->width[l] == b->width[l];
    if (!same) {
      char s1[256], s2[256];
      lnn_arch_str(a, s1, sizeof s1);
      lnn_arch_str(b, s2, sizeof s2);
      lx_error(L, FNAME, "cannot resume %s: it holds a %s network, not %s", resume, s2, s1);
    }
  } else {
    lx_check(L, ibsh_run_init(&r->run, a, net->params, (uint64_t)seed ^ 0x5DEECE66DULL), FNAME);
  }
  cfg.epochs = (long)epochs;
  cfg.snap = snapshot_mask(L, opts, r->run.epochs, (long)epochs);
  double nsnap = 0;
  for (long i = 0; i <= (long)epochs; i++) nsnap += cfg.snap[i];
  double bytes = (nsnap + (double)r->run.nsnap) * (double)a->nparams * sizeof(double);
  if (bytes > 16e9)
    lx_error(L, FNAME, "%.0f snapshots of %zu parameters need %.1f GB: use snapshots = \"log:N\", \"every:K\" or a list",
             nsnap, a->nparams, bytes / 1e9);
  progress_state ps;
  ps.start = r->run.epochs;
  cfg.progress = progress;
  cfg.progress_ud = &ps;

  char extra[512];
  snprintf(extra, sizeof extra, "\"fit\": {\"optim\": \"%s\", \"lr\": %.17g, \"batch\": %d, \"shuffle\": %s, \"seed\": %lld, \"momentum\": %.17g, \"weight_decay\": %.17g}",
           optim, cfg.optim.lr, (int)batch, cfg.shuffle ? "true" : "false", (long long)seed, cfg.optim.momentum, cfg.weight_decay);
  checkpoint_state cs = {dir, extra, every > 0 ? (long)every : 0, every == 0 ? 60.0 : 0.0, mono(), -1, nranks > 1, writer};
  if (dir && every >= 0) {
    cfg.checkpoint = checkpoint;
    cfg.checkpoint_ud = &cs;
  }

  signal_guard g;
  ibsh_interrupt_clear();
  lprogress_start(L, &ps.bar, FNAME, (long)epochs, "epochs", quiet || !writer);   /* nothing raises until it finishes */
  guard_install(&g);
  int blas = distributed ? ibsh_sweep_blas_single() : 0;   /* one BLAS thread per rank, the same bits as -np 1 */
  int rc = ibsh_run_fit(&r->run, &cfg, &train.view, test.view.n ? &test.view : NULL);
  ibsh_sweep_blas_restore(blas);
  int sig = ibsh_interrupt_flag;
  guard_remove(&g);
  lprogress_finish(L, &ps.bar, NULL, rc != IBSH_OK);
  char msg[512];
  if (rc == IBSH_EIO && cs.saved_epochs >= 0)
    snprintf(msg, sizeof msg, "checkpoint failed, training stopped after %ld epochs: %s (the last complete checkpoint in %s holds %ld epochs)",
             r->run.epochs, ibsh_errmsg(), dir, cs.saved_epochs);
  else if (rc == IBSH_EIO)
    snprintf(msg, sizeof msg, "checkpoint failed, training stopped after %ld epochs: %s", r->run.epochs, ibsh_errmsg());
  else snprintf(msg, sizeof msg, "%s", rc ? ibsh_errmsg() : "");
  memcpy(net->params, r->run.params, a->nparams * sizeof(double));

  int saved = cs.saved_epochs == r->run.epochs;   /* a checkpoint already holds exactly this state */
  if (dir && writer && !saved && rc != IBSH_EINVAL && rc != IBSH_ENOMEM && rc != IBSH_EIO) {
    int src = ibsh_run_save(&r->run, dir, extra);
    if (src) {
      if (rc == IBSH_OK || rc == IBSH_EINTR) lx_check(L, src, FNAME);
      fprintf(stderr, "%s: could not save the run: %s\n", FNAME, ibsh_errmsg());
    }
  }
  if (rc == IBSH_EINTR) {
    int shown = dir && writer;
    fprintf(stderr, "%s: interrupted; keeping the %ld completed epochs%s%s%s\n", FNAME, r->run.epochs,
            shown ? " (saved in " : "", shown ? dir : "", shown ? ")" : "");
    if (sig == 0 && nranks > 1)   /* another rank was interrupted: stop this rank's script as well */
      return lx_error(L, FNAME, "interrupted on another MPI rank; keeping the %ld completed epochs", r->run.epochs);
    if ((sig == SIGTERM && g.ours_term) || (sig == SIGINT && g.ours_int)) {
      fflush(NULL);
      signal(sig, SIG_DFL);
      raise(sig);
    }
    if (sig == SIGINT && at_prompt(L) && lua_gethookmask(L) == (LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT) &&
        lua_gethookcount(L) == 1) {
      /* Ctrl-C at the interactive prompt: cancel the shell's pending "interrupted" error (its one-shot hook) so
         that run = net:fit(...) keeps the partial run. The flag stays set, so the rest of the line (a sweep
         job, another C loop) still sees the interrupt and is not taken for finished work. In a script the
         hook raises "interrupted" as soon as fit returns. */
      lua_sethook(L, NULL, 0, 0);
    }
  } else if (rc != IBSH_OK) {
    return lx_error(L, FNAME, "%s", msg);
  }
  lua_pushvalue(L, runidx);
  return 1;
}

const char lnn_fit_help[] =
  "net:fit(train, {epochs = E, batch = 512, optim = \"adam\", lr = 4e-4, test = test, ...})\n\n"
  "Train the network in place on train ({x = n x d tensor, y = 0-based labels or n x K targets}) and return an ibsh.Run "
  "with the weights at the snapshot epochs, per-epoch train/test loss and accuracy (after each epoch, on the whole sets) and "
  "per-layer gradient statistics. Options: epochs (required); batch (512; 0 or \"full\" = full batch; the last batch is smaller); "
  "shuffle (false: contiguous batches in a fixed order as the original code; true: reshuffled every epoch from seed); "
  "optim \"adam\" (beta1 .9, beta2 .999, eps 1e-8; adam = \"tensorflow\" (the default for nn.mlp) adds eps to sqrt(v), adam = \"pytorch\" (the default for nn.net) to the bias-corrected sqrt(v-hat)) or \"sgd\" (with momentum); lr (4e-4 for Adam, 0.01 for SGD); "
  "lr_step and lr_gamma (lr * lr_gamma^floor(epoch / lr_step)); weight_decay (L2 on weights); "
  "snapshots (\"every\" (default), \"every:K\", \"log:N\" as the original code's log-spaced epochs, \"none\", a list of epochs, or a function(e) -> boolean); "
  "at (\"start\": a selected epoch j records the weights before its updates, labelled j; \"end\": after them, labelled j + 1); "
  "gradstats (true); metrics (\"full\": train loss and accuracy on the whole training set after each epoch; \"batches\": means over the epoch's minibatches, no extra pass); test (a dataset for test metrics); quiet (no progress line: on a terminal epochs done, rate, ETA, loss and accuracy redrawn in place; otherwise one summary line for fits of a second or more); dir (checked before the first epoch; the run is saved there as checksummed checkpoints, "
  "see doc/crash.md); checkpoint (with dir: a checkpoint every K epochs; 0 = only at the end; default every 60 s of training; "
  "a failed checkpoint, e.g. a full disk, stops training and keeps the last good one); "
  "distributed (false; true: data-parallel training: every minibatch is cut into chunks of `chunk` rows (64), "
  "each chunk's gradient computed separately and the chunks summed in their order; under mpirun the chunks are split "
  "among the ranks, which every rank must call with the same arguments, and the weights are the same to the last bit for "
  "any number of ranks and without mpirun; for an nn.net the chunks are its 64-row blocks (chunk must be 64), batch norm's "
  "sums over the batch are carried from rank to rank in row order, and the weights are also those of distributed = false; "
  "one BLAS thread per rank unless OPENBLAS_NUM_THREADS is set (and for nn.net one thread per rank under mpirun unless "
  "IBSH_THREADS is set); only rank 0 writes dir and prints progress; see doc/nn.md); "
  "resume (a run directory: continue it for epochs more epochs, bit-identically, also after a SIGKILL). Ctrl-C or SIGTERM stops after the current batch and keeps every completed epoch "
  "(saved to dir); then the script stops with the error \"interrupted\" (exit status 1), except that Ctrl-C at the interactive prompt returns the partial run.\n\n"
  "Example: local run = net:fit(train, {epochs = 100, batch = 512, optim = \"adam\", lr = 4e-4, test = test, quiet = true})";
