/*
** Sixel images (DEC graphics, shown inline by xterm -ti vt340, mlterm, foot,
** WezTerm, ...): an RGBA8 image reduced to a 256-colour palette and encoded.
*/
#ifndef IBSH_SIXEL_H
#define IBSH_SIXEL_H

#include <stddef.h>

/* Encode w x h RGBA8 pixels (composited over white) as a sixel sequence (DCS ... ST) in *out (malloc'd, *len bytes). */
int ibsh_sixel_encode(const unsigned char *rgba, int w, int h, unsigned char **out, size_t *len);

#endif
