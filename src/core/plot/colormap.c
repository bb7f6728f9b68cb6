/*
** Colour maps and colour parsing. The perceptual maps use published degree-6
** polynomial fits of matplotlib's tables (within about 5/255, largest at the ends).
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "colormap.h"
#include "ibsh/error.h"

typedef struct poly_map { const char *name; double c[7][3]; } poly_map;

static const poly_map poly_maps[] = {
  {"viridis", {{0.2777273272234177, 0.005407344544966578, 0.3340998053353061},
               {0.1050930431085774, 1.404613529898575, 1.384590162594685},
               {-0.3308618287255563, 0.214847559468213, 0.09509516302823659},
               {-4.634230498983486, -5.799100973351585, -19.33244095627987},
               {6.228269936347081, 14.17993336680509, 56.69055260068105},
               {4.776384997670288, -13.74514537774601, -65.35303263337234},
               {-5.435455855934631, 4.645852612178535, 26.3124352495832}}},
  {"plasma", {{0.05873234392399702, 0.02333670892565664, 0.5433401826748754},
              {2.176514634195958, 0.2383834171260182, 0.7539604599784036},
              {-2.689460476458034, -7.455851135738909, 3.110799939717086},
              {6.130348345893603, 42.3461881477227, -28.51885465332158},
              {-11.10743619062271, -82.66631109428045, 60.13984767418263},
              {10.02306557647065, 71.41361770095349, -54.07218655560067},
              {-3.658713842777788, -22.93153465461149, 18.19190778539828}}},
  {"magma", {{-0.002136485053939582, -0.000749655052795221, -0.005386127855323933},
             {0.2516605407371642, 0.6775232436837668, 2.494026599312351},
             {8.353717279216625, -3.577719514958484, 0.3144679030132573},
             {-27.66873308576866, 14.26473078096533, -13.64921318813922},
             {52.17613981234068, -27.94360607168351, 12.94416944238394},
             {-50.76852536473588, 29.04658282127291, 4.23415299384598},
             {18.65570506591883, -11.48977351997711, -5.601961508734096}}},
  {"inferno", {{0.0002189403691192265, 0.001651004631001012, -0.01948089843709184},
               {0.1065134194856116, 0.5639564367884091, 3.932712388889277},
               {11.60249308247187, -3.972853965665698, -15.9423941062914},
               {-41.70399613139459, 17.43639888205313, 44.35414519872813},
               {77.162935699427, -33.40235894210092, -81.80730925738993},
               {-71.31942824499214, 32.62606426397723, 73.20951985803202},
               {25.13112622477341, -12.24266895238567, -23.07032500287172}}},
};
#define NPOLY ((int)(sizeof poly_maps / sizeof poly_maps[0]))

static const char *const formula_names[] = {"gnuplot", "gray", "hot", "jet", "coolwarm", NULL};

/* Clamp v to [0, 1]. */
static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* Index of colour map name, or -1 when unknown. */
int ibsh_colormap_find(const char *name) {
  if (!name) return -1;
  for (int i = 0; ibsh_colormap_name(i); i++)
    if (strcasecmp(name, ibsh_colormap_name(i)) == 0) return i;
  if (strcasecmp(name, "grey") == 0) return ibsh_colormap_find("gray");
  return -1;
}

/* Name of colour map index i, or NULL past the last one. */
const char *ibsh_colormap_name(int i) {
  if (i < 0) return NULL;
  if (i < NPOLY) return poly_maps[i].name;
  return formula_names[i - NPOLY];
}

/* Piecewise-linear interpolation through (x, y) knots, for jet and coolwarm. */
static double knots(double t, const double *xs, const double *ys, int n) {
  if (t <= xs[0]) return ys[0];
  for (int i = 1; i < n; i++)
    if (t <= xs[i]) return ys[i - 1] + (ys[i] - ys[i - 1]) * (t - xs[i - 1]) / (xs[i] - xs[i - 1]);
  return ys[n - 1];
}

/* Colour of a formula-defined map (index after the polynomial maps). */
static void formula_eval(int which, double t, double rgb[3]) {
  switch (which) {
  case 0:  /* gnuplot 7,5,15 as in matplotlib */
    rgb[0] = sqrt(t); rgb[1] = t * t * t; rgb[2] = sin(6.283185307179586 * t); break;
  case 1: rgb[0] = rgb[1] = rgb[2] = t; break;
  case 2: {  /* matplotlib's hot: black, red, yellow, white */
    static const double xr[] = {0, 0.365079, 1}, yr[] = {0.0416, 1, 1};
    static const double xg[] = {0, 0.365079, 0.746032, 1}, yg[] = {0, 0, 1, 1};
    static const double xb[] = {0, 0.746032, 1}, yb[] = {0, 0, 1};
    rgb[0] = knots(t, xr, yr, 3); rgb[1] = knots(t, xg, yg, 4); rgb[2] = knots(t, xb, yb, 3); break;
  }
  case 3: {
    static const double xr[] = {0, 0.35, 0.66, 0.89, 1}, yr[] = {0, 0, 1, 1, 0.5};
    static const double xg[] = {0, 0.125, 0.375, 0.64, 0.91, 1}, yg[] = {0, 0, 1, 1, 0, 0};
    static const double xb[] = {0, 0.11, 0.34, 0.65, 1}, yb[] = {0.5, 1, 1, 0, 0};
    rgb[0] = knots(t, xr, yr, 5); rgb[1] = knots(t, xg, yg, 6); rgb[2] = knots(t, xb, yb, 5); break;
  }
  default: {
    static const double x[] = {0, 0.5, 1};
    static const double r[] = {0.230, 0.865, 0.706}, g[] = {0.299, 0.865, 0.016}, b[] = {0.754, 0.865, 0.150};
    rgb[0] = knots(t, x, r, 3); rgb[1] = knots(t, x, g, 3); rgb[2] = knots(t, x, b, 3); break;
  }
  }
}

/* Colour of map cmap at t in [0, 1] (clamped) as r, g, b in [0, 1]. */
void ibsh_colormap_eval(int cmap, double t, double rgb[3]) {
  t = isnan(t) ? 0 : clamp01(t);
  if (cmap >= 0 && cmap < NPOLY) {
    const poly_map *m = &poly_maps[cmap];
    for (int k = 0; k < 3; k++) {
      double v = m->c[6][k];
      for (int d = 5; d >= 0; d--) v = v * t + m->c[d][k];
      rgb[k] = v;
    }
  } else {
    formula_eval(cmap < 0 ? 1 : cmap - NPOLY, t, rgb);
  }
  for (int k = 0; k < 3; k++) rgb[k] = clamp01(rgb[k]);
}

/* Fill a 256-entry RGBA8 lookup table for map cmap with the given alpha in [0, 1]. */
void ibsh_colormap_lut(int cmap, double alpha, unsigned char lut[256][4]) {
  double rgb[3];
  for (int i = 0; i < 256; i++) {
    ibsh_colormap_eval(cmap, i / 255.0, rgb);
    for (int k = 0; k < 3; k++) lut[i][k] = (unsigned char)lround(rgb[k] * 255);
    lut[i][3] = (unsigned char)lround(clamp01(alpha) * 255);
  }
}

typedef struct named_color { const char *name; unsigned rgb; } named_color;

static const named_color named[] = {
  {"black", 0x000000}, {"white", 0xffffff}, {"red", 0xff0000}, {"green", 0x008000},
  {"blue", 0x0000ff}, {"cyan", 0x00bfbf}, {"magenta", 0xbf00bf}, {"yellow", 0xbfbf00},
  {"gray", 0x808080}, {"grey", 0x808080}, {"lightgray", 0xd3d3d3}, {"lightgrey", 0xd3d3d3},
  {"darkgray", 0xa9a9a9}, {"orange", 0xffa500}, {"purple", 0x800080}, {"brown", 0xa52a2a},
  {"pink", 0xffc0cb}, {"olive", 0x808000}, {"navy", 0x000080}, {"teal", 0x008080},
  {"k", 0x000000}, {"w", 0xffffff}, {"r", 0xff0000}, {"g", 0x008000}, {"b", 0x0000ff},
  {"c", 0x00bfbf}, {"m", 0xbf00bf}, {"y", 0xbfbf00},
  {"tab:blue", 0x1f77b4}, {"tab:orange", 0xff7f0e}, {"tab:green", 0x2ca02c}, {"tab:red", 0xd62728},
  {"tab:purple", 0x9467bd}, {"tab:brown", 0x8c564b}, {"tab:pink", 0xe377c2}, {"tab:gray", 0x7f7f7f},
  {"tab:olive", 0xbcbd22}, {"tab:cyan", 0x17becf},
};

static const unsigned tab10[10] = {0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd,
                                   0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf};

/* Split a 0xRRGGBB value into rgba with alpha 1. */
static void from_hex(unsigned v, double rgba[4]) {
  rgba[0] = ((v >> 16) & 255) / 255.0;
  rgba[1] = ((v >> 8) & 255) / 255.0;
  rgba[2] = (v & 255) / 255.0;
  rgba[3] = 1;
}

/* The i-th colour of the default cycle (matplotlib's tab10), i taken modulo 10. */
void ibsh_color_cycle(int i, double rgba[4]) {
  from_hex(tab10[((i % 10) + 10) % 10], rgba);
}

/* Parse a colour (name, #rgb, #rrggbb, #rrggbbaa, C0..C9, grey level "0.5") into rgba in [0, 1]. */
int ibsh_color_parse(const char *s, double rgba[4]) {
  if (!s) return ibsh_fail(IBSH_EINVAL, "missing colour");
  for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
    if (strcasecmp(s, named[i].name) == 0) { from_hex(named[i].rgb, rgba); return IBSH_OK; }
  if ((s[0] == 'C' || s[0] == 'c') && s[1] >= '0' && s[1] <= '9' && s[2] == 0) {
    ibsh_color_cycle(s[1] - '0', rgba);
    return IBSH_OK;
  }
  if (s[0] == '#') {
    size_t n = strlen(s + 1);
    char *end;
    unsigned long v = strtoul(s + 1, &end, 16);
    if (*end == 0 && (n == 3 || n == 6 || n == 8)) {
      if (n == 3) v = ((v >> 8 & 15) * 0x110000) | ((v >> 4 & 15) * 0x1100) | ((v & 15) * 0x11);
      if (n == 8) { from_hex((unsigned)(v >> 8), rgba); rgba[3] = (v & 255) / 255.0; }
      else from_hex((unsigned)v, rgba);
      return IBSH_OK;
    }
  }
  char *end;
  double g = strtod(s, &end);
  if (end != s && *end == 0 && g >= 0 && g <= 1) {
    rgba[0] = rgba[1] = rgba[2] = g; rgba[3] = 1;
    return IBSH_OK;
  }
  return ibsh_fail(IBSH_EINVAL, "unknown colour '%s' (use a name like \"red\", \"#1f77b4\", \"C0\" or a grey level \"0.5\")", s);
}
