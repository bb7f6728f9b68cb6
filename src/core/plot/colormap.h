/*
** Colour maps (viridis, plasma, magma, inferno, cividis-like, the paper's gnuplot map,
** gray, hot, jet, coolwarm) and colour parsing ("red", "#1f77b4", "C0", "0.5" grey).
*/
#ifndef IBSH_COLORMAP_H
#define IBSH_COLORMAP_H

/* Index of colour map name, or -1 when unknown. */
int ibsh_colormap_find(const char *name);

/* Name of colour map index i, or NULL past the last one. */
const char *ibsh_colormap_name(int i);

/* Colour of map cmap at t in [0, 1] (clamped) as r, g, b in [0, 1]. */
void ibsh_colormap_eval(int cmap, double t, double rgb[3]);

/* Fill a 256-entry RGBA8 lookup table for map cmap with the given alpha in [0, 1]. */
void ibsh_colormap_lut(int cmap, double alpha, unsigned char lut[256][4]);

/* Parse a colour (name, #rgb, #rrggbb, #rrggbbaa, C0..C9, grey level "0.5") into rgba in [0, 1]. */
int ibsh_color_parse(const char *s, double rgba[4]);

/* The i-th colour of the default cycle (matplotlib's tab10), i taken modulo 10. */
void ibsh_color_cycle(int i, double rgba[4]);

#endif
