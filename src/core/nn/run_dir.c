/*
** Run directories made atomic as a whole: every save writes a new checkpoint
** directory ckpt-<N>/ (files fsynced), then manifest.json (the checkpoint's
** name and every file's size and FNV-1a 64 hash, itself checksummed) is written
** to a temp file, fsynced and renamed; only then is the previous checkpoint
** removed and the convenience link current -> ckpt-<N> moved. Loading verifies
** every file against the manifest and refuses a mixed, truncated or damaged one.
*/
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "ibsh/run.h"
#include "io/durable.h"
#include "nn/run_files.h"

#define MANIFEST "manifest.json"
#define MANIFEST_MAX 16384

/* Join dir and name into buf. */
static int join(char *buf, size_t len, const char *dir, const char *name) {
  if ((size_t)snprintf(buf, len, "%s/%s", dir, name) >= len) return ibsh_fail(IBSH_EINVAL, "path too long: %s", dir);
  return IBSH_OK;
}

/* Create directory dir and its missing parents (as mkdir -p). */
static int make_dirs(const char *dir) {
  char path[4096];
  if (strlen(dir) >= sizeof path) return ibsh_fail(IBSH_EINVAL, "path too long: %s", dir);
  strcpy(path, dir);
  for (char *p = path + 1; *p; p++) {
    if (*p != '/') continue;
    *p = '\0';
    if (mkdir(path, 0777) != 0 && errno != EEXIST) return ibsh_fail(IBSH_EIO, "cannot create directory %s: %s", path, strerror(errno));
    *p = '/';
  }
  if (mkdir(path, 0777) != 0 && errno != EEXIST) return ibsh_fail(IBSH_EIO, "cannot create directory %s: %s", dir, strerror(errno));
  struct stat st;
  if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) return ibsh_fail(IBSH_EIO, "%s is not a directory", dir);
  return IBSH_OK;
}

/* Remove a checkpoint directory and the plain files in it. */
static void remove_tree(const char *path) {
  DIR *d = opendir(path);
  if (d) {
    struct dirent *e;
    char p[4400];
    while ((e = readdir(d)) != NULL) {
      if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
      snprintf(p, sizeof p, "%s/%s", path, e->d_name);
      remove(p);
    }
    closedir(d);
  }
  rmdir(path);
}

/* The sequence number of a checkpoint name "ckpt-<digits>", or -1. */
static long ckpt_number(const char *name) {
  if (strncmp(name, "ckpt-", 5) != 0 || !name[5]) return -1;
  char *end;
  long n = strtol(name + 5, &end, 10);
  return *end || n < 0 ? -1 : n;
}

/* Read the manifest text of dir into buf (NUL-terminated); IBSH_EIO with errno ENOENT if there is none. */
static int read_manifest_text(const char *dir, char *buf, size_t cap, int *missing) {
  char path[4096];
  int rc = join(path, sizeof path, dir, MANIFEST);
  if (rc) return rc;
  FILE *f = fopen(path, "rb");
  *missing = !f && errno == ENOENT;
  if (!f) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno));
  size_t n = fread(buf, 1, cap - 1, f);
  int bad = ferror(f) || !feof(f);
  if (!bad && fgetc(f) != EOF) bad = 1;
  fclose(f);
  if (bad) return ibsh_fail(IBSH_EFORMAT, "%s: unreadable or too large", path);
  buf[n] = '\0';
  return IBSH_OK;
}

/* Check the manifest's own checksum (its last member covers every byte before that line). */
static int manifest_self_check(const char *text, const char *path) {
  const char *c = strstr(text, "  \"check\": \"");
  uint64_t want;
  if (!c || sscanf(c + 12, "%16" SCNx64, &want) != 1 || strcmp(c + 12 + 16, "\"\n}\n") != 0)
    return ibsh_fail(IBSH_EFORMAT, "%s: truncated or malformed manifest (no final check line)", path);
  if (dur_hash(IBSH_FNV_INIT, text, (size_t)(c - text)) != want)
    return ibsh_fail(IBSH_EFORMAT, "%s: the manifest's checksum does not match its contents (damaged file)", path);
  return IBSH_OK;
}

typedef struct manifest {
  char ckpt[32];
  long epochs;
  run_files files;
} manifest;

/* Parse a checked manifest text into m. */
static int parse_manifest(const char *text, const char *path, manifest *m) {
  memset(m, 0, sizeof *m);
  const char *p = strstr(text, "\"format\": \"ibsh-run-manifest\"");
  if (!p) return ibsh_fail(IBSH_EFORMAT, "%s is not an ibsh run manifest", path);
  p = strstr(text, "\"checkpoint\": \"");
  if (!p || sscanf(p + 15, "%31[^\"]", m->ckpt) != 1 || ckpt_number(m->ckpt) < 0)
    return ibsh_fail(IBSH_EFORMAT, "%s: bad checkpoint name", path);
  p = strstr(text, "\"epochs\": ");
  if (!p || sscanf(p + 10, "%ld", &m->epochs) != 1 || m->epochs < 0) return ibsh_fail(IBSH_EFORMAT, "%s: bad epochs", path);
  p = strstr(text, "\"files\": [");
  if (!p) return ibsh_fail(IBSH_EFORMAT, "%s: no file list", path);
  while ((p = strstr(p, "{\"name\": \"")) != NULL) {
    if (m->files.n >= RUN_MAXFILES) return ibsh_fail(IBSH_EFORMAT, "%s: too many files", path);
    run_file *f = &m->files.f[m->files.n];
    if (sscanf(p, "{\"name\": \"%31[^\"/]\", \"bytes\": %" SCNu64 ", \"fnv1a64\": \"%16" SCNx64 "\"}", f->name, &f->bytes, &f->hash) != 3)
      return ibsh_fail(IBSH_EFORMAT, "%s: bad file entry %d", path, m->files.n + 1);
    m->files.n++;
    p++;
  }
  return IBSH_OK;
}

/* Read and check the manifest of dir. */
static int load_manifest(const char *dir, manifest *m, int *missing) {
  char *text = malloc(MANIFEST_MAX), path[4096];
  if (!text) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  int rc = read_manifest_text(dir, text, MANIFEST_MAX, missing);
  if (!rc) rc = join(path, sizeof path, dir, MANIFEST);
  if (!rc) rc = manifest_self_check(text, path);
  if (!rc) rc = parse_manifest(text, path, m);
  free(text);
  return rc;
}

/* Build the manifest text for checkpoint ckpt into buf; its length goes to *len. */
static int manifest_text(char *buf, size_t cap, const char *ckpt, long epochs, const run_files *files, size_t *len) {
  size_t n = (size_t)snprintf(buf, cap, "{\n  \"format\": \"ibsh-run-manifest\",\n  \"version\": 2,\n  \"checkpoint\": \"%s\",\n"
                              "  \"epochs\": %ld,\n  \"files\": [\n", ckpt, epochs);
  for (int i = 0; i < files->n && n < cap; i++)
    n += (size_t)snprintf(buf + n, cap - n, "    {\"name\": \"%s\", \"bytes\": %" PRIu64 ", \"fnv1a64\": \"%016" PRIx64 "\"}%s\n",
                          files->f[i].name, files->f[i].bytes, files->f[i].hash, i + 1 < files->n ? "," : "");
  if (n < cap) n += (size_t)snprintf(buf + n, cap - n, "  ],\n");
  if (n + 40 >= cap) return ibsh_fail(IBSH_EINVAL, "manifest too large");
  uint64_t h = dur_hash(IBSH_FNV_INIT, buf, n);
  n += (size_t)snprintf(buf + n, cap - n, "  \"check\": \"%016" PRIx64 "\"\n}\n", h);
  *len = n;
  return IBSH_OK;
}

/* Is name a temp file of ours ("<name>.tmp<pid>", as left by a killed save)? */
static int is_temp_name(const char *name) {
  const char *t = strstr(name, ".tmp");
  if (!t || t == name || !t[4]) return 0;
  for (t += 4; *t; t++) if (*t < '0' || *t > '9') return 0;
  return 1;
}

/* Remove stale temp files and unreferenced checkpoint directories of dir; the highest checkpoint number seen goes to *maxseq. */
static void clean_stale(const char *dir, const char *keep, long *maxseq) {
  DIR *d = opendir(dir);
  *maxseq = -1;
  if (!d) return;
  struct dirent *e;
  char p[4400];
  while ((e = readdir(d)) != NULL) {
    long seq = ckpt_number(e->d_name);
    snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
    if (seq >= 0) {
      if (seq > *maxseq) *maxseq = seq;
      if (strcmp(e->d_name, keep) != 0) remove_tree(p);
    } else if (is_temp_name(e->d_name)) {
      remove(p);
    }
  }
  closedir(d);
}

/* Remove the files of the format before manifests (version 1 wrote them at the top of dir). */
static void remove_legacy(const char *dir, int nlayers) {
  static const char *const names[] = {"config.json", "state.npy", "epochs.npy", "metrics.npy", "metrics.csv",
                                      "gradstats.npy", "gradstats.csv", NULL};
  char p[4400];
  for (int i = 0; names[i]; i++) { snprintf(p, sizeof p, "%s/%s", dir, names[i]); remove(p); }
  for (int l = 1; l <= nlayers; l++) {
    snprintf(p, sizeof p, "%s/W%d.npy", dir, l); remove(p);
    snprintf(p, sizeof p, "%s/b%d.npy", dir, l); remove(p);
  }
}

/* Point dir/current at checkpoint ckpt (a symlink replaced atomically); on failure drop the stale link. */
static void update_current(const char *dir, const char *ckpt) {
  char link[4200], tmp[4300];
  snprintf(link, sizeof link, "%s/current", dir);
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", link, (long)getpid());
  remove(tmp);
  if (symlink(ckpt, tmp) != 0 || rename(tmp, link) != 0) {
    remove(tmp);
    remove(link);
  }
}

/* Check that dir can hold a run: create it and write, fsync and remove a probe file. */
int ibsh_run_check_dir(const char *dir) {
  int rc = make_dirs(dir);
  if (rc) return rc;
  char probe[4200];
  snprintf(probe, sizeof probe, "%s/probe.tmp%ld", dir, (long)getpid());
  dur_file w;
  if ((rc = dur_open(&w, probe))) return rc;
  dur_write(&w, "ibsh\n", 5);
  if ((rc = dur_close(&w))) return rc;
  remove(probe);
  return IBSH_OK;
}

/* Save the run to directory dir as a new checkpoint (see run.h and the file comment). */
int ibsh_run_save(const ibsh_run *run, const char *dir, const char *extra_json) {
  int rc = make_dirs(dir), missing = 0;
  if (rc) return rc;
  manifest old;
  if (load_manifest(dir, &old, &missing) != IBSH_OK) {
    /* a damaged manifest: keep the checkpoint it seems to name (for a manual rescue) until this save commits */
    char *text = missing ? NULL : malloc(MANIFEST_MAX);
    const char *p = NULL;
    int miss2 = 0;
    old.ckpt[0] = '\0';
    if (text && read_manifest_text(dir, text, MANIFEST_MAX, &miss2) == IBSH_OK && (p = strstr(text, "\"checkpoint\": \"")) != NULL &&
        (sscanf(p + 15, "%31[^\"]", old.ckpt) != 1 || ckpt_number(old.ckpt) < 0))
      old.ckpt[0] = '\0';
    free(text);
  }
  long maxseq;
  clean_stale(dir, old.ckpt, &maxseq);
  if (ckpt_number(old.ckpt) > maxseq) maxseq = ckpt_number(old.ckpt);
  char name[32], cdir[4096];
  snprintf(name, sizeof name, "ckpt-%06ld", maxseq + 1);
  if ((rc = join(cdir, sizeof cdir, dir, name))) return rc;
  if (mkdir(cdir, 0777) != 0) return ibsh_fail(IBSH_EIO, "cannot create directory %s: %s", cdir, strerror(errno));
  run_files files;
  char *text = malloc(MANIFEST_MAX), mpath[4096];
  if (!text) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  if (!rc) rc = run_files_write(run, cdir, extra_json, &files);
  if (!rc) rc = dur_sync_dir(cdir);
  if (!rc) rc = dur_sync_dir(dir);
  size_t n = 0;
  if (!rc) rc = manifest_text(text, MANIFEST_MAX, name, run->epochs, &files, &n);
  if (!rc) rc = join(mpath, sizeof mpath, dir, MANIFEST);
  if (!rc) rc = dur_replace(dir, mpath, text, n);
  free(text);
  if (rc) {
    remove_tree(cdir);   /* the previous checkpoint and manifest are untouched */
    return rc;
  }
  update_current(dir, name);
  if (old.ckpt[0] && strcmp(old.ckpt, name) != 0) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", dir, old.ckpt);
    remove_tree(p);
  }
  remove_legacy(dir, run->arch.nlayers);
  return IBSH_OK;
}

/* Is name among the n files of the list? */
static int listed(const run_files *files, const char *name) {
  for (int i = 0; i < files->n; i++) if (strcmp(files->f[i].name, name) == 0) return 1;
  return 0;
}

/* Check every file of the manifest against its size and hash. */
static int verify_files(const char *dir, const char *cdir, const manifest *m) {
  char p[4400];
  for (int i = 0; i < m->files.n; i++) {
    const run_file *f = &m->files.f[i];
    uint64_t bytes, hash;
    snprintf(p, sizeof p, "%s/%s", cdir, f->name);
    if (dur_hash_file(p, &bytes, &hash))
      return ibsh_fail(IBSH_EFORMAT, "%s is incomplete: %s/%s is missing (damaged directory; not loaded)", dir, m->ckpt, f->name);
    if (bytes != f->bytes)
      return ibsh_fail(IBSH_EFORMAT, "%s is damaged: %s/%s has %" PRIu64 " bytes, the manifest says %" PRIu64 " (truncated or replaced; not loaded)",
                       dir, m->ckpt, f->name, bytes, f->bytes);
    if (hash != f->hash)
      return ibsh_fail(IBSH_EFORMAT, "%s is damaged: the checksum of %s/%s does not match the manifest (corrupted or mixed; not loaded)",
                       dir, m->ckpt, f->name);
  }
  return IBSH_OK;
}

/* Check that the manifest lists exactly the full set of files of a checkpoint with nlayers layers. */
static int check_complete(const char *dir, const manifest *m, int nlayers) {
  const char *fixed[] = {"config.json", "state.npy", "epochs.npy", "metrics.npy", "metrics.csv", "gradstats.npy", "gradstats.csv"};
  int ok = m->files.n == run_files_count(nlayers);
  for (int i = 0; ok && i < 7; i++) ok = listed(&m->files, fixed[i]);
  for (int l = 1; ok && l <= nlayers; l++) {
    char w[16], b[16];
    snprintf(w, sizeof w, "W%d.npy", l);
    snprintf(b, sizeof b, "b%d.npy", l);
    ok = listed(&m->files, w) && listed(&m->files, b);
  }
  return ok ? IBSH_OK : ibsh_fail(IBSH_EFORMAT, "%s: the manifest does not list the checkpoint's files (damaged; not loaded)", dir);
}

/* Load the checkpoint named by dir's manifest, verified file by file. */
int ibsh_run_load(ibsh_run *run, const char *dir) {
  manifest m;
  int missing = 0, rc = load_manifest(dir, &m, &missing);
  if (rc) {
    if (!missing) return rc;
    char p[4200];
    snprintf(p, sizeof p, "%s/config.json", dir);
    struct stat st;
    if (stat(dir, &st) != 0) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", dir, strerror(errno));
    if (stat(p, &st) == 0)
      return ibsh_fail(IBSH_EFORMAT, "%s has no manifest.json: written by an older ibsh without checksums (save it again with that version's run:save "
                       "after loading, or retrain); not loaded", dir);
    return ibsh_fail(IBSH_EFORMAT, "%s has no manifest.json: not a run directory, or its first save was killed before it completed", dir);
  }
  char cdir[4096];
  if ((rc = join(cdir, sizeof cdir, dir, m.ckpt))) return rc;
  if ((rc = verify_files(dir, cdir, &m))) return rc;
  if ((rc = run_files_read(run, cdir))) return rc;
  rc = check_complete(dir, &m, run->arch.nlayers);
  if (!rc && run->epochs != m.epochs)
    rc = ibsh_fail(IBSH_EFORMAT, "%s: the manifest says %ld epochs, %s/config.json %ld (mixed; not loaded)", dir, m.epochs, m.ckpt, run->epochs);
  if (rc) ibsh_run_free(run);
  return rc;
}
