/*
** Durable writes (see durable.h): checked, hashed, fsynced files and directory
** fsync, with a test-only byte budget that simulates a full disk.
*/
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "io/durable.h"

static long long written_total = 0;   /* bytes written through dur_write by this process */

/* The test-only byte budget from IBSH_TEST_WRITE_LIMIT, or -1 for none. */
static long long write_limit(void) {
  const char *s = getenv("IBSH_TEST_WRITE_LIMIT");
  if (!s || !*s) return -1;
  return strtoll(s, NULL, 10);
}

/* Extend an FNV-1a 64 hash h with n bytes. */
uint64_t dur_hash(uint64_t h, const void *data, size_t n) {
  const unsigned char *p = data;
  for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
  return h;
}

/* Create (truncate) path for writing. */
int dur_open(dur_file *w, const char *path) {
  memset(w, 0, sizeof *w);
  w->hash = IBSH_FNV_INIT;
  if ((size_t)snprintf(w->path, sizeof w->path, "%s", path) >= sizeof w->path)
    return ibsh_fail(IBSH_EINVAL, "path too long: %s", path);
  w->f = fopen(path, "wb");
  if (!w->f) return ibsh_fail(IBSH_EIO, "cannot write %s: %s", path, strerror(errno));
  return IBSH_OK;
}

/* Append n bytes; the first error is remembered. */
void dur_write(dur_file *w, const void *data, size_t n) {
  if (w->err || n == 0) return;
  long long limit = write_limit();
  if (limit >= 0 && written_total + (long long)n > limit) { w->err = ENOSPC; return; }
  if (fwrite(data, 1, n, w->f) != n) { w->err = errno ? errno : EIO; return; }
  written_total += (long long)n;
  w->hash = dur_hash(w->hash, data, n);
  w->bytes += n;
}

/* Append printf-formatted text. */
void dur_printf(dur_file *w, const char *fmt, ...) {
  char buf[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n < 0 || (size_t)n >= sizeof buf) { if (!w->err) w->err = EINVAL; return; }
  dur_write(w, buf, (size_t)n);
}

/* Flush, fsync and close; on any failure remove the file and report. */
int dur_close(dur_file *w) {
  if (!w->f) return ibsh_fail(IBSH_EIO, "cannot write %s: not open", w->path);
  int e = w->err;
  if (!e && fflush(w->f) != 0) e = errno ? errno : EIO;
  if (!e && fsync(fileno(w->f)) != 0) e = errno ? errno : EIO;
  if (fclose(w->f) != 0 && !e) e = errno ? errno : EIO;
  w->f = NULL;
  if (e) {
    remove(w->path);
    return ibsh_fail(IBSH_EIO, "cannot write %s: %s", w->path, strerror(e));
  }
  return IBSH_OK;
}

/* fsync a directory. */
int dur_sync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ibsh_fail(IBSH_EIO, "cannot open directory %s: %s", dir, strerror(errno));
  int rc = fsync(fd) == 0 || errno == EINVAL ? IBSH_OK : ibsh_fail(IBSH_EIO, "cannot sync directory %s: %s", dir, strerror(errno));
  close(fd);
  return rc;
}

/* Write text to a temp file next to path, fsync, rename over path, fsync dir. */
int dur_replace(const char *dir, const char *path, const void *text, size_t n) {
  char tmp[4300];
  snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
  dur_file w;
  int rc = dur_open(&w, tmp);
  if (rc) return rc;
  dur_write(&w, text, n);
  if ((rc = dur_close(&w))) return rc;
  if (rename(tmp, path) != 0) {
    int e = errno;
    remove(tmp);
    return ibsh_fail(IBSH_EIO, "cannot rename %s to %s: %s", tmp, path, strerror(e));
  }
  return dur_sync_dir(dir);
}

/* Hash the whole file at path. */
int dur_hash_file(const char *path, uint64_t *bytes, uint64_t *hash) {
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "cannot open %s: %s", path, strerror(errno));
  unsigned char buf[65536];
  uint64_t h = IBSH_FNV_INIT, total = 0;
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
    h = dur_hash(h, buf, n);
    total += n;
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) return ibsh_fail(IBSH_EIO, "cannot read %s", path);
  *bytes = total;
  *hash = h;
  return IBSH_OK;
}
