/*
** Saving and loading runs as a directory of plain files: config.json, state.npy
** (current parameters and optimiser moments), epochs.npy, W<l>.npy / b<l>.npy
** (weights at every snapshot), metrics.npy / metrics.csv and gradstats.npy /
** gradstats.csv, all in one checkpoint directory (run_dir.c makes the set
** atomic with a manifest). Every write is checked and fsynced.
*/
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "ibsh/run.h"
#include "io/durable.h"
#include "nn/run_files.h"

/* Join dir and name into buf. */
static int join(char *buf, size_t len, const char *dir, const char *name) {
  if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) return ibsh_fail(IBSH_EINVAL, "path too long: %s", dir);
  return IBSH_OK;
}

/* Open path in the checkpoint directory for a durable write. */
static int open_file(dur_file *w, const char *dir, const char *name) {
  char path[4096];
  int rc = join(path, sizeof path, dir, name);
  return rc ? rc : dur_open(w, path);
}

/* Close w and add its name, size and hash to the list. */
static int close_file(dur_file *w, const char *name, run_files *list) {
  int rc = dur_close(w);
  if (rc) return rc;
  if (list->n >= RUN_MAXFILES) return ibsh_fail(IBSH_EINVAL, "too many files in a run");
  run_file *f = &list->f[list->n++];
  snprintf(f->name, sizeof f->name, "%s", name);
  f->bytes = w->bytes;
  f->hash = w->hash;
  return IBSH_OK;
}

/* Write a little-endian float64 .npy file of the given shape. */
static int npy_write(const char *dir, const char *name, int ndim, const size_t *shape, const double *data, run_files *list) {
  char hdr[256], dims[160] = "";
  size_t used = 0, count = 1;
  for (int i = 0; i < ndim; i++) {
    used += (size_t)snprintf(dims + used, sizeof dims - used, "%zu%s", shape[i], ndim == 1 || i < ndim - 1 ? ", " : "");
    count *= shape[i];
  }
  if (ndim == 1) dims[used - 1] = '\0';
  int n = snprintf(hdr, sizeof hdr, "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", dims);
  size_t total = 10 + (size_t)n + 1, pad = (64 - total % 64) % 64;
  dur_file w;
  int rc = open_file(&w, dir, name);
  if (rc) return rc;
  unsigned short hlen = (unsigned short)(n + pad + 1);
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff), (unsigned char)(hlen >> 8)};
  dur_write(&w, pre, 10);
  dur_write(&w, hdr, (size_t)n);
  for (size_t i = 0; i < pad; i++) dur_write(&w, " ", 1);
  dur_write(&w, "\n", 1);
  dur_write(&w, data, count * sizeof(double));
  return close_file(&w, name, list);
}

/* Read a float64 .npy file written by npy_write; checks the shape against want (ndim entries). */
static int npy_read(const char *dir, const char *name, int ndim, const size_t *want, double *data) {
  char path[4096], hdr[512], expect[160] = "";
  int rc = join(path, sizeof path, dir, name);
  if (rc) return rc;
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno));
  unsigned char pre[10];
  size_t count = 1, used = 0;
  for (int i = 0; i < ndim; i++) {
    used += (size_t)snprintf(expect + used, sizeof expect - used, "%zu%s", want[i], ndim == 1 || i < ndim - 1 ? ", " : "");
    count *= want[i];
  }
  if (ndim == 1) expect[used - 1] = '\0';
  rc = IBSH_OK;
  if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0 || pre[6] != 1) {
    rc = ibsh_fail(IBSH_EFORMAT, "%s is not a version 1 .npy file", path);
  } else {
    size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
    char shape[200];
    snprintf(shape, sizeof shape, "'shape': (%s)", expect);
    if (hlen >= sizeof hdr || fread(hdr, 1, hlen, f) != hlen) rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header", path);
    else {
      hdr[hlen] = '\0';
      if (!strstr(hdr, "'descr': '<f8'") || !strstr(hdr, "'fortran_order': False"))
        rc = ibsh_fail(IBSH_EFORMAT, "%s: expected little-endian float64 in C order", path);
      else if (!strstr(hdr, shape))
        rc = ibsh_fail(IBSH_EFORMAT, "%s: expected shape (%s)", path, expect);
      else if (count && fread(data, sizeof(double), count, f) != count)
        rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated data", path);
    }
  }
  fclose(f);
  return rc;
}

/* Write a double to a CSV field (nan for missing values, round-trip precision), then sep. */
static void csv_number(dur_file *w, double v, char sep) {
  if (isnan(v)) dur_printf(w, "nan%c", sep);
  else dur_printf(w, "%.17g%c", v, sep);
}

/* Write metrics.csv and gradstats.csv. */
static int write_csvs(const ibsh_run *run, const char *dir, run_files *list) {
  dur_file w;
  int rc = open_file(&w, dir, "metrics.csv");
  if (rc) return rc;
  dur_printf(&w, "epoch,train_loss,train_acc,test_loss,test_acc\n");
  for (long e = 0; e < run->epochs; e++) {
    dur_printf(&w, "%ld,", e + 1);
    csv_number(&w, run->train_loss[e], ',');
    csv_number(&w, run->train_acc[e], ',');
    csv_number(&w, run->test_loss[e], ',');
    csv_number(&w, run->test_acc[e], '\n');
  }
  if ((rc = close_file(&w, "metrics.csv", list))) return rc;
  if ((rc = open_file(&w, dir, "gradstats.csv"))) return rc;
  dur_printf(&w, "epoch,layer,grad_mean,grad_std,snr,weight_norm\n");
  int L = run->arch.nlayers;
  for (long e = 0; e < run->epochs; e++) {
    for (int l = 0; l < L; l++) {
      double gm = run->grad_mean[e * L + l], gs = run->grad_std[e * L + l];
      dur_printf(&w, "%ld,%d,", e + 1, l + 1);
      csv_number(&w, gm, ',');
      csv_number(&w, gs, ',');
      csv_number(&w, gm / gs, ',');
      csv_number(&w, run->weight_norm[e * L + l], '\n');
    }
  }
  return close_file(&w, "gradstats.csv", list);
}

/* Write config.json. */
static int write_config(const ibsh_run *run, const char *dir, const char *extra, run_files *list) {
  dur_file w;
  int rc = open_file(&w, dir, "config.json");
  if (rc) return rc;
  const ibsh_arch *a = &run->arch;
  dur_printf(&w, "{\n  \"format\": \"ibsh-run\",\n  \"version\": 2,\n");
  if (run->net) {   /* a layer network: its description instead of the MLP's widths and activation */
    char desc[8192];
    if (ibsh_net_json(run->net, desc, sizeof desc) < 0) return ibsh_fail(IBSH_EINVAL, "network description too long");
    dur_printf(&w, "  %s  \"nparams\": %zu,\n", desc, a->nparams);
  } else {
  dur_printf(&w, "  \"widths\": [");
  for (int l = 0; l <= a->nlayers; l++) dur_printf(&w, "%s%zu", l ? ", " : "", a->width[l]);
  dur_printf(&w, "],\n  \"act\": \"%s\",\n  \"out\": \"%s\",\n  \"nparams\": %zu,\n", ibsh_act_name(a->act),
             ibsh_out_name(a->out), a->nparams);
  char ext[4096];
  if (ibsh_nn_ext_json(a, ext, sizeof ext) > 0) dur_printf(&w, "  %s", ext);
  }
  dur_printf(&w, "  \"epochs\": %ld,\n  \"step\": %ld,\n  \"snapshots\": %zu,\n", run->epochs, run->step, run->nsnap);
  dur_printf(&w, "  \"rng\": [\"%016" PRIx64 "\", \"%016" PRIx64 "\", \"%016" PRIx64 "\", \"%016" PRIx64 "\"]",
             run->rng.s[0], run->rng.s[1], run->rng.s[2], run->rng.s[3]);
  if (extra && *extra) {
    dur_write(&w, ",\n  ", 4);
    dur_write(&w, extra, strlen(extra));
  }
  dur_printf(&w, "\n}\n");
  return close_file(&w, "config.json", list);
}

/* The blocks of weight layer l in the parameter vector: W (rows x cols at woff) and b (nb values at boff). For a layer
   net's l-th layer with weights: conv W out x (in*k*k), dense W in x out, batch norm W 1 x C (gamma) and b its beta
   followed by the running mean and variance (3C values), so the files hold every parameter. */
static void layer_blocks(const ibsh_run *run, int l, size_t *woff, size_t *rows, size_t *cols, size_t *boff, size_t *nb) {
  const ibsh_arch *a = &run->arch;
  if (!run->net) {
    *woff = a->woff[l]; *rows = a->width[l]; *cols = a->width[l + 1]; *boff = a->boff[l]; *nb = a->width[l + 1];
    return;
  }
  const ibsh_layer *y = NULL;
  for (int i = 0, j = 0; i < run->net->nlayers; i++)
    if (run->net->layer[i].nw && j++ == l) { y = &run->net->layer[i]; break; }
  *woff = y->woff; *boff = y->boff;
  *rows = y->kind == IBSH_LAYER_CONV ? y->units : y->kind == IBSH_LAYER_BATCHNORM ? 1 : y->nw / y->nb;
  *cols = y->nw / *rows;
  *nb = y->nb + (y->kind == IBSH_LAYER_BATCHNORM ? 2 * y->c : 0);
}

/* Copy snapshot weights of layer l (W if weights, else b) into a contiguous [nsnap, ...] buffer, or back. */
static void layer_copy(const ibsh_run *run, int l, int weights, double *buf, double *params_out) {
  const ibsh_arch *a = &run->arch;
  size_t woff, rows, cols, boff, nb;
  layer_blocks(run, l, &woff, &rows, &cols, &boff, &nb);
  size_t off = weights ? woff : boff;
  size_t n = weights ? rows * cols : nb;
  for (size_t s = 0; s < run->nsnap; s++) {
    double *p = (params_out ? params_out : run->snap_params) + s * a->nparams + off;
    if (params_out) memcpy(p, buf + s * n, n * sizeof(double));
    else memcpy(buf + s * n, p, n * sizeof(double));
  }
}

/* The number of files a checkpoint of a network with L weight layers has. */
int run_files_count(int L) { return 7 + 2 * L; }

/* Write every file of run into the existing directory cdir and list them (see run_files.h). */
int run_files_write(const ibsh_run *run, const char *dir, const char *extra_json, run_files *list) {
  list->n = 0;
  const ibsh_arch *a = &run->arch;
  size_t np = a->nparams, L = (size_t)a->nlayers, E = (size_t)run->epochs, S = run->nsnap;
  size_t need = 3 * np, maxw = np;
  if (S * maxw > need) need = S * maxw;
  if (E * (L * 3 > 4 ? L * 3 : 4) > need) need = E * (L * 3 > 4 ? L * 3 : 4);
  if (S > need) need = S;
  double *buf = malloc((need ? need : 1) * sizeof(double));
  if (!buf) return ibsh_fail(IBSH_ENOMEM, "out of memory while saving");
  int rc;
  size_t shape[3] = {3, np, 0};
  memcpy(buf, run->params, np * sizeof(double));
  memcpy(buf + np, run->m, np * sizeof(double));
  memcpy(buf + 2 * np, run->v, np * sizeof(double));
  if ((rc = npy_write(dir, "state.npy", 2, shape, buf, list))) goto done;
  for (size_t s = 0; s < S; s++) buf[s] = (double)run->snap_epoch[s];
  shape[0] = S;
  if ((rc = npy_write(dir, "epochs.npy", 1, shape, buf, list))) goto done;
  for (int l = 0; l < a->nlayers; l++) {
    char name[32];
    size_t woff, rows, cols, boff, nb;
    layer_blocks(run, l, &woff, &rows, &cols, &boff, &nb);
    size_t sh[3] = {S, rows, cols};
    layer_copy(run, l, 1, buf, NULL);
    snprintf(name, sizeof name, "W%d.npy", l + 1);
    if ((rc = npy_write(dir, name, 3, sh, buf, list))) goto done;
    layer_copy(run, l, 0, buf, NULL);
    snprintf(name, sizeof name, "b%d.npy", l + 1);
    sh[1] = nb;
    if ((rc = npy_write(dir, name, 2, sh, buf, list))) goto done;
  }
  for (size_t e = 0; e < E; e++) {
    buf[e * 4] = run->train_loss[e]; buf[e * 4 + 1] = run->train_acc[e];
    buf[e * 4 + 2] = run->test_loss[e]; buf[e * 4 + 3] = run->test_acc[e];
  }
  shape[0] = E; shape[1] = 4;
  if ((rc = npy_write(dir, "metrics.npy", 2, shape, buf, list))) goto done;
  for (size_t e = 0; e < E; e++)
    for (size_t l = 0; l < L; l++) {
      buf[(e * L + l) * 3] = run->grad_mean[e * L + l];
      buf[(e * L + l) * 3 + 1] = run->grad_std[e * L + l];
      buf[(e * L + l) * 3 + 2] = run->weight_norm[e * L + l];
    }
  size_t gs[3] = {E, L, 3};
  if ((rc = npy_write(dir, "gradstats.npy", 3, gs, buf, list))) goto done;
  if ((rc = write_csvs(run, dir, list))) goto done;
  rc = write_config(run, dir, extra_json, list);
done:
  free(buf);
  return rc;
}

/* Read a whole small text file into a NUL-terminated buffer (caller frees). */
static char *read_text(const char *path, int *rc) {
  FILE *f = fopen(path, "rb");
  if (!f) { *rc = ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno)); return NULL; }
  char *buf = malloc(65537);
  size_t n = buf ? fread(buf, 1, 65536, f) : 0;
  fclose(f);
  if (!buf) { *rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); return NULL; }
  buf[n] = '\0';
  *rc = IBSH_OK;
  return buf;
}

/* Pointer just after "key": in a flat JSON text, or NULL. */
static const char *json_value(const char *text, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(text, pat);
  if (!p) return NULL;
  p += strlen(pat);
  while (*p == ' ') p++;
  return p;
}

/* Parse a JSON string value into out (no escapes are used by the writer). */
static int json_string(const char *p, char *out, size_t len) {
  if (!p || *p != '"') return 0;
  const char *q = strchr(p + 1, '"');
  if (!q || (size_t)(q - p - 1) >= len) return 0;
  memcpy(out, p + 1, (size_t)(q - p - 1));
  out[q - p - 1] = '\0';
  return 1;
}

/* Parse the counters of config.json (epochs, step, snapshots, generator) into run. */
static int parse_counters(ibsh_run *run, const char *text, const char *path, size_t *nsnap);

/* Parse config.json into the run's architecture (and *net, *is_net for a layer network) and counters. */
static int parse_config(ibsh_run *run, const char *text, const char *path, size_t *nsnap, ibsh_net *net, int *is_net) {
  const char *p = json_value(text, "format");
  char s[64];
  if (!json_string(p, s, sizeof s) || strcmp(s, "ibsh-run") != 0) return ibsh_fail(IBSH_EFORMAT, "%s is not an ibsh run", path);
  *is_net = json_value(text, "layers") != NULL;
  if (*is_net) {
    if (ibsh_net_parse(net, text)) {
      char why[256];
      snprintf(why, sizeof why, "%s", ibsh_errmsg());
      return ibsh_fail(IBSH_EFORMAT, "%s: %s", path, why);
    }
    ibsh_run_net_arch(net, &run->arch);
    return parse_counters(run, text, path, nsnap);
  }
  size_t widths[IBSH_NN_MAXLAYERS + 1];
  int nl = -1;
  p = json_value(text, "widths");
  if (!p || *p != '[') return ibsh_fail(IBSH_EFORMAT, "%s: missing widths", path);
  p++;
  while (*p && *p != ']' && nl < IBSH_NN_MAXLAYERS) {
    char *end;
    unsigned long long w = strtoull(p, &end, 10);
    if (end == p) return ibsh_fail(IBSH_EFORMAT, "%s: bad widths", path);
    widths[++nl] = (size_t)w;
    p = end;
    while (*p == ',' || *p == ' ') p++;
  }
  char act[32], out[32];
  if (!json_string(json_value(text, "act"), act, sizeof act) || !json_string(json_value(text, "out"), out, sizeof out))
    return ibsh_fail(IBSH_EFORMAT, "%s: missing act or out", path);
  int rc = ibsh_arch_init(&run->arch, nl, widths, ibsh_act_from_name(act), ibsh_out_from_name(out));
  if (rc) {
    char why[256];
    snprintf(why, sizeof why, "%s", ibsh_errmsg());   /* the message buffer cannot be formatted into itself */
    return ibsh_fail(IBSH_EFORMAT, "%s: %s", path, why);
  }
  if (ibsh_nn_ext_parse(&run->arch, text)) {
    char why[256];
    snprintf(why, sizeof why, "%s", ibsh_errmsg());
    return ibsh_fail(IBSH_EFORMAT, "%s: %s", path, why);
  }
  return parse_counters(run, text, path, nsnap);
}

/* Parse the counters of config.json (epochs, step, snapshots, generator) into run. */
static int parse_counters(ibsh_run *run, const char *text, const char *path, size_t *nsnap) {
  const char *pe = json_value(text, "epochs"), *ps = json_value(text, "step"), *pn = json_value(text, "snapshots");
  const char *pr = json_value(text, "rng");
  if (!pe || !ps || !pn || !pr || *pr != '[') return ibsh_fail(IBSH_EFORMAT, "%s: missing epochs, step, snapshots or rng", path);
  run->epochs = strtol(pe, NULL, 10);
  run->step = strtol(ps, NULL, 10);
  *nsnap = (size_t)strtoull(pn, NULL, 10);
  pr++;
  for (int i = 0; i < 4; i++) {
    while (*pr == ' ' || *pr == ',' || *pr == '"') pr++;
    char *end;
    run->rng.s[i] = strtoull(pr, &end, 16);
    if (end == pr) return ibsh_fail(IBSH_EFORMAT, "%s: bad rng state", path);
    pr = end;
  }
  if (run->epochs < 0 || run->step < 0 || *nsnap > 100000000) return ibsh_fail(IBSH_EFORMAT, "%s: bad counters", path);
  return IBSH_OK;
}

/* Fail unless dir/name holds at least a*b*c float64 values, so that sizes a config promises are backed by data. */
static int check_data(const char *dir, const char *name, size_t a, size_t b, size_t c) {
  char path[4096];
  int rc = join(path, sizeof path, dir, name);
  if (rc) return rc;
  struct stat st;
  if (stat(path, &st) != 0) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno));
  size_t have = st.st_size > 0 ? (size_t)st.st_size / sizeof(double) : 0;
  if ((b && a > have / b) || (c && a * b > have / c) || a * b * c > have)
    return ibsh_fail(IBSH_EFORMAT, "%s: too short for the %zu x %zu x %zu values config.json promises", path, a, b, c);
  return IBSH_OK;
}

/* Check that every data file of run (its architecture set), nsnap snapshots and epochs epochs is large enough. */
static int check_files(const char *dir, const ibsh_run *run, size_t nsnap, size_t epochs) {
  const ibsh_arch *arch = &run->arch;
  int rc = check_data(dir, "state.npy", 3, arch->nparams, 1);
  if (!rc) rc = check_data(dir, "epochs.npy", nsnap, 1, 1);
  if (!rc) rc = check_data(dir, "metrics.npy", epochs, 4, 1);
  if (!rc) rc = check_data(dir, "gradstats.npy", epochs, (size_t)arch->nlayers, 3);
  for (int l = 0; l < arch->nlayers && !rc; l++) {
    char name[32];
    snprintf(name, sizeof name, "W%d.npy", l + 1);
    size_t woff, rows, cols, boff, nb;
    layer_blocks(run, l, &woff, &rows, &cols, &boff, &nb);
    rc = check_data(dir, name, nsnap, rows, cols);
    snprintf(name, sizeof name, "b%d.npy", l + 1);
    if (!rc) rc = check_data(dir, name, nsnap, nb, 1);
  }
  return rc;
}

/* Load the files of checkpoint directory cdir into an uninitialised run (see run_files.h). */
int run_files_read(ibsh_run *run, const char *dir) {
  char path[4096];
  int rc = join(path, sizeof path, dir, "config.json");
  if (rc) return rc;
  char *text = read_text(path, &rc);
  if (!text) return rc;
  ibsh_run tmp;
  memset(&tmp, 0, sizeof tmp);
  size_t S = 0;
  ibsh_net net;
  int is_net = 0;
  rc = parse_config(&tmp, text, path, &S, &net, &is_net);
  free(text);
  if (rc) return rc;
  ibsh_arch arch = tmp.arch;
  tmp.net = is_net ? &net : NULL;
  if ((rc = check_files(dir, &tmp, S, (size_t)tmp.epochs))) return rc;
  if ((rc = is_net ? ibsh_run_init_net(run, &net, NULL, 0) : ibsh_run_init(run, &arch, NULL, 0))) return rc;
  run->epochs = tmp.epochs;
  run->step = tmp.step;
  run->rng = tmp.rng;
  size_t np = arch.nparams, L = (size_t)arch.nlayers, E = (size_t)run->epochs;
  size_t need = 3 * np, maxw = np;
  if (S * maxw > need) need = S * maxw;
  if (E * L * 3 > need) need = E * L * 3;
  if (E * 4 > need) need = E * 4;
  if (S > need) need = S;
  double *buf = malloc((need ? need : 1) * sizeof(double));
  run->snap_epoch = malloc((S ? S : 1) * sizeof(long));
  run->snap_params = malloc((S ? S : 1) * np * sizeof(double));
  if (!buf || !run->snap_epoch || !run->snap_params) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory loading %s", dir); goto done; }
  run->capsnap = S ? S : 1;
  run->nsnap = S;
  size_t shape[3] = {3, np, 0};
  if ((rc = npy_read(dir, "state.npy", 2, shape, buf))) goto done;
  memcpy(run->params, buf, np * sizeof(double));
  memcpy(run->m, buf + np, np * sizeof(double));
  memcpy(run->v, buf + 2 * np, np * sizeof(double));
  shape[0] = S;
  if ((rc = npy_read(dir, "epochs.npy", 1, shape, buf))) goto done;
  for (size_t s = 0; s < S; s++) {
    if (!(buf[s] >= 0 && buf[s] <= 1e15) || buf[s] != floor(buf[s]) || (s && (long)buf[s] <= run->snap_epoch[s - 1])) {
      rc = ibsh_fail(IBSH_EFORMAT, "%s/epochs.npy: epochs must be increasing integers", dir);
      goto done;
    }
    run->snap_epoch[s] = (long)buf[s];
  }
  for (int l = 0; l < arch.nlayers; l++) {
    char name[32];
    size_t woff, rows, cols, boff, nb;
    layer_blocks(run, l, &woff, &rows, &cols, &boff, &nb);
    size_t sh[3] = {S, rows, cols};
    snprintf(name, sizeof name, "W%d.npy", l + 1);
    if ((rc = npy_read(dir, name, 3, sh, buf))) goto done;
    layer_copy(run, l, 1, buf, run->snap_params);
    snprintf(name, sizeof name, "b%d.npy", l + 1);
    sh[1] = nb;
    if ((rc = npy_read(dir, name, 2, sh, buf))) goto done;
    layer_copy(run, l, 0, buf, run->snap_params);
  }
  if ((rc = ibsh_run_reserve_epochs(run, E))) goto done;
  shape[0] = E; shape[1] = 4;
  if ((rc = npy_read(dir, "metrics.npy", 2, shape, buf))) goto done;
  for (size_t e = 0; e < E; e++) {
    run->train_loss[e] = buf[e * 4]; run->train_acc[e] = buf[e * 4 + 1];
    run->test_loss[e] = buf[e * 4 + 2]; run->test_acc[e] = buf[e * 4 + 3];
  }
  size_t gs[3] = {E, L, 3};
  if ((rc = npy_read(dir, "gradstats.npy", 3, gs, buf))) goto done;
  for (size_t i = 0; i < E * L; i++) {
    run->grad_mean[i] = buf[i * 3]; run->grad_std[i] = buf[i * 3 + 1]; run->weight_norm[i] = buf[i * 3 + 2];
  }
done:
  free(buf);
  if (rc) ibsh_run_free(run);
  return rc;
}
