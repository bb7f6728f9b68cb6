/*
** Anti-aliased rasteriser on premultiplied RGBA8 pixels. Strokes accumulate
** per-path coverage in a float mask (max of segment capsules, so joins are not
** blended twice) and composite it once; fills use the signed-area accumulation
** method; markers use cached supersampled stamps at quarter-pixel offsets.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/raster.h"

#define STAMP_SUB 4          /* sub-pixel offsets per axis */
#define STAMP_CACHE 64

struct ibsh_stamp {
  float diam;
  int shape;
  int size;                  /* stamp is size x size pixels per offset */
  int radius;                /* centre pixel offset inside the stamp */
  unsigned char *cov;        /* STAMP_SUB^2 stamps */
};

/* Round x / 255 for x in [0, 255 * 255]. */
static inline unsigned div255(unsigned x) { x += 128; return (x + (x >> 8)) >> 8; }

/* Blend straight-alpha colour c (alpha already scaled by coverage: a in 0..255) into premultiplied d. */
static inline void blend(unsigned char *d, const unsigned char *c, unsigned a) {
  if (a == 0) return;
  if (a >= 255) { d[0] = c[0]; d[1] = c[1]; d[2] = c[2]; d[3] = 255; return; }
  unsigned ia = 255 - a;
  d[0] = (unsigned char)div255(c[0] * a + d[0] * ia);
  d[1] = (unsigned char)div255(c[1] * a + d[1] * ia);
  d[2] = (unsigned char)div255(c[2] * a + d[2] * ia);
  d[3] = (unsigned char)(a + div255(d[3] * ia));
}

/* Convert a [0, 1] colour to RGBA8. */
static void to8(const double rgba[4], unsigned char c[4]) {
  for (int k = 0; k < 4; k++) {
    double v = rgba[k] < 0 ? 0 : rgba[k] > 1 ? 1 : rgba[k];
    c[k] = (unsigned char)lround(v * 255);
  }
}

/* Allocate a w x h raster filled with the straight-alpha colour bg (rgba in [0, 1]). */
int ibsh_raster_init(ibsh_raster *r, int w, int h, const double bg[4]) {
  memset(r, 0, sizeof *r);
  if (w <= 0 || h <= 0 || w > 32768 || h > 32768)
    return ibsh_fail(IBSH_EINVAL, "image size %dx%d out of range (1..32768)", w, h);
  r->px = malloc((size_t)w * (size_t)h * 4);
  if (!r->px) return ibsh_fail(IBSH_ENOMEM, "out of memory for a %dx%d image", w, h);
  r->w = w;
  r->h = h;
  unsigned char c[4];
  to8(bg, c);
  unsigned char p[4] = {(unsigned char)div255(c[0] * c[3]), (unsigned char)div255(c[1] * c[3]),
                        (unsigned char)div255(c[2] * c[3]), c[3]};
  for (size_t i = 0; i < (size_t)w * (size_t)h; i++) memcpy(r->px + 4 * i, p, 4);
  ibsh_raster_noclip(r);
  return IBSH_OK;
}

/* Release the raster's memory. */
void ibsh_raster_free(ibsh_raster *r) {
  free(r->px);
  free(r->mask);
  free(r->span);
  for (int i = 0; i < r->nstamps; i++) free(r->stamps[i].cov);
  free(r->stamps);
  memset(r, 0, sizeof *r);
}

/* Restrict drawing to [x0, x1) x [y0, y1) (clamped to the image). */
void ibsh_raster_clip(ibsh_raster *r, int x0, int y0, int x1, int y1) {
  r->cx0 = x0 < 0 ? 0 : x0 > r->w ? r->w : x0;
  r->cy0 = y0 < 0 ? 0 : y0 > r->h ? r->h : y0;
  r->cx1 = x1 < r->cx0 ? r->cx0 : x1 > r->w ? r->w : x1;
  r->cy1 = y1 < r->cy0 ? r->cy0 : y1 > r->h ? r->h : y1;
}

/* Drawing everywhere again. */
void ibsh_raster_noclip(ibsh_raster *r) {
  ibsh_raster_clip(r, 0, 0, r->w, r->h);
}

/* Overlap of [a, b] with the unit interval [i, i + 1]. */
static double overlap(double a, double b, int i) {
  double lo = a > i ? a : i, hi = b < i + 1 ? b : i + 1;
  return hi > lo ? hi - lo : 0;
}

/* Fill the rectangle [x0, x1] x [y0, y1] with partial coverage on fractional edges. */
void ibsh_raster_fill_rect(ibsh_raster *r, double x0, double y0, double x1, double y1, const double rgba[4]) {
  if (!(x1 > x0 && y1 > y0)) return;
  unsigned char c[4];
  to8(rgba, c);
  int ix0 = (int)fmax(floor(x0), r->cx0), ix1 = (int)fmin(ceil(x1), r->cx1);
  int iy0 = (int)fmax(floor(y0), r->cy0), iy1 = (int)fmin(ceil(y1), r->cy1);
  for (int y = iy0; y < iy1; y++) {
    double oy = overlap(y0, y1, y);
    for (int x = ix0; x < ix1; x++) {
      double cov = oy * overlap(x0, x1, x);
      blend(r->px + 4 * ((size_t)y * (size_t)r->w + (size_t)x), c, (unsigned)lround(c[3] * cov));
    }
  }
}

typedef struct box { int x0, y0, x1, y1; } box;

/* Max-accumulate the coverage of a capsule (segment a-b, half width hw) into the mask. */
static void capsule(ibsh_raster *r, double ax, double ay, double bx, double by, double hw, box *dirty) {
  double R = hw + 1;
  int y0 = (int)fmax(floor(fmin(ay, by) - R), r->cy0), y1 = (int)fmin(ceil(fmax(ay, by) + R), r->cy1);
  int bx0 = (int)fmax(floor(fmin(ax, bx) - R), r->cx0), bx1 = (int)fmin(ceil(fmax(ax, bx) + R), r->cx1);
  if (y0 >= y1 || bx0 >= bx1) return;
  double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy, len = sqrt(len2);
  if (y0 < dirty->y0) dirty->y0 = y0;
  if (y1 > dirty->y1) dirty->y1 = y1;
  if (bx0 < dirty->x0) dirty->x0 = bx0;
  if (bx1 > dirty->x1) dirty->x1 = bx1;
  for (int y = y0; y < y1; y++) {
    double yc = y + 0.5;
    int x0 = bx0, x1 = bx1;
    if (fabs(dy) > 1e-12) {
      double xa = ax + ((yc - ay) * dx - R * len) / dy, xb = ax + ((yc - ay) * dx + R * len) / dy;
      if (xa > xb) { double t = xa; xa = xb; xb = t; }
      if (xa > x0) x0 = (int)fmin(floor(xa), x1);
      if (xb < x1) x1 = (int)fmax(ceil(xb) + 1, x0);
      if (x1 > bx1) x1 = bx1;
    }
    float *row = r->mask + (size_t)y * (size_t)r->w;
    int *sp = r->span + 2 * (size_t)y;
    if (x0 < sp[0]) sp[0] = x0;
    if (x1 > sp[1]) sp[1] = x1;
    for (int x = x0; x < x1; x++) {
      double px = x + 0.5 - ax, py = yc - ay;
      double t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      double ex = px - t * dx, ey = py - t * dy;
      double cov = hw + 0.5 - sqrt(ex * ex + ey * ey);
      if (cov <= 0) continue;
      if (cov > 1) cov = 1;
      if (cov > row[x]) row[x] = (float)cov;
    }
  }
}

/* Walk a segment through the dash pattern, emitting the "on" pieces as capsules. */
static void dashed(ibsh_raster *r, double ax, double ay, double bx, double by, double hw,
                   const double *dash, int ndash, int *di, double *left, box *dirty) {
  double len = hypot(bx - ax, by - ay), pos = 0;
  while (pos < len) {
    double step = fmin(*left, len - pos);
    if ((*di & 1) == 0) {
      double t0 = pos / len, t1 = (pos + step) / len;
      capsule(r, ax + t0 * (bx - ax), ay + t0 * (by - ay), ax + t1 * (bx - ax), ay + t1 * (by - ay), hw, dirty);
    }
    pos += step;
    *left -= step;
    if (*left <= 1e-9) { *di = (*di + 1) % ndash; *left = dash[*di]; }
  }
}

/* Clamp a coordinate to a range where arithmetic stays exact enough. */
static double tame(double v) { return v < -1e7 ? -1e7 : v > 1e7 ? 1e7 : v; }

/* Stroke a polyline of n points xy[2i], xy[2i+1] (a NaN point breaks it); dash lengths in pixels or NULL. */
int ibsh_raster_stroke(ibsh_raster *r, const double *xy, size_t n, double width, const double rgba[4],
                       const double *dash, int ndash) {
  if (!(width > 0) || n == 0) return IBSH_OK;
  if (!r->mask) {
    r->mask = calloc((size_t)r->w * (size_t)r->h, sizeof *r->mask);
    r->span = malloc(2 * (size_t)r->h * sizeof *r->span);
    if (!r->mask || !r->span) return ibsh_fail(IBSH_ENOMEM, "out of memory for a stroke mask");
    for (int y = 0; y < r->h; y++) { r->span[2 * y] = r->w; r->span[2 * y + 1] = 0; }
  }
  double scale = width < 1 ? width : 1, hw = (width < 1 ? 1 : width) / 2;
  double dsum = 0;
  for (int i = 0; i < ndash; i++) dsum += dash[i] > 0 ? dash[i] : 0;
  if (!dash || ndash < 2 || !(dsum > 0)) ndash = 0;
  int di = 0;
  double left = ndash ? dash[0] : 0;
  box dirty = {r->w, r->h, 0, 0};
  int prev = 0;
  for (size_t i = 0; i < n; i++) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    if (!isfinite(x) || !isfinite(y)) { prev = 0; continue; }
    x = tame(x); y = tame(y);
    if (prev) {
      double px = tame(xy[2 * i - 2]), py = tame(xy[2 * i - 1]);
      if (ndash) dashed(r, px, py, x, y, hw, dash, ndash, &di, &left, &dirty);
      else capsule(r, px, py, x, y, hw, &dirty);
    } else if (n == 1 || i + 1 == n || !isfinite(xy[2 * i + 2]) || !isfinite(xy[2 * i + 3])) {
      capsule(r, x, y, x, y, hw, &dirty);  /* an isolated point: a dot */
    }
    prev = 1;
    if ((i & 4095) == 4095 && ibsh_interrupted()) break;
  }
  unsigned char c[4];
  to8(rgba, c);
  for (int y = dirty.y0; y < dirty.y1; y++) {
    float *m = r->mask + (size_t)y * (size_t)r->w;
    unsigned char *p = r->px + 4 * (size_t)y * (size_t)r->w;
    int *sp = r->span + 2 * (size_t)y, xs = sp[0], xe = sp[1];
    sp[0] = r->w;
    sp[1] = 0;
    for (int x = xs; x < xe; x++) {
      if (m[x] > 0) {
        blend(p + 4 * x, c, (unsigned)lround(c[3] * m[x] * scale));
        m[x] = 0;
      }
    }
  }
  return ibsh_interrupted() ? ibsh_fail(IBSH_EINTR, "interrupted") : IBSH_OK;
}

/* Accumulate the signed area of one edge into acc (rows of stride bw + 2), after font-rs. */
static void area_edge(float *acc, int bw, int bh, double x0, double y0, double x1, double y1) {
  if (y0 == y1) return;
  double dir = 1;
  if (y0 > y1) { double t = x0; x0 = x1; x1 = t; t = y0; y0 = y1; y1 = t; dir = -1; }
  double dxdy = (x1 - x0) / (y1 - y0);
  double x = x0;
  int ys = (int)floor(y0);
  if (ys < 0) { x -= y0 * dxdy; ys = 0; } else x += ((double)ys > y0 ? ys - y0 : 0) * dxdy;
  int ye = (int)fmin(ceil(y1), bh);
  size_t stride = (size_t)bw + 2;
  for (int y = ys; y < ye; y++) {
    double dy = fmin(y + 1, y1) - fmax(y, y0);
    double xnext = x + dxdy * dy, d = dy * dir;
    double xa = fmin(fmax(fmin(x, xnext), 0), bw), xb = fmin(fmax(fmax(x, xnext), 0), bw);
    float *row = acc + (size_t)y * stride;
    double xaf = floor(xa);
    int xai = (int)xaf, xbi = (int)ceil(xb);
    if (xbi <= xai + 1) {
      double xm = 0.5 * (xa + xb) - xaf;
      row[xai] += (float)(d - d * xm);
      row[xai + 1] += (float)(d * xm);
    } else {
      double s = 1 / (xb - xa), f0 = xa - xaf, f1 = xb - ceil(xb) + 1;
      double a0 = 0.5 * s * (1 - f0) * (1 - f0), am = 0.5 * s * f1 * f1;
      row[xai] += (float)(d * a0);
      if (xbi == xai + 2) {
        row[xai + 1] += (float)(d * (1 - a0 - am));
      } else {
        double a1 = s * (1.5 - f0);
        row[xai + 1] += (float)(d * (a1 - a0));
        for (int xi = xai + 2; xi < xbi - 1; xi++) row[xi] += (float)(d * s);
        double a2 = a1 + (xbi - xai - 3) * s;
        row[xbi - 1] += (float)(d * (1 - a2 - am));
      }
      row[xbi] += (float)(d * am);
    }
    x = xnext;
  }
}

/* Fill a polygon of n points (non-zero winding) with anti-aliased edges. */
int ibsh_raster_fill_poly(ibsh_raster *r, const double *xy, size_t n, const double rgba[4]) {
  double minx = INFINITY, miny = INFINITY, maxx = -INFINITY, maxy = -INFINITY;
  size_t m = 0;
  for (size_t i = 0; i < n; i++) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    if (!isfinite(x) || !isfinite(y)) continue;
    m++;
    minx = fmin(minx, x); maxx = fmax(maxx, x); miny = fmin(miny, y); maxy = fmax(maxy, y);
  }
  if (m < 3) return IBSH_OK;
  int bx0 = (int)fmax(floor(minx), r->cx0), bx1 = (int)fmin(ceil(maxx), r->cx1);
  int by0 = (int)fmax(floor(miny), r->cy0), by1 = (int)fmin(ceil(maxy), r->cy1);
  if (bx0 >= bx1 || by0 >= by1) return IBSH_OK;
  int bw = bx1 - bx0, bh = by1 - by0;
  float *acc = calloc(((size_t)bw + 2) * (size_t)bh, sizeof *acc);
  if (!acc) return ibsh_fail(IBSH_ENOMEM, "out of memory filling a polygon");
  double fx = 0, fy = 0, px = 0, py = 0;
  int have = 0;
  for (size_t i = 0; i < n; i++) {
    double x = xy[2 * i], y = xy[2 * i + 1];
    if (!isfinite(x) || !isfinite(y)) continue;
    x = tame(x) - bx0; y = tame(y) - by0;
    if (have) area_edge(acc, bw, bh, px, py, x, y);
    else { fx = x; fy = y; have = 1; }
    px = x; py = y;
  }
  area_edge(acc, bw, bh, px, py, fx, fy);
  unsigned char c[4];
  to8(rgba, c);
  for (int y = 0; y < bh; y++) {
    float *row = acc + (size_t)y * ((size_t)bw + 2);
    unsigned char *p = r->px + 4 * ((size_t)(y + by0) * (size_t)r->w + (size_t)bx0);
    double sum = 0;
    for (int x = 0; x < bw; x++) {
      sum += row[x];
      double cov = fabs(sum);
      if (cov > 1) cov = 1;
      if (cov > 1.0 / 512) blend(p + 4 * x, c, (unsigned)lround(c[3] * cov));
    }
  }
  free(acc);
  return IBSH_OK;
}

/* Nonzero when offset (dx, dy) from a marker's centre lies inside marker shape of radius rad (y down). */
int ibsh_marker_inside(int shape, double dx, double dy, double rad) {
  double hl = fmax(0.5, 0.1 * rad);  /* half the bar width of + and x */
  switch (shape) {
  case IBSH_MARKER_SQUARE: return fabs(dx) <= rad && fabs(dy) <= rad;
  case IBSH_MARKER_DIAMOND: return fabs(dx) + fabs(dy) <= rad;
  case IBSH_MARKER_TRIUP: return dy <= rad && fabs(dx) <= (dy + rad) / 2;
  case IBSH_MARKER_TRIDOWN: return dy >= -rad && fabs(dx) <= (rad - dy) / 2;
  case IBSH_MARKER_PLUS: return (fabs(dx) <= hl && fabs(dy) <= rad) || (fabs(dy) <= hl && fabs(dx) <= rad);
  case IBSH_MARKER_CROSS: {
    double u = (dx + dy) * 0.70710678, v = (dx - dy) * 0.70710678;
    return (fabs(u) <= hl && fabs(v) <= rad) || (fabs(v) <= hl && fabs(u) <= rad);
  }
  default: return dx * dx + dy * dy <= rad * rad;
  }
}

/* Build (or fetch) the stamp set for a diameter and shape. */
static ibsh_stamp *get_stamp(ibsh_raster *r, float diam, int shape) {
  diam = roundf(diam * 8) / 8;
  for (int i = 0; i < r->nstamps; i++)
    if (r->stamps[i].diam == diam && r->stamps[i].shape == shape) return &r->stamps[i];
  if (r->nstamps == STAMP_CACHE) {
    for (int i = 0; i < r->nstamps; i++) free(r->stamps[i].cov);
    r->nstamps = 0;
  }
  if (!r->stamps && !(r->stamps = calloc(STAMP_CACHE, sizeof *r->stamps))) return NULL;
  int radius = (int)ceil(diam / 2 + 1);
  int size = 2 * radius + 1;
  unsigned char *cov = calloc((size_t)STAMP_SUB * STAMP_SUB * (size_t)size * (size_t)size, 1);
  if (!cov) return NULL;
  const int ss = 5;  /* supersamples per axis */
  double rad = diam / 2, scale = 1;
  if (diam < 1) { rad = 0.5; scale = diam; }  /* sub-pixel dots: fainter, not smaller */
  for (int qy = 0; qy < STAMP_SUB; qy++)
    for (int qx = 0; qx < STAMP_SUB; qx++) {
      unsigned char *st = cov + ((size_t)qy * STAMP_SUB + (size_t)qx) * (size_t)size * (size_t)size;
      double cx = radius + (qx + 0.5) / STAMP_SUB, cy = radius + (qy + 0.5) / STAMP_SUB;
      for (int j = 0; j < size; j++)
        for (int i = 0; i < size; i++) {
          int hits = 0;
          for (int sy = 0; sy < ss; sy++)
            for (int sx = 0; sx < ss; sx++) {
              double dx = i + (sx + 0.5) / ss - cx, dy = j + (sy + 0.5) / ss - cy;
              if (ibsh_marker_inside(shape, dx, dy, rad)) hits++;
            }
          st[j * size + i] = (unsigned char)lround(255.0 * scale * hits / (ss * ss));
        }
    }
  ibsh_stamp *s = &r->stamps[r->nstamps++];
  s->diam = diam; s->shape = shape; s->size = size; s->radius = radius; s->cov = cov;
  return s;
}

/* Draw n markers centred at xy (float pairs); colours rgba8 straight alpha, one per point when
   percolor else one; diameters in pixels, one per point when persize else one. */
int ibsh_raster_markers(ibsh_raster *r, const float *xy, size_t n, const unsigned char *rgba8, int percolor,
                        const float *diam, int persize, int shape) {
  ibsh_stamp *st = NULL;
  for (size_t i = 0; i < n; i++) {
    if ((i & 65535) == 65535 && ibsh_interrupted()) return ibsh_fail(IBSH_EINTR, "interrupted");
    float x = xy[2 * i], y = xy[2 * i + 1];
    if (!(x > r->cx0 - 64.0f && x < r->cx1 + 64.0f && y > r->cy0 - 64.0f && y < r->cy1 + 64.0f)) continue;
    float d = persize ? diam[i] : diam[0];
    if (!(d > 0)) continue;
    if (!st || (persize && roundf(d * 8) / 8 != st->diam)) {
      st = get_stamp(r, d > 256 ? 256 : d, shape);
      if (!st) return ibsh_fail(IBSH_ENOMEM, "out of memory for marker stamps");
    }
    const unsigned char *c = percolor ? rgba8 + 4 * i : rgba8;
    if (c[3] == 0) continue;
    int ix = (int)floorf(x), iy = (int)floorf(y);
    int qx = (int)((x - ix) * STAMP_SUB), qy = (int)((y - iy) * STAMP_SUB);
    if (qx >= STAMP_SUB) qx = STAMP_SUB - 1;
    if (qy >= STAMP_SUB) qy = STAMP_SUB - 1;
    const unsigned char *s = st->cov + ((size_t)qy * STAMP_SUB + (size_t)qx) * (size_t)st->size * (size_t)st->size;
    int x0 = ix - st->radius, y0 = iy - st->radius;
    int i0 = x0 < r->cx0 ? r->cx0 - x0 : 0, j0 = y0 < r->cy0 ? r->cy0 - y0 : 0;
    int i1 = x0 + st->size > r->cx1 ? r->cx1 - x0 : st->size, j1 = y0 + st->size > r->cy1 ? r->cy1 - y0 : st->size;
    for (int j = j0; j < j1; j++) {
      unsigned char *p = r->px + 4 * ((size_t)(y0 + j) * (size_t)r->w + (size_t)x0);
      const unsigned char *sr = s + j * st->size;
      for (int k = i0; k < i1; k++)
        if (sr[k]) blend(p + 4 * k, c, div255(c[3] * sr[k]));
    }
  }
  return IBSH_OK;
}

/* Composite a coverage bitmap (w x h) in colour rgba with its top-left pixel at (x, y). */
void ibsh_raster_blit(ibsh_raster *r, const unsigned char *cov, int w, int h, int x, int y, const double rgba[4]) {
  unsigned char c[4];
  to8(rgba, c);
  for (int j = 0; j < h; j++) {
    int yy = y + j;
    if (yy < r->cy0 || yy >= r->cy1) continue;
    for (int i = 0; i < w; i++) {
      int xx = x + i;
      unsigned v = cov[(size_t)j * (size_t)w + (size_t)i];
      if (v && xx >= r->cx0 && xx < r->cx1)
        blend(r->px + 4 * ((size_t)yy * (size_t)r->w + (size_t)xx), c, div255(c[3] * v));
    }
  }
}

/* Composite a straight-alpha RGBA8 image (w x h) with its top-left pixel at (x, y). */
void ibsh_raster_image(ibsh_raster *r, const unsigned char *rgba, int w, int h, int x, int y) {
  for (int j = 0; j < h; j++) {
    int yy = y + j;
    if (yy < r->cy0 || yy >= r->cy1) continue;
    for (int i = 0; i < w; i++) {
      int xx = x + i;
      const unsigned char *c = rgba + 4 * ((size_t)j * (size_t)w + (size_t)i);
      if (c[3] && xx >= r->cx0 && xx < r->cx1) blend(r->px + 4 * ((size_t)yy * (size_t)r->w + (size_t)xx), c, c[3]);
    }
  }
}

/* Copy the pixels as straight-alpha RGBA8 into out (w*h*4 bytes). */
void ibsh_raster_export(const ibsh_raster *r, unsigned char *out) {
  size_t n = (size_t)r->w * (size_t)r->h;
  for (size_t i = 0; i < n; i++) {
    const unsigned char *p = r->px + 4 * i;
    unsigned char *o = out + 4 * i;
    unsigned a = p[3];
    if (a == 255 || a == 0) { memcpy(o, p, 4); continue; }
    for (int k = 0; k < 3; k++) { unsigned v = (p[k] * 255u + a / 2) / a; o[k] = (unsigned char)(v > 255 ? 255 : v); }
    o[3] = (unsigned char)a;
  }
}
