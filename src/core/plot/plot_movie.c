/*
** Movies of figures (plot.h): frames rendered from figures of one size, written
** as an animated GIF (palette from the colour map and a reference frame, our LZW)
** or, for .png, an APNG of RGBA frames. Files appear atomically when closed.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "ibsh/error.h"
#include "ibsh/plot.h"
#include "ibsh/raster.h"
#include "io/apng.h"
#include "io/gif.h"
#include "palette.h"

struct ibsh_movie {
  int kind;   /* 0 GIF, 1 APNG */
  int w, h, delay_cs;
  ibsh_gif gif;
  ibsh_apng apng;
  ibsh_palette_map map;
  unsigned char *idx;
};

/* Nonzero when path ends with ext (case-insensitive). */
static int has_ext(const char *path, const char *ext) {
  size_t n = strlen(path), e = strlen(ext);
  return n > e && strcasecmp(path + n - e, ext) == 0;
}

/* Open a movie at path (.gif or .png) of w x h frames at fps; nframes is needed by APNG, cmap and ref shape the GIF palette. */
int ibsh_movie_open(ibsh_movie **out, const char *path, int w, int h, double fps, int nframes, int cmap,
                    const unsigned char *ref) {
  *out = NULL;
  int kind = has_ext(path, ".gif") ? 0 : (has_ext(path, ".png") || has_ext(path, ".apng")) ? 1 : -1;
  if (kind < 0) return ibsh_fail(IBSH_EINVAL, "'%s': a movie is a .gif or an animated .png", path);
  if (!(fps > 0 && fps <= 100)) return ibsh_fail(IBSH_EINVAL, "fps must be in (0, 100], got %g", fps);
  ibsh_movie *m = calloc(1, sizeof *m);
  if (!m) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  m->kind = kind;
  m->w = w;
  m->h = h;
  m->delay_cs = (int)lround(100.0 / fps);
  if (m->delay_cs < 1) m->delay_cs = 1;
  int rc;
  if (kind == 0) {
    unsigned char pal[768];
    rc = ibsh_palette_build(cmap, ref, w, h, pal);
    if (!rc) rc = ibsh_palette_map_init(&m->map, pal);
    if (!rc && !(m->idx = malloc((size_t)w * (size_t)h))) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
    if (!rc) rc = ibsh_gif_open(&m->gif, path, w, h, pal);
  } else {
    rc = ibsh_apng_open(&m->apng, path, w, h, nframes);
  }
  if (rc) {
    ibsh_palette_map_free(&m->map);
    free(m->idx);
    free(m);
    return rc;
  }
  *out = m;
  return IBSH_OK;
}

/* Add a frame of w x h straight-alpha RGBA8 pixels. */
int ibsh_movie_add(ibsh_movie *m, const unsigned char *rgba) {
  if (m->kind == 1) return ibsh_apng_frame(&m->apng, rgba, m->delay_cs);
  ibsh_palette_apply(&m->map, rgba, (size_t)m->w * (size_t)m->h, m->idx);
  return ibsh_gif_frame(&m->gif, m->idx, m->delay_cs);
}

/* Render fig (of the movie's size) and add it as a frame. */
int ibsh_movie_add_figure(ibsh_movie *m, ibsh_figure *fig) {
  ibsh_raster r;
  int rc = ibsh_figure_render(fig, &r);
  if (rc) return rc;
  if (r.w != m->w || r.h != m->h) {
    int w = r.w, h = r.h;
    ibsh_raster_free(&r);
    return ibsh_fail(IBSH_EINVAL, "frame of %dx%d pixels in a %dx%d movie", w, h, m->w, m->h);
  }
  unsigned char *rgba = malloc((size_t)r.w * (size_t)r.h * 4);
  if (!rgba) { ibsh_raster_free(&r); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  ibsh_raster_export(&r, rgba);
  ibsh_raster_free(&r);
  rc = ibsh_movie_add(m, rgba);
  free(rgba);
  return rc;
}

/* The number of frames added so far. */
int ibsh_movie_frames(const ibsh_movie *m) {
  return m->kind == 0 ? m->gif.frames : m->apng.frames;
}

/* Finish and free the movie (abort: discard the file); the file appears at its path only on success. */
int ibsh_movie_close(ibsh_movie *m, int abort) {
  if (!m) return IBSH_OK;
  int rc = m->kind == 0 ? ibsh_gif_close(&m->gif, abort) : ibsh_apng_close(&m->apng, abort);
  ibsh_palette_map_free(&m->map);
  free(m->idx);
  free(m);
  return rc;
}
