/*
** Reading one line at the prompt (readline on a terminal, plain lines otherwise).
*/
#ifndef IBSH_READLINE_IO_H
#define IBSH_READLINE_IO_H

enum { LINE_OK, LINE_EOF, LINE_INTERRUPTED };

/* Read one line (interactive: with readline and the prompt); the caller frees *out. */
int read_line(const char *prompt, int interactive, char **out);

/* Configure readline for ibsh (name for ~/.inputrc, no signal handlers of its own). */
void read_setup(void);

#endif
