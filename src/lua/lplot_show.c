/*
** fig:show(): display a figure without leaving the shell. The PNG is written to
** a file first; then, when stdout is a terminal, the image protocol the terminal
** has is used: iTerm2's inline images ($TERM_PROGRAM/$LC_TERMINAL name iTerm2 or
** WezTerm), else what the terminal answers to a query (a kitty graphics query and
** DA1: "OK" means kitty graphics, attribute 4 means sixel); otherwise xdg-open
** when a display is set; otherwise the path is printed. $IBSH_SHOW forces one.
*/
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include "plot/sixel.h"
#include "lplot.h"

/* Send query to the controlling terminal and collect its answer up to the end of the DA1 reply (or timeout_ms). */
static size_t tty_query(const char *query, char *resp, size_t cap, int timeout_ms) {
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
  if (fd < 0) return 0;
  struct termios old, raw;
  if (tcgetattr(fd, &old) != 0) { close(fd); return 0; }
  raw = old;
  raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
  raw.c_cc[VMIN] = 0;
  raw.c_cc[VTIME] = 0;
  tcsetattr(fd, TCSANOW, &raw);
  size_t n = 0;
  if (write(fd, query, strlen(query)) == (ssize_t)strlen(query)) {
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
      clock_gettime(CLOCK_MONOTONIC, &t);
      int left = timeout_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
      if (left <= 0) break;
      struct pollfd p = {fd, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) break;
      ssize_t got = read(fd, resp + n, cap - 1 - n);
      if (got <= 0) break;
      n += (size_t)got;
      resp[n] = '\0';
      const char *da = strstr(resp, "\033[?");
      if ((da && strchr(da, 'c')) || n + 1 >= cap) break;
    }
  }
  resp[n] = '\0';
  tcsetattr(fd, TCSANOW, &old);
  close(fd);
  return n;
}

/* Nonzero when the DA1 reply in resp lists attribute 4 (sixel graphics). */
static int da1_has_sixel(const char *resp) {
  const char *p = strstr(resp, "\033[?");
  if (!p) return 0;
  p += 3;
  while (*p && *p != 'c') {
    char *end;
    long v = strtol(p, &end, 10);
    if (end == p) return 0;
    if (v == 4) return 1;
    p = *end == ';' ? end + 1 : end;
  }
  return 0;
}

/* The inline protocol of the terminal on stdout: "iterm", "kitty", "sixel" or NULL. */
static const char *detect_protocol(void) {
  if (!isatty(STDOUT_FILENO)) return NULL;
  const char *prog = getenv("TERM_PROGRAM"), *lct = getenv("LC_TERMINAL");
  if ((prog && (strcmp(prog, "iTerm.app") == 0 || strcmp(prog, "WezTerm") == 0)) || (lct && strcmp(lct, "iTerm2") == 0))
    return "iterm";
  char resp[512];
  fflush(stdout);
  tty_query("\033_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\033\\\033[c", resp, sizeof resp, 500);
  if (strstr(resp, "_Gi=31;OK")) return "kitty";
  if (da1_has_sixel(resp)) return "sixel";
  return NULL;
}

/* Write the base64 text of n bytes to f. */
static void put_base64(FILE *f, const unsigned char *s, size_t n) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t i = 0; i < n; i += 3) {
    unsigned v = (unsigned)s[i] << 16 | (i + 1 < n ? (unsigned)s[i + 1] << 8 : 0) | (i + 2 < n ? s[i + 2] : 0);
    fputc(a[v >> 18 & 63], f);
    fputc(a[v >> 12 & 63], f);
    fputc(i + 1 < n ? a[v >> 6 & 63] : '=', f);
    fputc(i + 2 < n ? a[v & 63] : '=', f);
  }
}

/* Show n PNG bytes with the kitty graphics protocol (base64 in chunks of 4096 characters). */
static void show_kitty(const unsigned char *png, size_t n) {
  size_t chunk = 3072;   /* bytes per chunk: 4096 base64 characters */
  for (size_t at = 0; at < n || at == 0; at += chunk) {
    size_t part = n - at < chunk ? n - at : chunk;
    int more = at + part < n;
    printf(at == 0 ? "\033_Ga=T,f=100,m=%d;" : "\033_Gm=%d;", more);
    put_base64(stdout, png + at, part);
    printf("\033\\");
    if (!more) break;
  }
  printf("\n");
}

/* Show n PNG bytes with iTerm2's inline image escape. */
static void show_iterm(const unsigned char *png, size_t n) {
  printf("\033]1337;File=inline=1;size=%zu;preserveAspectRatio=1:", n);
  put_base64(stdout, png, n);
  printf("\a\n");
}

/* Nonzero when the program name is an executable file on $PATH. */
static int on_path(const char *name) {
  const char *path = getenv("PATH");
  if (!path) return 0;
  char dir[4096];
  while (*path) {
    size_t len = strcspn(path, ":");
    if (len > 0 && len < sizeof dir - strlen(name) - 2) {
      snprintf(dir, sizeof dir, "%.*s/%s", (int)len, path, name);
      if (access(dir, X_OK) == 0) return 1;
    }
    path += len;
    if (*path == ':') path++;
  }
  return 0;
}

/* Open path with xdg-open in a detached grandchild (no zombie, no output on the terminal). */
static int open_viewer(const char *path) {
  pid_t pid = fork();
  if (pid < 0) return 0;
  if (pid == 0) {
    if (fork() == 0) {
      setsid();
      int null = open("/dev/null", O_RDWR);
      if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); }
      execlp("xdg-open", "xdg-open", path, (char *)NULL);
      _exit(127);
    }
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  return 1;
}

/* Read the whole file at path into a userdata buffer pushed on the stack; *n is its size. */
static unsigned char *slurp(lua_State *L, const char *path, size_t *n, const char *fname) {
  FILE *f = fopen(path, "rb");
  if (!f) lx_error(L, fname, "cannot read back '%s'", path);
  fseek(f, 0, SEEK_END);
  long len = ftell(f);
  fseek(f, 0, SEEK_SET);
  unsigned char *buf = (unsigned char *)lua_newuserdatauv(L, len > 0 ? (size_t)len : 1, 0);
  *n = len > 0 ? fread(buf, 1, (size_t)len, f) : 0;
  fclose(f);
  return buf;
}

/* fig:show([opts]): display the figure; returns how ("kitty", "iterm", "sixel", "viewer", "file") and the PNG's path. */
int lplot_show(lua_State *L, ibsh_figure *fig) {
  static const char *const known[] = {"path", "method", NULL};
  const char *fname = "fig:show";
  if (!lua_isnoneornil(L, 2)) { luaL_checktype(L, 2, LUA_TTABLE); lx_checkoptions(L, 2, known, fname); }
  const char *method = lx_optstring(L, 2, "method", NULL, fname);
  if (!method) method = getenv("IBSH_SHOW");
  if (!method || !*method) method = "auto";
  static const char *const methods[] = {"auto", "kitty", "iterm", "sixel", "viewer", "file", NULL};
  int m = 0;
  while (methods[m] && strcmp(methods[m], method) != 0) m++;
  if (!methods[m]) lx_error(L, fname, "method must be auto, kitty, iterm, sixel, viewer or file, got '%s'", method);
  static int count = 0;
  char tmp[4200];
  const char *path = lx_optstring(L, 2, "path", NULL, fname);
  if (!path) {
    const char *dir = getenv("TMPDIR");
    snprintf(tmp, sizeof tmp, "%s/ibsh-figure-%ld-%d.png", dir && *dir ? dir : "/tmp", (long)getpid(), ++count);
    path = tmp;
  }
  lx_check(L, ibsh_figure_save(fig, path), fname);
  const char *how = m == 0 ? detect_protocol() : methods[m];
  if (how && (strcmp(how, "kitty") == 0 || strcmp(how, "iterm") == 0)) {
    size_t n;
    unsigned char *png = slurp(L, path, &n, fname);
    fflush(stdout);
    if (how[0] == 'k') show_kitty(png, n); else show_iterm(png, n);
    lua_pop(L, 1);
  } else if (how && strcmp(how, "sixel") == 0) {
    ibsh_raster r;
    lx_check(L, ibsh_figure_render(fig, &r), fname);
    unsigned char *rgba = (unsigned char *)lua_newuserdatauv(L, (size_t)r.w * (size_t)r.h * 4, 0);
    ibsh_raster_export(&r, rgba);
    int w = r.w, h = r.h;
    ibsh_raster_free(&r);
    unsigned char *six;
    size_t n;
    lx_check(L, ibsh_sixel_encode(rgba, w, h, &six, &n), fname);
    fflush(stdout);
    fwrite(six, 1, n, stdout);
    fputc('\n', stdout);
    free(six);
    lua_pop(L, 1);
  } else if ((m == 0 || m == 4) && on_path("xdg-open") &&
             ((getenv("DISPLAY") && *getenv("DISPLAY")) || (getenv("WAYLAND_DISPLAY") && *getenv("WAYLAND_DISPLAY"))) &&
             open_viewer(path)) {
    how = "viewer";
    printf("figure written to %s and opened with xdg-open\n", path);
  } else {
    how = "file";
    printf("figure written to %s (no inline image support detected in this terminal, no display for xdg-open)\n", path);
  }
  fflush(stdout);
  lua_pushstring(L, how);
  lua_pushstring(L, path);
  return 2;
}
