/*
** Core plotting checks: raster strokes, fills, markers and clipping at the
** pixel level; FreeType text boxes; PNG round trip; colour maps; ticks.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot/colormap.h"
#include "ibsh/error.h"
#include "plot/font.h"
#include "ibsh/interrupt.h"
#include "plot/plot_internal.h"
#include "io/png_io.h"
#include "ibsh/raster.h"

static int failures = 0;

#define CHECK(cond, ...) do { if (!(cond)) { failures++; fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
  fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

static const double WHITE[4] = {1, 1, 1, 1}, RED[4] = {1, 0, 0, 1}, BLUE[4] = {0, 0, 1, 1};

/* Pointer to pixel (x, y) of a raster. */
static unsigned char *px(ibsh_raster *r, int x, int y) { return r->px + 4 * ((size_t)y * (size_t)r->w + (size_t)x); }

/* A stroked horizontal line covers the expected rows with the expected coverage. */
static void test_stroke(void) {
  ibsh_raster r;
  CHECK(ibsh_raster_init(&r, 40, 30, WHITE) == 0, "init");
  double xy[4] = {5, 10.5, 35, 10.5};
  CHECK(ibsh_raster_stroke(&r, xy, 2, 1, RED, NULL, 0) == 0, "stroke");
  CHECK(px(&r, 20, 10)[0] == 255 && px(&r, 20, 10)[1] == 0, "row 10 is red: %d %d", px(&r, 20, 10)[0], px(&r, 20, 10)[1]);
  CHECK(px(&r, 20, 9)[1] == 255 && px(&r, 20, 11)[1] == 255, "rows 9 and 11 untouched");
  /* a 2-pixel line centred on y = 20 covers rows 19 and 20 fully */
  double xy2[4] = {5, 20, 35, 20};
  ibsh_raster_stroke(&r, xy2, 2, 2, BLUE, NULL, 0);
  CHECK(px(&r, 20, 19)[2] == 255 && px(&r, 20, 19)[0] == 0 && px(&r, 20, 20)[0] == 0, "2 px line rows 19-20");
  CHECK(px(&r, 20, 18)[0] == 255 && px(&r, 20, 21)[0] == 255, "rows 18 and 21 untouched");
  /* a diagonal is anti-aliased: some partial pixels exist */
  double d[4] = {2, 2, 30, 28};
  ibsh_raster_stroke(&r, d, 2, 1.5, BLUE, NULL, 0);
  int partial = 0;
  for (int y = 0; y < r.h; y++) for (int x = 0; x < r.w; x++) { int v = px(&r, x, y)[1]; if (v > 10 && v < 245) partial++; }
  CHECK(partial > 10, "anti-aliased edges: %d partial pixels", partial);
  ibsh_raster_free(&r);
}

/* Clipping: nothing is drawn outside the clip rectangle. */
static void test_clip(void) {
  ibsh_raster r;
  ibsh_raster_init(&r, 50, 50, WHITE);
  ibsh_raster_clip(&r, 10, 10, 40, 40);
  double xy[4] = {-100, 25, 150, 25};
  ibsh_raster_stroke(&r, xy, 2, 6, RED, NULL, 0);
  double poly[8] = {-5, -5, 60, -5, 60, 60, -5, 60};
  ibsh_raster_fill_poly(&r, poly, 4, BLUE);
  float m[4] = {10, 10, 45, 45};
  unsigned char c[4] = {0, 255, 0, 255};
  float dm = 12;
  ibsh_raster_markers(&r, m, 2, c, 0, &dm, 0, 0);
  int outside = 0, inside = 0;
  for (int y = 0; y < 50; y++)
    for (int x = 0; x < 50; x++) {
      int white = px(&r, x, y)[0] == 255 && px(&r, x, y)[1] == 255 && px(&r, x, y)[2] == 255;
      int in = x >= 10 && x < 40 && y >= 10 && y < 40;
      if (!in && !white) outside++;
      if (in && white) inside++;
    }
  CHECK(outside == 0, "%d pixels drawn outside the clip", outside);
  CHECK(inside == 0, "%d pixels inside the clip not covered by the fill", inside);
  ibsh_raster_free(&r);
}

/* Polygon fill: interior full, exterior untouched, half-covered edge pixels. */
static void test_fill(void) {
  ibsh_raster r;
  ibsh_raster_init(&r, 20, 20, WHITE);
  double poly[8] = {2.5, 2, 10, 2, 10, 10, 2.5, 10};
  ibsh_raster_fill_poly(&r, poly, 4, RED);
  CHECK(px(&r, 5, 5)[1] == 0, "interior red");
  CHECK(px(&r, 12, 5)[1] == 255 && px(&r, 5, 12)[1] == 255, "exterior white");
  int g = px(&r, 2, 5)[1];
  CHECK(g > 110 && g < 145, "half-covered edge pixel: green %d", g);
  ibsh_raster_free(&r);
}

/* Markers: the centre pixel has the marker colour; sub-pixel dots are fainter. */
static void test_markers(void) {
  ibsh_raster r;
  ibsh_raster_init(&r, 30, 30, WHITE);
  float xy[4] = {10.5f, 10.5f, 20.5f, 20.5f};
  unsigned char cols[8] = {0, 0, 255, 255, 255, 0, 0, 255};
  float d[2] = {6, 0.5f};
  ibsh_raster_markers(&r, xy, 2, cols, 1, d, 1, IBSH_MARKER_CIRCLE);
  CHECK(px(&r, 10, 10)[2] == 255 && px(&r, 10, 10)[0] == 0, "marker centre blue");
  CHECK(px(&r, 10, 15)[0] == 255, "outside the marker white");
  CHECK(px(&r, 20, 20)[0] == 255 && px(&r, 20, 20)[1] < 255 && px(&r, 20, 20)[1] > 100, "small dot is faint red");
  ibsh_raster_free(&r);
}

/* Text: a non-empty bitmap of sensible size; rotation swaps the sides. */
static void test_text(void) {
  double w, asc, desc;
  CHECK(ibsh_font_measure("Hello", 20, &w, &asc, &desc) == 0, "measure: %s", "font");
  CHECK(w > 40 && w < 70, "width of Hello at 20 px: %g", w);
  CHECK(asc > 14 && asc < 22 && desc > 2 && desc < 8, "ascent %g descent %g", asc, desc);
  double wk, wn;
  ibsh_font_measure("AV", 40, &wk, NULL, NULL);
  ibsh_font_measure("A", 40, &wn, NULL, NULL);
  CHECK(wk < 2 * wn, "kerning tightens AV: %g vs 2 x %g", wk, wn);
  ibsh_textimg img;
  CHECK(ibsh_font_render("Hello", 20, &img) == 0, "render");
  long ink = 0;
  for (int i = 0; i < img.w * img.h; i++) ink += img.cov[i];
  CHECK(ink > 255 * 40, "ink of Hello: %ld", ink);
  int w0 = img.w, h0 = img.h;
  CHECK(ibsh_textimg_rotate90(&img) == 0 && img.w == h0 && img.h == w0, "rotation swaps sides");
  long ink2 = 0;
  for (int i = 0; i < img.w * img.h; i++) ink2 += img.cov[i];
  CHECK(ink2 == ink, "rotation keeps the ink");
  ibsh_textimg_free(&img);
  ibsh_font_measure("10^{3}", 20, &w, NULL, NULL);
  double w10;
  ibsh_font_measure("103", 20, &w10, NULL, NULL);
  CHECK(w < w10, "superscript is narrower: %g vs %g", w, w10);
}

/* PNG: write, read back, compare pixels and text chunks. */
static void test_png(void) {
  int w = 7, h = 5;
  unsigned char img[7 * 5 * 4];
  for (int i = 0; i < w * h * 4; i++) img[i] = (unsigned char)(i * 37 % 256);
  const char *text[4] = {"Software", "ibsh test", "Title", "round trip"};
  CHECK(ibsh_png_write("test_plot_core.png", img, w, h, text, 2, 300) == 0, "png write: %s", ibsh_errmsg());
  CHECK(fabs(ibsh_png_dpi("test_plot_core.png") - 300) < 0.1, "pHYs dpi %g", ibsh_png_dpi("test_plot_core.png"));
  unsigned char *back;
  int bw, bh;
  CHECK(ibsh_png_read("test_plot_core.png", &back, &bw, &bh) == 0, "png read");
  CHECK(bw == w && bh == h && memcmp(back, img, sizeof img) == 0, "pixels round trip");
  free(back);
  char buf[64];
  ibsh_png_text("test_plot_core.png", "Title", buf, sizeof buf);
  CHECK(strcmp(buf, "round trip") == 0, "title chunk '%s'", buf);
  CHECK(ibsh_png_read("no/such/file.png", &back, &bw, &bh) != 0, "missing file fails");
  CHECK(ibsh_png_write("no/such/dir/x.png", img, w, h, NULL, 0, 0) != 0, "unwritable path fails");
  FILE *f = fopen("test_plot_bad.png", "wb");
  fputs("\x89PNG\r\n\x1a\nnot really", f);
  fclose(f);
  CHECK(ibsh_png_read("test_plot_bad.png", &back, &bw, &bh) != 0, "truncated file fails");
  remove("test_plot_core.png");
  remove("test_plot_bad.png");
}

/* Colour maps against known values; colour parsing. */
static void test_colors(void) {
  double rgb[3];
  ibsh_colormap_eval(ibsh_colormap_find("viridis"), 0, rgb);
  CHECK(fabs(rgb[0] - 0.267004) < 0.015 && fabs(rgb[1] - 0.004874) < 0.015 && fabs(rgb[2] - 0.329415) < 0.015, "viridis(0)");
  ibsh_colormap_eval(ibsh_colormap_find("viridis"), 1, rgb);
  CHECK(fabs(rgb[0] - 0.993248) < 0.015 && fabs(rgb[1] - 0.906157) < 0.015 && fabs(rgb[2] - 0.143936) < 0.015, "viridis(1)");
  ibsh_colormap_eval(ibsh_colormap_find("viridis"), 0.5, rgb);
  CHECK(fabs(rgb[0] - 0.127568) < 0.015 && fabs(rgb[1] - 0.566949) < 0.015 && fabs(rgb[2] - 0.550556) < 0.015, "viridis(0.5)");
  ibsh_colormap_eval(ibsh_colormap_find("gnuplot"), 0.25, rgb);
  CHECK(fabs(rgb[0] - 0.5) < 1e-12 && fabs(rgb[1] - 0.015625) < 1e-12 && fabs(rgb[2] - 1) < 1e-12, "gnuplot(0.25)");
  CHECK(ibsh_colormap_find("nope") < 0, "unknown map");
  double c[4];
  CHECK(ibsh_color_parse("#ff8000", c) == 0 && c[0] == 1 && fabs(c[1] - 128 / 255.0) < 1e-12 && c[2] == 0, "hex");
  CHECK(ibsh_color_parse("C1", c) == 0 && fabs(c[0] - 1) < 1e-12, "cycle colour");
  CHECK(ibsh_color_parse("0.5", c) == 0 && c[0] == 0.5, "grey level");
  CHECK(ibsh_color_parse("notacolour", c) != 0, "bad colour");
}

/* Ticks: nice steps, shared decimals, decades. */
static void test_ticks(void) {
  plot_ticks t;
  plot_ticks_linear(0, 1, 5, &t);
  CHECK(t.n == 6 && fabs(t.v[1] - 0.2) < 1e-12 && strcmp(t.label[1], "0.2") == 0 && strcmp(t.label[0], "0.0") == 0,
        "[0,1]: n %d, %s %s", t.n, t.label[0], t.label[1]);
  plot_ticks_linear(-0.6, 12.6, 7, &t);
  CHECK(t.n == 7 && t.v[0] == 0 && t.v[6] == 12 && strcmp(t.label[3], "6") == 0, "[-0.6, 12.6]: n %d", t.n);
  plot_ticks_linear(-3, 3, 6, &t);
  CHECK(strcmp(t.label[0], "\xe2\x88\x92" "3") == 0, "unicode minus: %s", t.label[0]);
  plot_ticks_linear(0, 2e6, 4, &t);
  CHECK(t.offset[0] && strcmp(t.label[1], "0.5") == 0, "offset exponent: %s / %s", t.label[1], t.offset);
  plot_ticks_log(1, 1000, 8, &t);
  CHECK(t.n == 4 && t.v[3] == 1000 && strcmp(t.label[2], "10^{2}") == 0 && t.nminor == 8 * 3, "log ticks n %d minor %d", t.n, t.nminor);
  double lo = 3, hi = 3;
  plot_autolimits(&lo, &hi, 0);
  CHECK(lo < 3 && hi > 3, "zero-width range widened");
}

/* A whole figure renders with its plot area where the layout says. */
static void test_figure(void) {
  ibsh_figure *fig;
  CHECK(ibsh_figure_new(&fig, 320, 240, 100, 1, 1, 10) == 0, "figure");
  ibsh_axes *ax = ibsh_figure_axes(fig, 0, 0);
  ibsh_style st;
  ibsh_style_default(&st);
  memcpy(st.color, RED, sizeof RED);
  double x[2] = {0, 1}, y[2] = {0.5, 0.5};
  ibsh_axes_line(ax, x, y, 1, 2, NULL, &st);
  ibsh_axes_limits(ax, 0, 0, 1);
  ibsh_axes_limits(ax, 1, 0, 1);
  ibsh_raster r;
  CHECK(ibsh_figure_render(fig, &r) == 0, "render: %s", ibsh_errmsg());
  double px0, py0;
  ibsh_axes_to_pixel(ax, 0.5, 0.5, &px0, &py0);
  unsigned char *p = px(&r, (int)px0, (int)py0);
  CHECK(p[0] > 200 && p[1] < 60, "line at y = 0.5 on pixel row %d", (int)py0);
  ibsh_raster_free(&r);
  ibsh_figure_free(fig);
  /* an interrupt stops a render with IBSH_EINTR and leaves the figure usable */
  CHECK(ibsh_figure_new(&fig, 320, 240, 100, 1, 1, 10) == 0, "figure");
  ax = ibsh_figure_axes(fig, 0, 0);
  ibsh_axes_line(ax, x, y, 1, 2, NULL, &st);
  ibsh_interrupt_request(SIGINT);
  CHECK(ibsh_figure_render(fig, &r) == IBSH_EINTR, "interrupted render");
  ibsh_interrupt_clear();
  CHECK(ibsh_figure_render(fig, &r) == 0, "render after the interrupt");
  ibsh_raster_free(&r);
  ibsh_figure_free(fig);
  CHECK(ibsh_figure_new(&fig, 10, 10, 100, 1, 1, 10) != 0, "tiny figure rejected");
}

/* Run all checks. */
int main(void) {
  test_stroke();
  test_clip();
  test_fill();
  test_markers();
  test_text();
  test_png();
  test_colors();
  test_ticks();
  test_figure();
  ibsh_font_shutdown();
  if (failures) { fprintf(stderr, "%d failure(s)\n", failures); return 1; }
  printf("OK\n");
  return 0;
}
