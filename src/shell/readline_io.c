/*
** Reading one line at the prompt. On a terminal: readline's callback
** interface under pselect, so Ctrl-C (SIGINT) clears the line and gives a
** fresh prompt instead of ending the program. Otherwise: plain lines from
** stdin, without prompts.
*/
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <readline/readline.h>
#include "shell.h"
#include "readline_io.h"

static volatile sig_atomic_t prompt_interrupted = 0;   /* SIGINT seen at the prompt */
static char *finished_line = NULL;   /* the line readline handed back */
static int line_finished = 0;        /* set by the line handler (also on EOF) */

/* SIGINT at the prompt: only note it; the read loop clears the line. */
static void on_prompt_sigint(int signo) {
  (void)signo;
  prompt_interrupted = 1;
}

/* readline's line handler: keep the line (NULL at end of input). */
static void on_line(char *line) {
  finished_line = line;
  line_finished = 1;
  rl_callback_handler_remove();
}

/* Abandon the line being edited after Ctrl-C: show ^C and leave readline's state clean. */
static void abandon_line(void) {
  rl_point = rl_end;
  rl_redisplay();
  rl_free_line_state();
  rl_callback_sigcleanup();
  rl_replace_line("", 0);
  rl_callback_handler_remove();
  fputs("^C\n", rl_outstream ? rl_outstream : stdout);
  fflush(rl_outstream ? rl_outstream : stdout);
}

/* Read one line with readline at a terminal: LINE_OK (*out malloc'd), LINE_EOF or LINE_INTERRUPTED. */
static int read_terminal(const char *prompt, char **out) {
  struct sigaction sa, old;
  sigset_t block, orig;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_prompt_sigint;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old);   /* no SA_RESTART: pselect returns EINTR */
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &orig);
  prompt_interrupted = 0;
  line_finished = 0;
  finished_line = NULL;
  rl_callback_handler_install(prompt, on_line);
  int result = LINE_OK;
  int fd = fileno(rl_instream ? rl_instream : stdin);
  while (!line_finished) {
    fd_set fds;
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    int ready = pselect(fd + 1, &fds, NULL, NULL, NULL, &orig);
    if (prompt_interrupted) {
      abandon_line();
      result = LINE_INTERRUPTED;
      break;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      rl_callback_handler_remove();
      result = LINE_EOF;
      break;
    }
    rl_callback_read_char();
  }
  sigprocmask(SIG_SETMASK, &orig, NULL);
  sigaction(SIGINT, &old, NULL);
  if (result != LINE_OK) return result;
  if (!finished_line) {
    fputc('\n', rl_outstream ? rl_outstream : stdout);
    return LINE_EOF;
  }
  *out = finished_line;
  return LINE_OK;
}

/* Read one line from a pipe or file, without the newline: LINE_OK (*out malloc'd) or LINE_EOF. */
static int read_plain(char **out) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len = getline(&line, &cap, stdin);
  if (len < 0) {
    free(line);
    return LINE_EOF;
  }
  if (len > 0 && line[len - 1] == '\n') line[--len] = '\0';
  if (len > 0 && line[len - 1] == '\r') line[--len] = '\0';
  *out = line;
  return LINE_OK;
}

/* Read one line (interactive: with readline and the prompt); the caller frees *out. */
int read_line(const char *prompt, int interactive, char **out) {
  *out = NULL;
  return interactive ? read_terminal(prompt, out) : read_plain(out);
}

/* Configure readline for ibsh (name for ~/.inputrc, no signal handlers of its own). */
void read_setup(void) {
  rl_readline_name = "ibsh";
  rl_catch_signals = 0;
}
