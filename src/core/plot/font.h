/*
** Text through FreeType with DejaVu Sans: measuring and rendering strings to
** coverage bitmaps, with kerning, UTF-8 input and "^{...}" superscripts.
*/
#ifndef IBSH_FONT_H
#define IBSH_FONT_H

/* A rendered string: a coverage bitmap whose text origin (pen start on the baseline) is (ox, oy). */
typedef struct ibsh_textimg {
  int w, h;
  int ox, oy;
  unsigned char *cov;
} ibsh_textimg;

/* Load the font (once); fails with a message naming the package fonts-dejavu-core when missing. */
int ibsh_font_load(void);

/* Advance width of s at size px (pixels per em), and the font's ascent and descent (both >= 0). */
int ibsh_font_measure(const char *s, double px, double *width, double *ascent, double *descent);

/* The font's ascent and descent (both >= 0) at size px. */
int ibsh_font_measure_line(double px, double *ascent, double *descent);

/* Render s at size px into out (out->cov malloc'd; release with ibsh_textimg_free). */
int ibsh_font_render(const char *s, double px, ibsh_textimg *out);

/* Rotate a rendered string by 90 degrees counter-clockwise (text reading bottom to top). */
int ibsh_textimg_rotate90(ibsh_textimg *img);

/* Release the bitmap of a rendered string. */
void ibsh_textimg_free(ibsh_textimg *img);

/* Release the FreeType library and face (for leak-checked tests). */
void ibsh_font_shutdown(void);

#endif
