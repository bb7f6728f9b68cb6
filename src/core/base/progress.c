/*
** Progress lines for long loops (progress.h): rate and ETA from the monotonic
** clock, drawn through the caller's writer so the core itself never prints.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "ibsh/progress.h"

/* Seconds on a monotonic clock. */
double ibsh_progress_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Copy src into a fixed buffer, truncating. */
static void copy_text(char *dst, size_t size, const char *src) {
  snprintf(dst, size, "%s", src ? src : "");
}

/* Start counting total units of work named name. */
void ibsh_progress_start(ibsh_progress *p, const char *name, long total, const char *unit,
                         ibsh_progress_mode mode, ibsh_progress_writer write, void *ud) {
  memset(p, 0, sizeof *p);
  copy_text(p->name, sizeof p->name, name);
  copy_text(p->unit, sizeof p->unit, unit);
  p->total = total;
  p->mode = write ? (int)mode : IBSH_PROGRESS_QUIET;
  p->write = write;
  p->ud = ud;
  p->t0 = ibsh_progress_now();
  p->last_draw = -1;
}

/* Write a duration as "12.3s", "4m05s" or "2h07m" into buf. */
void ibsh_progress_duration(double s, char *buf, size_t size) {
  if (!(s >= 0) || !isfinite(s)) snprintf(buf, size, "?");
  else if (s < 60) snprintf(buf, size, s < 10 ? "%.1fs" : "%.0fs", s);
  else if (s < 3600) snprintf(buf, size, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
  else snprintf(buf, size, "%dh%02dm", (int)(s / 3600), (int)fmod(s / 60, 60));
}

/* Write a rate with a precision that suits its size ("4270", "12.5", "0.31"). */
static void format_rate(double rate, char *buf, size_t size) {
  snprintf(buf, size, rate >= 100 ? "%.0f" : rate >= 10 ? "%.1f" : "%.2f", rate);
}

/* The remaining seconds estimated from the rate so far (negative when unknown). */
double ibsh_progress_eta(const ibsh_progress *p, double now) {
  double elapsed = now - p->t0;
  if (p->total <= 0 || p->done <= 0 || elapsed <= 0) return -1;
  return elapsed * (double)(p->total - p->done) / (double)p->done;
}

/* The status line "name  done/total unit  pct  rate/s  ETA 1m05s  note" at time now. */
size_t ibsh_progress_format(const ibsh_progress *p, double now, const char *note, char *buf, size_t size) {
  double elapsed = now - p->t0, rate = elapsed > 0 ? (double)p->done / elapsed : 0;
  char eta[32], r[32];
  format_rate(rate, r, sizeof r);
  double left = ibsh_progress_eta(p, now);
  if (left >= 0) ibsh_progress_duration(left, eta, sizeof eta);
  else copy_text(eta, sizeof eta, "?");
  int n;
  if (p->total > 0)
    n = snprintf(buf, size, "%s  %ld/%ld %s  %3.0f%%  %s %s/s  ETA %s", p->name, p->done, p->total, p->unit,
                 100.0 * (double)p->done / (double)p->total, r, p->unit, eta);
  else
    n = snprintf(buf, size, "%s  %ld %s  %s %s/s", p->name, p->done, p->unit, r, p->unit);
  if (n < 0) n = 0;
  if ((size_t)n >= size) n = size ? (int)size - 1 : 0;
  if (note && *note && (size_t)n + 2 < size) n += snprintf(buf + n, size - (size_t)n, "  %s", note);
  if ((size_t)n >= size) n = size ? (int)size - 1 : 0;
  return (size_t)n;
}

/* Draw the status line in place: carriage return, the line (cut to the terminal's width), clear to the end of the line. */
static void draw(ibsh_progress *p, double now, const char *note) {
  char line[512];
  line[0] = '\r';
  size_t n = 1 + ibsh_progress_format(p, now, note, line + 1, sizeof line - 8);
  if (p->width > 0 && n - 1 > (size_t)p->width) n = 1 + (size_t)p->width;   /* a wrapped line could not be redrawn */
  memcpy(line + n, "\033[K", 3);
  n += 3;
  p->write(line, n, p->ud);
  p->drawn = 1;
  p->last_draw = now;
}

/* Record done units; redraw on a terminal at most ten times a second (the first update always draws). */
void ibsh_progress_update(ibsh_progress *p, long done, const char *note) {
  p->done = done;
  if (p->mode != IBSH_PROGRESS_TTY) return;
  double now = ibsh_progress_now();
  if (p->last_draw >= 0 && now - p->last_draw < 0.1) return;
  draw(p, now, note);
}

/* Finish: a summary for runs of at least IBSH_PROGRESS_MIN_SECONDS; shorter ones erase their line. */
void ibsh_progress_finish(ibsh_progress *p, const char *note, int stopped) {
  if (p->mode == IBSH_PROGRESS_QUIET) return;
  double now = ibsh_progress_now(), elapsed = now - p->t0;
  char line[512], took[32], r[32];
  size_t n = 0;
  if (p->mode == IBSH_PROGRESS_TTY && p->drawn) {
    if (stopped) { p->write("\r\033[K", 4, p->ud); p->drawn = 0; p->mode = IBSH_PROGRESS_QUIET; return; }
    memcpy(line, "\r\033[K", 4);
    n = 4;
  }
  if (!stopped && elapsed >= IBSH_PROGRESS_MIN_SECONDS) {
    ibsh_progress_duration(elapsed, took, sizeof took);
    format_rate(elapsed > 0 ? (double)p->done / elapsed : 0, r, sizeof r);
    int k = snprintf(line + n, sizeof line - n - 2, "%s: %ld %s in %s (%s %s/s)%s%s", p->name, p->done, p->unit,
                     took, r, p->unit, note && *note ? ", " : "",
                     note ? note : "");
    if (k < 0) k = 0;
    n += (size_t)k < sizeof line - n - 2 ? (size_t)k : sizeof line - n - 3;
    line[n++] = '\n';
  }
  if (n) p->write(line, n, p->ud);
  p->drawn = 0;
  p->mode = IBSH_PROGRESS_QUIET;
}
