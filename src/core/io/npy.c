/*
** numpy .npy reader and writer (format versions 1.0, 2.0 and 3.0).
*/
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/npy.h"
#include "tensor_file.h"

typedef struct npy_header {
  char kind;          /* 'f', 'i', 'u' or 'b' */
  int size;           /* bytes per item */
  int swap;           /* file byte order differs from ours */
  int fortran;
  int ndim;
  size_t shape[IBSH_MAXDIM];
} npy_header;

/* Where the bytes come from: an open file, or a memory buffer (f == NULL). */
typedef struct npy_source {
  FILE *f;
  const unsigned char *mem;
  size_t len, pos;
} npy_source;

/* Read up to n bytes into dst; returns how many were read. */
static size_t src_read(npy_source *s, void *dst, size_t n) {
  if (s->f) return fread(dst, 1, n, s->f);
  size_t left = s->len - s->pos, k = n < left ? n : left;
  if (k) memcpy(dst, s->mem + s->pos, k);
  s->pos += k;
  return k;
}

/* Nonzero on a little-endian host. */
static int host_little(void) {
  const uint16_t one = 1;
  return *(const uint8_t *)&one == 1;
}

/* Find the value text after key ('key' or "key") and the colon in the header dict; NULL if absent. */
static const char *find_key(const char *h, const char *key) {
  size_t k = strlen(key);
  for (const char *p = h; (p = strstr(p, key)); p += k) {
    if (p == h || (p[-1] != '\'' && p[-1] != '"') || (p[k] != '\'' && p[k] != '"')) continue;
    const char *q = p + k + 1;
    while (*q == ' ') q++;
    if (*q != ':') continue;
    q++;
    while (*q == ' ') q++;
    return q;
  }
  return NULL;
}

/* Parse the header dict text into h; on failure record a message naming the file. */
static int parse_header(const char *path, const char *text, npy_header *h) {
  memset(h, 0, sizeof *h);
  const char *d = find_key(text, "descr");
  if (!d || (*d != '\'' && *d != '"'))
    return ibsh_fail(IBSH_EFORMAT, "%s: header has no 'descr' string (byte 10)", path);
  char quote = *d++, descr[16] = "";
  size_t n = 0;
  while (d[n] && d[n] != quote && n < sizeof descr - 1) { descr[n] = d[n]; n++; }
  descr[n] = '\0';
  if (d[n] != quote) return ibsh_fail(IBSH_EFORMAT, "%s: malformed 'descr' in header", path);
  char order = descr[0], kind = descr[1];
  int size = atoi(descr + 2);
  if (!order || !kind || !strchr("<>|=", order) || !strchr("fiub", kind) || strspn(descr + 2, "0123456789") != strlen(descr + 2) ||
      (kind == 'f' && size != 4 && size != 8) || (kind == 'b' && size != 1) ||
      ((kind == 'i' || kind == 'u') && size != 1 && size != 2 && size != 4 && size != 8))
    return ibsh_fail(IBSH_EFORMAT, "%s: unsupported dtype '%s' (supported: f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 bool)", path, descr);
  h->kind = kind;
  h->size = size;
  int little = order == '<' || ((order == '|' || order == '=') && host_little());
  h->swap = size > 1 && little != host_little();
  const char *f = find_key(text, "fortran_order");
  if (!f) return ibsh_fail(IBSH_EFORMAT, "%s: header has no 'fortran_order'", path);
  if (strncmp(f, "True", 4) == 0) h->fortran = 1;
  else if (strncmp(f, "False", 5) != 0) return ibsh_fail(IBSH_EFORMAT, "%s: 'fortran_order' is neither True nor False", path);
  const char *s = find_key(text, "shape");
  if (!s || *s != '(') return ibsh_fail(IBSH_EFORMAT, "%s: header has no 'shape' tuple", path);
  s++;
  for (;;) {
    while (*s == ' ') s++;
    if (*s == ')') break;
    if (!isdigit((unsigned char)*s)) return ibsh_fail(IBSH_EFORMAT, "%s: malformed 'shape' in header", path);
    if (h->ndim == IBSH_MAXDIM) return ibsh_fail(IBSH_EFORMAT, "%s: more than %d dimensions", path, IBSH_MAXDIM);
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (v > ((unsigned long long)1 << 40)) return ibsh_fail(IBSH_EFORMAT, "%s: absurd dimension size %llu", path, v);
    h->shape[h->ndim++] = (size_t)v;
    s = end;
    while (*s == ' ') s++;
    if (*s == ',') s++;
    else if (*s != ')') return ibsh_fail(IBSH_EFORMAT, "%s: malformed 'shape' in header", path);
  }
  return IBSH_OK;
}

/* Convert count items of raw file data into doubles. */
static void convert(const npy_header *h, unsigned char *raw, double *out, size_t count) {
  if (h->swap) {
    for (size_t i = 0; i < count; i++) {
      unsigned char *p = raw + i * (size_t)h->size;
      for (int a = 0, b = h->size - 1; a < b; a++, b--) { unsigned char t = p[a]; p[a] = p[b]; p[b] = t; }
    }
  }
  for (size_t i = 0; i < count; i++) {
    const unsigned char *p = raw + i * (size_t)h->size;
    double v = 0;
    switch (h->kind) {
      case 'f': if (h->size == 8) { double x; memcpy(&x, p, 8); v = x; } else { float x; memcpy(&x, p, 4); v = x; } break;
      case 'b': v = p[0] != 0; break;
      case 'u':
        if (h->size == 1) v = p[0];
        else if (h->size == 2) { uint16_t x; memcpy(&x, p, 2); v = x; }
        else if (h->size == 4) { uint32_t x; memcpy(&x, p, 4); v = x; }
        else { uint64_t x; memcpy(&x, p, 8); v = (double)x; }
        break;
      default:
        if (h->size == 1) v = (int8_t)p[0];
        else if (h->size == 2) { int16_t x; memcpy(&x, p, 2); v = x; }
        else if (h->size == 4) { int32_t x; memcpy(&x, p, 4); v = x; }
        else { int64_t x; memcpy(&x, p, 8); v = (double)x; }
    }
    out[i] = v;
  }
}

/* Read the data block into t (allocated with the file's storage-order shape). */
static int read_data(const char *path, npy_source *f, const npy_header *h, ibsh_tensor *t, long long start) {
  size_t n = ibsh_tensor_numel(t);
  double *out = ibsh_tensor_data(t);
  if (h->kind == 'f' && h->size == 8 && !h->swap) {
    size_t got = src_read(f, out, 8 * n) / 8;
    if (got != n) return ibsh_fail(IBSH_EFORMAT, "%s: truncated data at byte %lld", path, start + (long long)got * 8);
    return IBSH_OK;
  }
  enum { CHUNK = 8192 };
  unsigned char *raw = malloc(CHUNK * 8);
  if (!raw) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  for (size_t done = 0; done < n;) {
    size_t want = n - done < CHUNK ? n - done : CHUNK;
    size_t got = src_read(f, raw, (size_t)h->size * want) / (size_t)h->size;
    if (got != want) {
      free(raw);
      return ibsh_fail(IBSH_EFORMAT, "%s: truncated data at byte %lld", path, start + (long long)(done + got) * h->size);
    }
    convert(h, raw, out + done, want);
    done += want;
    if (ibsh_interrupted()) { free(raw); return ibsh_fail(IBSH_EINTR, "interrupted"); }
  }
  free(raw);
  return IBSH_OK;
}

/* Read a tensor from f (fsize bytes in all, or -1 when unknown); path names it in errors. */
static int read_source(const char *path, npy_source *f, long long fsize, ibsh_tensor *out) {
  unsigned char pre[12];
  char *text = NULL;
  ibsh_tensor raw = {0};
  int rc = IBSH_OK;
  if (src_read(f, pre, 10) != 10) { rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header (shorter than 10 bytes)", path); goto done; }
  if (memcmp(pre, "\x93NUMPY", 6) != 0) { rc = ibsh_fail(IBSH_EFORMAT, "%s: bad magic at byte 0 (not a .npy file)", path); goto done; }
  int major = pre[6];
  long long hlen, hstart;
  if (major == 1) { hlen = pre[8] | (pre[9] << 8); hstart = 10; }
  else if (major == 2 || major == 3) {
    if (src_read(f, pre + 10, 2) != 2) { rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header at byte 10", path); goto done; }
    hlen = (long long)pre[8] | ((long long)pre[9] << 8) | ((long long)pre[10] << 16) | ((long long)pre[11] << 24);
    hstart = 12;
  } else { rc = ibsh_fail(IBSH_EFORMAT, "%s: unsupported format version %d at byte 6", path, major); goto done; }
  if (hlen > 1 << 20 || (fsize >= 0 && hstart + hlen > fsize)) {
    rc = ibsh_fail(IBSH_EFORMAT, "%s: header length %lld at byte 8 exceeds the file size %lld", path, hlen, fsize);
    goto done;
  }
  if (!(text = malloc((size_t)hlen + 1))) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); goto done; }
  if (src_read(f, text, (size_t)hlen) != (size_t)hlen) { rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated header at byte %lld", path, hstart); goto done; }
  text[hlen] = '\0';
  npy_header h;
  if ((rc = parse_header(path, text, &h))) goto done;
  size_t numel = 1;
  for (int i = 0; i < h.ndim; i++) {
    if (h.shape[i] && numel > ((size_t)1 << 40) / h.shape[i]) { rc = ibsh_fail(IBSH_EFORMAT, "%s: absurd shape in header", path); goto done; }
    numel *= h.shape[i];
  }
  long long need = (long long)numel * h.size, start = hstart + hlen;
  if (fsize >= 0 && start + need > fsize) {
    rc = ibsh_fail(IBSH_EFORMAT, "%s: truncated: header promises %lld data bytes from byte %lld, file has %lld", path, need, start, fsize - start);
    goto done;
  }
  size_t stored[IBSH_MAXDIM];
  for (int i = 0; i < h.ndim; i++) stored[i] = h.fortran ? h.shape[h.ndim - 1 - i] : h.shape[i];
  if ((rc = ibsh_tensor_alloc(&raw, h.ndim, stored))) goto done;
  if ((rc = read_data(path, f, &h, &raw, start))) goto done;
  if (h.fortran && h.ndim > 1) {
    int perm[IBSH_MAXDIM];
    for (int i = 0; i < h.ndim; i++) perm[i] = h.ndim - 1 - i;
    ibsh_tensor view = {0};
    ibsh_tensor_permute(&view, &raw, perm);
    memset(out, 0, sizeof *out);
    rc = ibsh_tensor_alloc(out, h.ndim, h.shape);
    if (!rc) rc = ibsh_tensor_copy(out, &view);
    if (rc) ibsh_tensor_release(out);
    ibsh_tensor_release(&view);
  } else {
    *out = raw;
    memset(&raw, 0, sizeof raw);
  }
done:
  ibsh_tensor_release(&raw);
  free(text);
  return rc;
}

/* Read path into a newly allocated tensor. */
int ibsh_npy_read(const char *path, ibsh_tensor *out) {
  FILE *f = fopen(path, "rb");
  if (!f) return ibsh_fail(IBSH_EIO, "%s: cannot open", path);
  npy_source src = {f, NULL, 0, 0};
  int rc = read_source(path, &src, ibsh_file_size(f), out);
  fclose(f);
  return rc;
}

/* Read the .npy bytes buf[0..len) into a newly allocated tensor; name labels errors. */
int ibsh_npy_read_mem(const void *buf, size_t len, const char *name, ibsh_tensor *out) {
  npy_source src = {NULL, buf, len, 0};
  return read_source(name, &src, (long long)len, out);
}

/* Fill header with the version 1.0 header of a C-order array of dtype descr ('<f8', '<f4') shaped like t; returns its
   length. */
static size_t make_header_descr(const ibsh_tensor *t, const char *descr, char header[640]) {
  char dict[512], shape[256] = "";
  size_t used = 0;
  for (int i = 0; i < t->ndim; i++)
    used += (size_t)snprintf(shape + used, sizeof shape - used, "%zu%s", t->shape[i], t->ndim == 1 ? "," : i + 1 < t->ndim ? ", " : "");
  int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", descr, shape);
  int total = 10 + len + 1, pad = (64 - total % 64) % 64;
  memcpy(header, "\x93NUMPY\x01\x00", 8);
  int hlen = len + pad + 1;
  header[8] = (char)(hlen & 0xff);
  header[9] = (char)(hlen >> 8);
  memcpy(header + 10, dict, (size_t)len);
  memset(header + 10 + len, ' ', (size_t)pad);
  header[10 + len + pad] = '\n';
  return (size_t)(10 + hlen);
}

/* Fill header with the version 1.0 header of a '<f8' C-order array shaped like t; returns its length. */
static size_t make_header(const ibsh_tensor *t, char header[640]) { return make_header_descr(t, "<f8", header); }

/* Encode t as the bytes of a '<f8' C-order .npy file in a new malloc'd buffer *buf of *len bytes. */
int ibsh_npy_encode(const ibsh_tensor *t, unsigned char **buf, size_t *len) {
  if (!host_little()) return ibsh_fail(IBSH_EINVAL, "writing .npy needs a little-endian host");
  char header[640];
  size_t hlen = make_header(t, header);
  ibsh_tensor c = {0};
  int rc = ibsh_tensor_contiguous(&c, t);
  if (rc) return rc;
  size_t n = ibsh_tensor_numel(&c);
  unsigned char *b = malloc(hlen + n * sizeof(double));
  if (!b) { ibsh_tensor_release(&c); return ibsh_fail(IBSH_ENOMEM, "out of memory (%zu bytes for a .npy member)", hlen + n * sizeof(double)); }
  memcpy(b, header, hlen);
  if (n) memcpy(b + hlen, ibsh_tensor_data(&c), n * sizeof(double));
  ibsh_tensor_release(&c);
  *buf = b;
  *len = hlen + n * sizeof(double);
  return IBSH_OK;
}

/* Write t as '<f8', or '<f4' with the values rounded to float32, C-order .npy through a temporary file and rename. */
static int npy_write_as(const char *path, const ibsh_tensor *t, int f32) {
  if (!host_little()) return ibsh_fail(IBSH_EINVAL, "writing .npy needs a little-endian host");
  char header[640];
  size_t hlen = make_header_descr(t, f32 ? "<f4" : "<f8", header);
  ibsh_tensor c = {0};
  int rc = ibsh_tensor_contiguous(&c, t);
  if (rc) return rc;
  char tmp[4096];
  FILE *f = ibsh_tmpfile_open(path, tmp, sizeof tmp);
  if (!f) { ibsh_tensor_release(&c); return IBSH_EIO; }
  size_t n = ibsh_tensor_numel(&c);
  const double *d = n ? ibsh_tensor_data(&c) : NULL;
  int ok = fwrite(header, 1, hlen, f) == hlen;
  if (!f32) {
    ok = ok && (n == 0 || fwrite(d, sizeof(double), n, f) == n);
  } else {
    float buf[1024];
    for (size_t s = 0; ok && s < n; s += 1024) {   /* converted a block at a time */
      size_t m = n - s < 1024 ? n - s : 1024;
      for (size_t i = 0; i < m; i++) buf[i] = (float)d[s + i];
      ok = fwrite(buf, sizeof(float), m, f) == m;
    }
  }
  ibsh_tensor_release(&c);
  if (!ok) ibsh_fail(IBSH_EIO, "%s: write failed", path);
  return ibsh_tmpfile_commit(f, tmp, path, ok);
}

/* Write t as '<f8' C-order .npy through a temporary file and rename. */
int ibsh_npy_write(const char *path, const ibsh_tensor *t) { return npy_write_as(path, t, 0); }

/* Write t as '<f4' C-order .npy (values rounded to float32) through a temporary file and rename. */
int ibsh_npy_write_f32(const char *path, const ibsh_tensor *t) { return npy_write_as(path, t, 1); }
