/*
** Worker processes for sweeps: the parent forks `workers` children, sends each
** a job number over a pipe whenever it is idle, and reads back length-prefixed
** results. Children die on SIGINT/SIGTERM; the parent polls ibsh_interrupted()
** and then terminates and reaps them, so a Ctrl-C leaves no orphans.
*/
#define _POSIX_C_SOURCE 200809L
#include "ibsh/sweep.h"
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/parallel.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct {
  pid_t pid;
  int to_child, from_child;
  int busy;        /* a job is assigned and unanswered */
  size_t job;
} worker;

/* Write all n bytes of buf to fd, retrying on EINTR; 0 on success. */
static int write_all(int fd, const void *buf, size_t n) {
  const char *p = buf;
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w; n -= (size_t)w;
  }
  return 0;
}

/* Read exactly n bytes into buf; 0 on success, 1 on clean EOF before any byte, -1 on error. */
static int read_all(int fd, void *buf, size_t n) {
  char *p = buf;
  size_t got = 0;
  while (got < n) {
    ssize_t r = read(fd, p + got, n - got);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return got == 0 ? 1 : -1;
    if (r < 0) return -1;
    got += (size_t)r;
  }
  return 0;
}

/* The child's loop: read job numbers until EOF, run each and send back [job][status][len][bytes]. */
static void child_loop(int in, int out, ibsh_sweep_work_fn work, void *ctx) {
  uint64_t job;
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);
  ibsh_interrupt_clear();
  /* Workers share the cores: one BLAS thread and one ibsh thread each unless the user chose
     (OPENBLAS_NUM_THREADS, IBSH_THREADS); ibsh's parallel loops give the same bits for any count. */
  ibsh_sweep_blas_single();
  if (!getenv("IBSH_THREADS")) ibsh_set_threads(1);
  while (read_all(in, &job, sizeof job) == 0) {
    char *bytes = NULL;
    size_t len = 0;
    int rc = work(ctx, (size_t)job, &bytes, &len);
    uint64_t head[3] = {job, rc == 0 ? 1u : 0u, (uint64_t)len};
    if (bytes == NULL) len = head[2] = 0;
    int bad = write_all(out, head, sizeof head) || (len && write_all(out, bytes, len));
    free(bytes);
    if (bad) break;
  }
  fflush(stdout);
  fflush(stderr);
  _exit(0);
}

/* Kill (if asked) and reap every started worker and close its pipes. */
static void stop_workers(worker *w, int n, int kill_them) {
  for (int i = 0; i < n; i++) {
    if (w[i].to_child >= 0) close(w[i].to_child);
    w[i].to_child = -1;
    if (kill_them && w[i].pid > 0) kill(w[i].pid, SIGTERM);
  }
  for (int i = 0; i < n; i++) {
    if (w[i].pid > 0) {
      while (waitpid(w[i].pid, NULL, 0) < 0 && errno == EINTR) {}
      w[i].pid = 0;
    }
    if (w[i].from_child >= 0) close(w[i].from_child);
    w[i].from_child = -1;
  }
}

/* Fork worker i with its two pipes; 0 on success. */
static int start_worker(worker *w, int i, ibsh_sweep_work_fn work, void *ctx) {
  int down[2], up[2];
  if (pipe(down) < 0) return -1;
  if (pipe(up) < 0) { close(down[0]); close(down[1]); return -1; }
  fflush(stdout);
  fflush(stderr);
  pid_t pid = fork();
  if (pid < 0) { close(down[0]); close(down[1]); close(up[0]); close(up[1]); return -1; }
  if (pid == 0) {
    close(down[1]); close(up[0]);
    for (int k = 0; k < i; k++) { close(w[k].to_child); close(w[k].from_child); }
    child_loop(down[0], up[1], work, ctx);
  }
  close(down[0]); close(up[1]);
  w[i].pid = pid; w[i].to_child = down[1]; w[i].from_child = up[0]; w[i].busy = 0;
  return 0;
}

/* Send the next job (if any) to idle worker i; closes its input when the queue is empty. */
static int feed(worker *w, const size_t *jobs, size_t njobs, size_t *next) {
  if (*next >= njobs) {
    if (w->to_child >= 0) { close(w->to_child); w->to_child = -1; }
    return 0;
  }
  uint64_t job = jobs[*next];
  if (write_all(w->to_child, &job, sizeof job)) return -1;
  w->busy = 1; w->job = jobs[*next];
  (*next)++;
  return 0;
}

/* Describe how worker w ended (for the error message). */
static void describe_exit(worker *w, char *buf, size_t n) {
  int status = 0;
  pid_t r;
  while ((r = waitpid(w->pid, &status, 0)) < 0 && errno == EINTR) {}
  w->pid = 0;
  if (r > 0 && WIFSIGNALED(status)) snprintf(buf, n, "killed by signal %d", WTERMSIG(status));
  else if (r > 0 && WIFEXITED(status)) snprintf(buf, n, "exited with status %d", WEXITSTATUS(status));
  else snprintf(buf, n, "vanished");
}

/* Read one result from worker w and pass it on; 1 when the worker closed its output. */
static int receive(worker *w, ibsh_sweep_result_fn on_result, void *ctx, int *rc) {
  uint64_t head[3];
  int r = read_all(w->from_child, head, sizeof head);
  if (r != 0) {
    if (w->busy) {
      char how[64];
      describe_exit(w, how, sizeof how);
      *rc = ibsh_interrupted() ? ibsh_fail(IBSH_EINTR, "interrupted")
                               : ibsh_fail(IBSH_EIO, "the worker running job %zu %s", w->job, how);
    }
    close(w->from_child); w->from_child = -1;
    return 1;
  }
  if (head[2] > ((uint64_t)1 << 34)) { *rc = ibsh_fail(IBSH_EFORMAT, "absurd result size from a worker"); return 1; }
  char *bytes = malloc(head[2] + 1);
  if (!bytes) { *rc = ibsh_fail(IBSH_ENOMEM, "no memory for a result of %zu bytes", (size_t)head[2]); return 1; }
  if (read_all(w->from_child, bytes, head[2]) != 0 && head[2] > 0) {
    free(bytes);
    *rc = ibsh_fail(IBSH_EIO, "truncated result from the worker running job %zu", w->job);
    return 1;
  }
  bytes[head[2]] = '\0';
  w->busy = 0;
  int cb = on_result(ctx, (size_t)head[0], (int)head[1], bytes, (size_t)head[2]);
  if (cb != 0) *rc = cb;
  free(bytes);
  return 0;
}

/* Run the jobs on forked workers; see sweep.h. */
int ibsh_sweep_fork(const size_t *jobs, size_t njobs, int workers,
                    ibsh_sweep_work_fn work, ibsh_sweep_result_fn on_result, void *ctx) {
  if (workers < 1) return ibsh_fail(IBSH_EINVAL, "workers must be at least 1, got %d", workers);
  if (njobs == 0) return IBSH_OK;
  if ((size_t)workers > njobs) workers = (int)njobs;
  worker *w = calloc((size_t)workers, sizeof *w);
  struct pollfd *fds = calloc((size_t)workers, sizeof *fds);
  if (!w || !fds) { free(w); free(fds); return ibsh_fail(IBSH_ENOMEM, "no memory for %d workers", workers); }
  void (*old_pipe)(int) = signal(SIGPIPE, SIG_IGN);
  int rc = IBSH_OK, started = 0;
  size_t next = 0;
  for (int i = 0; i < workers; i++) w[i].to_child = w[i].from_child = -1;
  for (; started < workers; started++) {
    if (start_worker(w, started, work, ctx)) { rc = ibsh_fail(IBSH_EIO, "cannot start worker %d: %s", started + 1, strerror(errno)); break; }
    if (feed(&w[started], jobs, njobs, &next)) { started++; rc = ibsh_fail(IBSH_EIO, "cannot send a job to worker %d", started); break; }
  }
  int open = started;
  while (rc == IBSH_OK && open > 0) {
    if (ibsh_interrupted()) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); break; }
    int nf = 0;
    for (int i = 0; i < started; i++) {
      fds[i].fd = w[i].from_child; fds[i].events = POLLIN; fds[i].revents = 0;
      if (w[i].from_child >= 0) nf++;
    }
    int p = poll(fds, (nfds_t)started, 200);
    if (p < 0 && errno != EINTR) { rc = ibsh_fail(IBSH_EIO, "poll: %s", strerror(errno)); break; }
    if (p <= 0) continue;
    for (int i = 0; i < started && rc == IBSH_OK; i++) {
      if (w[i].from_child < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      if (receive(&w[i], on_result, ctx, &rc)) { open--; continue; }
      if (rc == IBSH_OK && feed(&w[i], jobs, njobs, &next)) rc = ibsh_fail(IBSH_EIO, "cannot send a job to worker %d", i + 1);
    }
    (void)nf;
  }
  stop_workers(w, started, rc != IBSH_OK);
  signal(SIGPIPE, old_pipe);
  free(w);
  free(fds);
  return rc;
}

/* Create path and its parents; an existing directory is fine. */
int ibsh_sweep_mkdirs(const char *path) {
  size_t n = strlen(path);
  if (n == 0 || n > 4000) return ibsh_fail(IBSH_EINVAL, "bad directory name");
  char buf[4096];
  memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; i++) {
    if (buf[i] != '/' && buf[i] != '\0') continue;
    char c = buf[i];
    buf[i] = '\0';
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
      return ibsh_fail(IBSH_EIO, "cannot create directory %s: %s", buf, strerror(errno));
    buf[i] = c;
  }
  struct stat st;
  if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode)) return ibsh_fail(IBSH_EIO, "%s is not a directory", path);
  return IBSH_OK;
}
