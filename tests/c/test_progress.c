/*
** Progress lines (progress.h): the status text, ETA from the rate, durations, what each mode
** writes (a redrawn line on a terminal, a summary only for runs of a second or more, nothing quiet).
*/
#include <stdio.h>
#include <string.h>
#include "ibsh/progress.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { printf("FAIL: %s\n", what); failures++; }
}

/* A writer that collects text. */
static void collect(const char *text, size_t len, void *ud) {
  char *buf = (char *)ud;
  size_t have = strlen(buf);
  if (have + len < 4096) { memcpy(buf + have, text, len); buf[have + len] = '\0'; }
}

int main(void) {
  char buf[4096] = "", line[512];
  ibsh_progress p;

  /* status and ETA: 10 of 40 done in 5 s -> 2/s, 15 s left */
  ibsh_progress_start(&p, "mi.infoplane", 40, "snapshots", IBSH_PROGRESS_LOG, collect, buf);
  p.t0 -= 5;
  p.done = 10;
  double now = p.t0 + 5;
  double eta = ibsh_progress_eta(&p, now);
  check(eta > 14.999 && eta < 15.001, "ETA = elapsed * left / done");
  ibsh_progress_format(&p, now, "note", line, sizeof line);
  check(strcmp(line, "mi.infoplane  10/40 snapshots   25%  2.00 snapshots/s  ETA 15s  note") == 0, "status line");
  p.done = 0;
  check(ibsh_progress_eta(&p, now) < 0, "no ETA before the first step");

  /* durations */
  ibsh_progress_duration(3.25, line, sizeof line);
  check(strcmp(line, "3.2s") == 0 || strcmp(line, "3.3s") == 0, "seconds");
  ibsh_progress_duration(125, line, sizeof line);
  check(strcmp(line, "2m05s") == 0, "minutes");
  ibsh_progress_duration(7325, line, sizeof line);
  check(strcmp(line, "2h02m") == 0, "hours");

  /* log mode: nothing during the run, one summary line at the end of a run over a second */
  ibsh_progress_update(&p, 40, NULL);
  check(buf[0] == '\0', "log mode is silent while running");
  ibsh_progress_finish(&p, NULL, 0);
  check(strncmp(buf, "mi.infoplane: 40 snapshots in 5.0s", 34) == 0 && buf[strlen(buf) - 1] == '\n', "summary line");

  /* a short run in log mode leaves nothing */
  buf[0] = '\0';
  ibsh_progress_start(&p, "quick", 3, "steps", IBSH_PROGRESS_LOG, collect, buf);
  ibsh_progress_update(&p, 3, NULL);
  ibsh_progress_finish(&p, NULL, 0);
  check(buf[0] == '\0', "short runs leave no summary");

  /* tty mode: the first update draws in place (\r ... ESC[K); a short run's finish erases the line */
  ibsh_progress_start(&p, "ib.curve", 10, "betas", IBSH_PROGRESS_TTY, collect, buf);
  ibsh_progress_update(&p, 1, NULL);
  check(buf[0] == '\r' && strstr(buf, "ib.curve  1/10 betas") && strstr(buf, "ETA ") && strstr(buf, "\033[K"), "drawn in place");
  ibsh_progress_update(&p, 2, NULL);
  check(!strstr(buf, "2/10"), "redraws at most ten times a second");
  ibsh_progress_finish(&p, NULL, 0);
  check(strcmp(buf + strlen(buf) - 4, "\r\033[K") == 0, "a short run's line is erased");

  /* a terminal narrower than the line: the line is cut so that \r can redraw it (no wrap) */
  buf[0] = '\0';
  ibsh_progress_start(&p, "a.rather.long.name", 1000, "snapshots", IBSH_PROGRESS_TTY, collect, buf);
  p.width = 30;
  ibsh_progress_update(&p, 1, "a long note that would wrap");
  check(strlen(buf) == 1 + 30 + 3 && buf[0] == '\r' && strcmp(buf + 31, "\033[K") == 0, "cut to the terminal width");
  p.mode = IBSH_PROGRESS_QUIET;

  /* quiet: never writes */
  buf[0] = '\0';
  ibsh_progress_start(&p, "q", 1, "x", IBSH_PROGRESS_QUIET, collect, buf);
  p.t0 -= 10;
  ibsh_progress_update(&p, 1, NULL);
  ibsh_progress_finish(&p, NULL, 0);
  check(buf[0] == '\0', "quiet writes nothing");

  /* stopped (interrupted): the drawn line is erased, no summary */
  ibsh_progress_start(&p, "s", 5, "x", IBSH_PROGRESS_TTY, collect, buf);
  p.t0 -= 10;
  ibsh_progress_update(&p, 1, NULL);
  buf[0] = '\0';
  ibsh_progress_finish(&p, NULL, 1);
  check(strcmp(buf, "\r\033[K") == 0, "stopped erases without a summary");

  if (failures) return 1;
  printf("OK\n");
  return 0;
}
