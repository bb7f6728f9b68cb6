/*
** PNG writing and reading with libpng. Errors are reported through setjmp and
** turned into IBSH_EIO / IBSH_EFORMAT; a failed write leaves no partial file.
*/
#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "ibsh/error.h"
#include "png_io.h"

/* libpng error callback: remember nothing, unwind to the setjmp point (the core never prints). */
static void png_quiet_error(png_structp png, png_const_charp msg) {
  (void)msg;
  png_longjmp(png, 1);
}

/* libpng warning callback: ignored. */
static void png_quiet_warning(png_structp png, png_const_charp msg) {
  (void)png;
  (void)msg;
}

/* Write w x h straight-alpha RGBA8 pixels to path; text holds ntext key/value pairs (key0, value0, ...);
   dpi > 0 is recorded in a pHYs chunk. */
int ibsh_png_write(const char *path, const unsigned char *rgba, int w, int h,
                   const char *const *text, int ntext, double dpi) {
  if (w <= 0 || h <= 0) return ibsh_fail(IBSH_EINVAL, "image size %dx%d is empty", w, h);
  size_t plen = strlen(path);
  char *tmp = malloc(plen + 16);
  if (!tmp) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  snprintf(tmp, plen + 16, "%s.tmp%ld", path, (long)getpid());
  FILE *f = fopen(tmp, "wb");
  if (!f) {
    int rc = ibsh_fail(IBSH_EIO, "cannot write '%s': %s", path, strerror(errno));
    free(tmp);
    return rc;
  }
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_text *chunks = calloc((size_t)(ntext > 0 ? ntext : 1), sizeof *chunks);
  png_bytep *rows = malloc((size_t)h * sizeof *rows);
  volatile int ok = 0;
  if (png && info && chunks && rows && !setjmp(png_jmpbuf(png))) {
    png_init_io(png, f);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_set_compression_level(png, 6);
    if (dpi > 0) {
      png_uint_32 ppm = (png_uint_32)(dpi / 0.0254 + 0.5);
      png_set_pHYs(png, info, ppm, ppm, PNG_RESOLUTION_METER);
    }
    for (int i = 0; i < ntext; i++) {
      chunks[i].compression = PNG_TEXT_COMPRESSION_NONE;
      chunks[i].key = (png_charp)text[2 * i];
      chunks[i].text = (png_charp)text[2 * i + 1];
      chunks[i].text_length = strlen(text[2 * i + 1]);
    }
    if (ntext > 0) png_set_text(png, info, chunks, ntext);
    for (int y = 0; y < h; y++) rows[y] = (png_bytep)(rgba + (size_t)y * (size_t)w * 4);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    ok = 1;
  }
  png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
  free(chunks);
  free(rows);
  int flushed = !ferror(f) && fflush(f) == 0;   /* an earlier failed write is not reported by fclose */
  int closed = fclose(f) == 0 && flushed;
  int rc = IBSH_OK;
  if (!ok || !closed) rc = ibsh_fail(IBSH_EIO, "cannot write '%s'%s", path, ok ? ": close failed" : ": libpng error");
  else if (rename(tmp, path) != 0) rc = ibsh_fail(IBSH_EIO, "cannot rename to '%s': %s", path, strerror(errno));
  if (rc != IBSH_OK) remove(tmp);
  free(tmp);
  return rc;
}

typedef struct membuf { unsigned char *data; size_t len, cap; int failed; } membuf;

/* libpng write callback appending to a growing memory buffer. */
static void mem_write(png_structp png, png_bytep data, png_size_t n) {
  membuf *b = png_get_io_ptr(png);
  if (b->failed) return;
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 65536;
    while (cap < b->len + n) cap *= 2;
    unsigned char *p = realloc(b->data, cap);
    if (!p) { b->failed = 1; return; }
    b->data = p;
    b->cap = cap;
  }
  memcpy(b->data + b->len, data, n);
  b->len += n;
}

/* libpng flush callback (nothing to flush in memory). */
static void mem_flush(png_structp png) { (void)png; }

/* Encode w x h straight-alpha RGBA8 pixels as a PNG in memory (*out malloc'd, *len bytes). */
int ibsh_png_encode(const unsigned char *rgba, int w, int h, unsigned char **out, size_t *len) {
  *out = NULL;
  *len = 0;
  if (w <= 0 || h <= 0) return ibsh_fail(IBSH_EINVAL, "image size %dx%d is empty", w, h);
  membuf buf = {0};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  png_bytep *rows = malloc((size_t)h * sizeof *rows);
  volatile int ok = 0;
  if (png && info && rows && !setjmp(png_jmpbuf(png))) {
    png_set_write_fn(png, &buf, mem_write, mem_flush);
    png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, 8, PNG_COLOR_TYPE_RGB_ALPHA,
                 PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    for (int y = 0; y < h; y++) rows[y] = (png_bytep)(rgba + (size_t)y * (size_t)w * 4);
    png_set_rows(png, info, rows);
    png_write_png(png, info, PNG_TRANSFORM_IDENTITY, NULL);
    ok = !buf.failed;
  }
  png_destroy_write_struct(png ? &png : NULL, info ? &info : NULL);
  free(rows);
  if (!ok) { free(buf.data); return ibsh_fail(IBSH_ENOMEM, "cannot encode a PNG in memory"); }
  *out = buf.data;
  *len = buf.len;
  return IBSH_OK;
}

/* Read a PNG into a malloc'd RGBA8 buffer (*rgba, freed by the caller) of *w x *h pixels. */
int ibsh_png_read(const char *path, unsigned char **rgba, int *w, int *h) {
  *rgba = NULL;
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "cannot open '%s': %s", path, strerror(errno));
  unsigned char sig[8];
  if (fread(sig, 1, 8, f) != 8 || png_sig_cmp(sig, 0, 8)) {
    fclose(f);
    return ibsh_fail(IBSH_EFORMAT, "'%s' is not a PNG file", path);
  }
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  unsigned char *volatile pixels = NULL;
  png_bytep *volatile rows = NULL;
  volatile int ok = 0;
  if (png && info && !setjmp(png_jmpbuf(png))) {
    png_init_io(png, f);
    png_set_sig_bytes(png, 8);
    png_read_info(png, info);
    png_uint_32 pw = png_get_image_width(png, info), ph = png_get_image_height(png, info);
    if (pw > 0 && ph > 0 && pw <= 65536 && ph <= 65536) {
      png_set_expand(png);
      png_set_strip_16(png);
      png_set_gray_to_rgb(png);
      png_set_add_alpha(png, 0xff, PNG_FILLER_AFTER);
      png_set_interlace_handling(png);
      png_read_update_info(png, info);
      pixels = malloc((size_t)pw * ph * 4);
      rows = malloc(ph * sizeof *rows);
      if (pixels && rows) {
        for (png_uint_32 y = 0; y < ph; y++) rows[y] = pixels + (size_t)y * pw * 4;
        png_read_image(png, rows);
        png_read_end(png, NULL);
        *w = (int)pw;
        *h = (int)ph;
        ok = 1;
      }
    }
  }
  png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
  fclose(f);
  free(rows);
  if (!ok) {
    free(pixels);
    return ibsh_fail(IBSH_EFORMAT, "'%s' is a malformed or truncated PNG", path);
  }
  *rgba = pixels;
  return IBSH_OK;
}

/* The resolution recorded in a PNG's pHYs chunk in dots per inch (0 when absent). */
double ibsh_png_dpi(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return 0;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  volatile double dpi = 0;
  if (png && info && !setjmp(png_jmpbuf(png))) {
    png_init_io(png, f);
    png_read_info(png, info);
    png_uint_32 x, y;
    int unit;
    if (png_get_pHYs(png, info, &x, &y, &unit) && unit == PNG_RESOLUTION_METER) dpi = x * 0.0254;
  }
  png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
  fclose(f);
  return dpi;
}

/* Read the value of tEXt/iTXt chunk key into buf (empty if absent). */
int ibsh_png_text(const char *path, const char *key, char *buf, int len) {
  if (len > 0) buf[0] = 0;
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "cannot open '%s': %s", path, strerror(errno));
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, png_quiet_error, png_quiet_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  volatile int ok = 0;
  if (png && info && !setjmp(png_jmpbuf(png))) {
    png_init_io(png, f);
    png_read_info(png, info);
    png_textp text;
    int n = 0;
    png_get_text(png, info, &text, &n);
    for (int i = 0; i < n; i++)
      if (strcmp(text[i].key, key) == 0 && len > 0) snprintf(buf, (size_t)len, "%s", text[i].text);
    ok = 1;
  }
  png_destroy_read_struct(png ? &png : NULL, info ? &info : NULL, NULL);
  fclose(f);
  return ok ? IBSH_OK : ibsh_fail(IBSH_EFORMAT, "'%s' is not a readable PNG", path);
}
