/*
** Progress of long loops: counts, rate and ETA formatted into one line that a
** writer callback shows (redrawn in place on a terminal, one summary line at
** the end otherwise). The core never prints: the caller supplies the writer.
*/
#ifndef IBSH_PROGRESS_H
#define IBSH_PROGRESS_H

#include <stddef.h>

/* How a progress shows itself. */
typedef enum {
  IBSH_PROGRESS_QUIET = 0,   /* nothing */
  IBSH_PROGRESS_TTY,         /* a line redrawn in place (\r), at most ten times a second */
  IBSH_PROGRESS_LOG          /* one summary line at the end, for runs of at least IBSH_PROGRESS_MIN_SECONDS */
} ibsh_progress_mode;

/* Runs shorter than this leave no trace (their terminal line is erased, no summary is written). */
#define IBSH_PROGRESS_MIN_SECONDS 1.0

/* Receives text to show (a whole line, or "\r" + line for a redraw). */
typedef void (*ibsh_progress_writer)(const char *text, size_t len, void *ud);

typedef struct ibsh_progress {
  char name[64];          /* what runs, e.g. "mi.infoplane" */
  char unit[32];          /* what is counted, e.g. "snapshots" */
  long total, done;       /* total <= 0: unknown */
  double t0, last_draw;   /* monotonic seconds */
  int mode, drawn;        /* drawn: a line is on the terminal */
  int width;              /* terminal columns the redrawn line must fit (0: no limit) */
  ibsh_progress_writer write;
  void *ud;
} ibsh_progress;

/* Seconds on a monotonic clock. */
double ibsh_progress_now(void);

/* Start counting total units of work named name; nothing shows until the first update. */
void ibsh_progress_start(ibsh_progress *p, const char *name, long total, const char *unit,
                         ibsh_progress_mode mode, ibsh_progress_writer write, void *ud);

/* Record done units (and an optional note such as "loss 0.12"); redraws on a terminal at most ten times a second. */
void ibsh_progress_update(ibsh_progress *p, long done, const char *note);

/* The status line "name  done/total unit  pct  rate/s  ETA 1m05s  note" at time now. */
size_t ibsh_progress_format(const ibsh_progress *p, double now, const char *note, char *buf, size_t size);

/* The remaining seconds estimated from the rate so far (negative when unknown). */
double ibsh_progress_eta(const ibsh_progress *p, double now);

/* Finish: a summary line for runs of at least IBSH_PROGRESS_MIN_SECONDS (on a terminal it replaces the
** status line; shorter runs erase it). stopped (interrupted or failed) erases a drawn line, no summary. */
void ibsh_progress_finish(ibsh_progress *p, const char *note, int stopped);

/* Write a duration as "12.3s", "4m05s" or "2h07m" into buf. */
void ibsh_progress_duration(double seconds, char *buf, size_t size);

#endif
