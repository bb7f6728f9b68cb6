/*
** FreeType text: one cached face, UTF-8 decoding, kerning, light hinting,
** and a tiny markup ("^{...}" draws a raised, smaller run, e.g. "10^{3}").
*/
#include <ft2build.h>
#include FT_FREETYPE_H
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "font.h"

#ifndef IBSH_FONT
#define IBSH_FONT "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#endif

#define SUP_SCALE 0.7
#define SUP_RISE 0.42

static FT_Library library;
static FT_Face face;

/* Load the font (once); fails with a message naming the package fonts-dejavu-core when missing. */
int ibsh_font_load(void) {
  if (face) return IBSH_OK;
  const char *path = getenv("IBSH_FONT");
  if (!path || !*path) path = IBSH_FONT;
  if (!library && FT_Init_FreeType(&library)) return ibsh_fail(IBSH_EIO, "cannot initialise FreeType");
  if (FT_New_Face(library, path, 0, &face)) {
    face = NULL;
    return ibsh_fail(IBSH_EIO, "cannot load font '%s': install the Debian package fonts-dejavu-core", path);
  }
  return IBSH_OK;
}

/* Release the FreeType library and face (for leak-checked tests). */
void ibsh_font_shutdown(void) {
  if (face) FT_Done_Face(face);
  if (library) FT_Done_FreeType(library);
  face = NULL;
  library = NULL;
}

/* Decode one UTF-8 code point at *s and advance *s (invalid bytes become U+FFFD). */
static unsigned long utf8_next(const char **s) {
  const unsigned char *p = (const unsigned char *)*s;
  unsigned long c = p[0];
  int n = c < 0x80 ? 0 : (c & 0xe0) == 0xc0 ? 1 : (c & 0xf0) == 0xe0 ? 2 : (c & 0xf8) == 0xf0 ? 3 : -1;
  if (n < 0) { *s += 1; return 0xfffd; }
  if (n > 0) c &= 0x3f >> n;
  for (int i = 1; i <= n; i++) {
    if ((p[i] & 0xc0) != 0x80) { *s += i; return 0xfffd; }
    c = (c << 6) | (p[i] & 0x3f);
  }
  *s += n + 1;
  return c;
}

/* Set the face size to px pixels per em (fractional sizes allowed). */
static void set_size(double px) {
  FT_Set_Char_Size(face, 0, (FT_F26Dot6)lround(px * 64), 72, 72);
}

/* Callback for each laid-out glyph: slot holds the rendered glyph, (x, y) its pen position in pixels (y down). */
typedef void (*glyph_fn)(void *ud, FT_GlyphSlot slot, int x, int y);

/* Lay out s at size px, calling fn per glyph when non-NULL; return the advance width in pixels. */
static double layout(const char *s, double px, glyph_fn fn, void *ud) {
  FT_Pos pen = 0;           /* 26.6 */
  FT_UInt prev = 0;
  int sup = 0;
  double size = px;
  FT_Int32 flags = FT_LOAD_TARGET_LIGHT | (fn ? FT_LOAD_RENDER : 0);
  set_size(size);
  while (*s) {
    if (s[0] == '^' && s[1] == '{' && !sup && strchr(s + 2, '}')) {
      sup = 1; s += 2; size = px * SUP_SCALE; set_size(size); prev = 0; continue;
    }
    if (s[0] == '}' && sup) {
      sup = 0; s += 1; size = px; set_size(size); prev = 0; continue;
    }
    unsigned long c = utf8_next(&s);
    FT_UInt gi = FT_Get_Char_Index(face, c);
    if (prev && gi && FT_HAS_KERNING(face)) {
      FT_Vector k;
      if (!FT_Get_Kerning(face, prev, gi, FT_KERNING_UNFITTED, &k)) pen += k.x;
    }
    if (FT_Load_Glyph(face, gi, flags)) continue;
    if (fn) fn(ud, face->glyph, (int)((pen + 32) >> 6), sup ? -(int)lround(px * SUP_RISE) : 0);
    pen += face->glyph->advance.x;
    prev = gi;
  }
  set_size(px);
  return pen / 64.0;
}

/* Advance width of s at size px (pixels per em), and the font's ascent and descent (both >= 0). */
int ibsh_font_measure(const char *s, double px, double *width, double *ascent, double *descent) {
  int rc = ibsh_font_load();
  if (rc) return rc;
  if (!(px > 0 && px < 2000)) return ibsh_fail(IBSH_EINVAL, "font size %g px out of range", px);
  double w = layout(s, px, NULL, NULL);
  if (width) *width = w;
  if (ascent) *ascent = px * face->ascender / (double)face->units_per_EM;
  if (descent) *descent = -px * face->descender / (double)face->units_per_EM;
  return IBSH_OK;
}

/* The font's ascent and descent (both >= 0) at size px. */
int ibsh_font_measure_line(double px, double *ascent, double *descent) {
  return ibsh_font_measure("", px, NULL, ascent, descent);
}

/* Copy a rendered glyph's coverage into the string bitmap (max, clipped). */
static void blit_glyph(void *ud, FT_GlyphSlot slot, int x, int y) {
  ibsh_textimg *img = ud;
  FT_Bitmap *b = &slot->bitmap;
  if (b->pixel_mode != FT_PIXEL_MODE_GRAY) return;
  int x0 = img->ox + x + slot->bitmap_left, y0 = img->oy + y - slot->bitmap_top;
  for (unsigned r = 0; r < b->rows; r++) {
    int yy = y0 + (int)r;
    if (yy < 0 || yy >= img->h) continue;
    const unsigned char *src = b->buffer + (ptrdiff_t)r * b->pitch;
    unsigned char *dst = img->cov + (size_t)yy * (size_t)img->w;
    for (unsigned c = 0; c < b->width; c++) {
      int xx = x0 + (int)c;
      if (xx >= 0 && xx < img->w && src[c] > dst[xx]) dst[xx] = src[c];
    }
  }
}

/* Render s at size px into out (out->cov malloc'd; release with ibsh_textimg_free). */
int ibsh_font_render(const char *s, double px, ibsh_textimg *out) {
  memset(out, 0, sizeof *out);
  double width, ascent, descent;
  int rc = ibsh_font_measure(s, px, &width, &ascent, &descent);
  if (rc) return rc;
  int pad = (int)ceil(px * 0.25) + 1;
  out->ox = pad;
  out->oy = pad + (int)ceil(ascent);
  out->w = (int)ceil(width) + 2 * pad;
  out->h = (int)ceil(ascent) + (int)ceil(descent) + 2 * pad;
  out->cov = calloc((size_t)out->w * (size_t)out->h, 1);
  if (!out->cov) return ibsh_fail(IBSH_ENOMEM, "out of memory rendering text");
  layout(s, px, blit_glyph, out);
  return IBSH_OK;
}

/* Rotate a rendered string by 90 degrees counter-clockwise (text reading bottom to top). */
int ibsh_textimg_rotate90(ibsh_textimg *img) {
  unsigned char *r = malloc((size_t)img->w * (size_t)img->h);
  if (!r) return ibsh_fail(IBSH_ENOMEM, "out of memory rotating text");
  int w = img->w, h = img->h;
  /* source (x, y) goes to (y, w - 1 - x) in a h-wide, w-tall image */
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++) r[(size_t)(w - 1 - x) * (size_t)h + (size_t)y] = img->cov[(size_t)y * (size_t)w + (size_t)x];
  free(img->cov);
  img->cov = r;
  int ox = img->ox, oy = img->oy;
  img->w = h;
  img->h = w;
  img->ox = oy;
  img->oy = w - 1 - ox;
  return IBSH_OK;
}

/* Release the bitmap of a rendered string. */
void ibsh_textimg_free(ibsh_textimg *img) {
  free(img->cov);
  img->cov = NULL;
}
