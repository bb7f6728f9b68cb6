/*
** numpy .npz reader: finds the ZIP end record (and the ZIP64 one), walks the
** central directory, checks every local header, inflates or copies each member,
** verifies its CRC-32 and parses it as .npy from memory. Sizes come from the
** central directory, so data descriptors after the data need no special case.
*/
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include "ibsh/error.h"
#include "ibsh/interrupt.h"
#include "ibsh/npy.h"
#include "ibsh/npz.h"
#include "tensor_file.h"

enum { EOCD_LEN = 22, LOC64_LEN = 20, EOCD64_LEN = 56, CEN_LEN = 46, LOC_LEN = 30, MAX_COMMENT = 65535 };

/* One central directory entry. */
typedef struct zip_entry {
  char *name;          /* the member name as stored (one allocation with key) */
  char *key;           /* the name without a final ".npy" */
  size_t nlen;
  unsigned flags, method;
  uint32_t crc;
  uint64_t csize, usize, offset;
} zip_entry;

/* The open archive and what its end record says. */
typedef struct zip_file {
  const char *path;
  FILE *f;
  uint64_t size;       /* file size */
  uint64_t cd_offset, cd_size, entries;
} zip_file;

/* Little-endian 16-bit value at p. */
static unsigned get16(const unsigned char *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* Little-endian 32-bit value at p. */
static uint32_t get32(const unsigned char *p) { return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16; }

/* Little-endian 64-bit value at p. */
static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

/* Read exactly n bytes at offset off of the archive into dst; what names the part in the error. */
static int read_at(zip_file *z, uint64_t off, void *dst, size_t n, const char *what) {
  if (off > z->size || n > z->size - off)
    return ibsh_fail(IBSH_EFORMAT, "%s: %s at byte %llu runs past the end of the file (%llu bytes)", z->path, what,
                     (unsigned long long)off, (unsigned long long)z->size);
  if (fseeko(z->f, (off_t)off, SEEK_SET) != 0 || fread(dst, 1, n, z->f) != n)
    return ibsh_fail(IBSH_EIO, "%s: cannot read %s at byte %llu", z->path, what, (unsigned long long)off);
  return IBSH_OK;
}

/* Read the ZIP64 end record that the locator just before the end record at eocd points to. */
static int read_zip64_end(zip_file *z, uint64_t eocd, uint64_t *cd_limit) {
  unsigned char loc[LOC64_LEN], rec[EOCD64_LEN];
  if (eocd < LOC64_LEN) return ibsh_fail(IBSH_EFORMAT, "%s: ZIP64 sizes but no ZIP64 locator", z->path);
  int rc = read_at(z, eocd - LOC64_LEN, loc, LOC64_LEN, "ZIP64 locator");
  if (rc) return rc;
  if (memcmp(loc, "PK\x06\x07", 4) != 0) return ibsh_fail(IBSH_EFORMAT, "%s: ZIP64 sizes but no ZIP64 locator", z->path);
  uint64_t off = get64(loc + 8);
  if (get32(loc + 4) != 0 || get32(loc + 16) > 1) return ibsh_fail(IBSH_EFORMAT, "%s: multi-disk archives are not supported", z->path);
  if (off > eocd - LOC64_LEN || eocd - LOC64_LEN - off < EOCD64_LEN)
    return ibsh_fail(IBSH_EFORMAT, "%s: ZIP64 end record offset %llu is out of range", z->path, (unsigned long long)off);
  if ((rc = read_at(z, off, rec, EOCD64_LEN, "ZIP64 end record"))) return rc;
  if (memcmp(rec, "PK\x06\x06", 4) != 0) return ibsh_fail(IBSH_EFORMAT, "%s: bad ZIP64 end record signature at byte %llu", z->path, (unsigned long long)off);
  if (get32(rec + 16) != 0 || get32(rec + 20) != 0 || get64(rec + 24) != get64(rec + 32))
    return ibsh_fail(IBSH_EFORMAT, "%s: multi-disk archives are not supported", z->path);
  z->entries = get64(rec + 32);
  z->cd_size = get64(rec + 40);
  z->cd_offset = get64(rec + 48);
  *cd_limit = off;
  return IBSH_OK;
}

/* Find the end of central directory record and fill in where the directory is. */
static int read_end(zip_file *z) {
  if (z->size < EOCD_LEN) return ibsh_fail(IBSH_EFORMAT, "%s: too short for a ZIP archive (%llu bytes, no end record)", z->path, (unsigned long long)z->size);
  size_t tail = z->size < EOCD_LEN + MAX_COMMENT ? (size_t)z->size : EOCD_LEN + MAX_COMMENT;
  unsigned char *buf = malloc(tail);
  if (!buf) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  int rc = read_at(z, z->size - tail, buf, tail, "end record");
  size_t at = tail;
  for (size_t i = tail - EOCD_LEN + 1; !rc && i-- > 0;)
    if (memcmp(buf + i, "PK\x05\x06", 4) == 0 && i + EOCD_LEN + get16(buf + i + 20) <= tail) { at = i; break; }
  if (!rc && at == tail) rc = ibsh_fail(IBSH_EFORMAT, "%s: no ZIP end record (not a .npz archive, or truncated)", z->path);
  if (rc) { free(buf); return rc; }
  const unsigned char *e = buf + at;
  uint64_t eocd = z->size - tail + at, cd_limit = eocd;
  unsigned disk = get16(e + 4), cd_disk = get16(e + 6), here = get16(e + 8), total = get16(e + 10);
  z->entries = total;
  z->cd_size = get32(e + 12);
  z->cd_offset = get32(e + 16);
  free(buf);
  if (total == 0xFFFF || z->cd_size == 0xFFFFFFFFu || z->cd_offset == 0xFFFFFFFFu) {
    if ((rc = read_zip64_end(z, eocd, &cd_limit))) return rc;
  } else if (disk != 0 || cd_disk != 0 || here != total) {
    return ibsh_fail(IBSH_EFORMAT, "%s: multi-disk archives are not supported", z->path);
  }
  if (z->cd_offset > cd_limit || z->cd_size > cd_limit - z->cd_offset)
    return ibsh_fail(IBSH_EFORMAT, "%s: central directory (byte %llu, %llu bytes) lies outside the file", z->path,
                     (unsigned long long)z->cd_offset, (unsigned long long)z->cd_size);
  if (z->entries > z->cd_size / CEN_LEN)
    return ibsh_fail(IBSH_EFORMAT, "%s: %llu entries cannot fit a %llu-byte central directory", z->path,
                     (unsigned long long)z->entries, (unsigned long long)z->cd_size);
  return IBSH_OK;
}

/* Apply the ZIP64 extra field (id 1) in x[0..n) to the sizes and offset of e that are 0xFFFFFFFF. */
static int apply_zip64(const zip_file *z, zip_entry *e, const unsigned char *x, size_t n) {
  while (n >= 4) {
    unsigned id = get16(x), len = get16(x + 2);
    if (len > n - 4) return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': extra field overruns its entry", z->path, e->name);
    if (id == 1) {
      const unsigned char *p = x + 4, *end = x + 4 + len;
      uint64_t *fields[3] = {&e->usize, &e->csize, &e->offset};
      for (int i = 0; i < 3; i++) {
        if (*fields[i] != 0xFFFFFFFFu) continue;
        if (end - p < 8) return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': ZIP64 extra field too short", z->path, e->name);
        *fields[i] = get64(p);
        p += 8;
      }
    }
    x += 4 + len;
    n -= 4 + len;
  }
  return IBSH_OK;
}

/* Parse the central directory entry at p (avail bytes left in the directory) into e; *used gets its length. */
static int parse_entry(const zip_file *z, const unsigned char *p, size_t avail, zip_entry *e, size_t *used, uint64_t k) {
  if (avail < CEN_LEN || memcmp(p, "PK\x01\x02", 4) != 0)
    return ibsh_fail(IBSH_EFORMAT, "%s: bad central directory entry %llu", z->path, (unsigned long long)k + 1);
  size_t nlen = get16(p + 28), xlen = get16(p + 30), clen = get16(p + 32);
  if (CEN_LEN + nlen + xlen + clen > avail)
    return ibsh_fail(IBSH_EFORMAT, "%s: central directory entry %llu overruns the directory", z->path, (unsigned long long)k + 1);
  if (nlen == 0 || memchr(p + CEN_LEN, '\0', nlen))
    return ibsh_fail(IBSH_EFORMAT, "%s: central directory entry %llu has an empty or invalid name", z->path, (unsigned long long)k + 1);
  if (!(e->name = malloc(2 * nlen + 2))) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  memcpy(e->name, p + CEN_LEN, nlen);
  e->name[nlen] = '\0';
  e->nlen = nlen;
  e->key = e->name + nlen + 1;
  memcpy(e->key, e->name, nlen + 1);
  if (nlen > 4 && strcmp(e->key + nlen - 4, ".npy") == 0) e->key[nlen - 4] = '\0';
  e->flags = get16(p + 8);
  e->method = get16(p + 10);
  e->crc = get32(p + 16);
  e->csize = get32(p + 20);
  e->usize = get32(p + 24);
  e->offset = get32(p + 42);
  *used = CEN_LEN + nlen + xlen + clen;
  if (get16(p + 34) != 0 && get16(p + 34) != 0xFFFF) return ibsh_fail(IBSH_EFORMAT, "%s: multi-disk archives are not supported", z->path);
  int rc = apply_zip64(z, e, p + CEN_LEN + nlen, xlen);
  if (rc) return rc;
  if (e->flags & 1) return ibsh_fail(IBSH_EFORMAT, "%s: member '%s' is encrypted", z->path, e->name);
  if (e->method != 0 && e->method != 8)
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': unknown compression method %u (only stored 0 and deflate 8)", z->path, e->name, e->method);
  if (e->method == 0 && e->csize != e->usize)
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s' is stored but its sizes differ (%llu, %llu)", z->path, e->name,
                     (unsigned long long)e->csize, (unsigned long long)e->usize);
  if (e->method == 8 && e->usize / 1032 > e->csize + 1)
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': size %llu is impossible for %llu deflated bytes", z->path, e->name,
                     (unsigned long long)e->usize, (unsigned long long)e->csize);
  if (e->usize > SIZE_MAX / 2) return ibsh_fail(IBSH_ENOMEM, "%s: member '%s' is too large (%llu bytes)", z->path, e->name, (unsigned long long)e->usize);
  return IBSH_OK;
}

/* Compare two strings through pointers (for qsort). */
static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Fail when two entries have the same key. */
static int check_unique(const zip_file *z, zip_entry *ents, size_t n) {
  if (n < 2) return IBSH_OK;
  char **names = malloc(n * sizeof *names);
  if (!names) return ibsh_fail(IBSH_ENOMEM, "out of memory");
  for (size_t i = 0; i < n; i++) names[i] = ents[i].key;
  qsort(names, n, sizeof *names, cmp_names);
  int rc = IBSH_OK;
  for (size_t i = 1; i < n && !rc; i++)
    if (strcmp(names[i - 1], names[i]) == 0) rc = ibsh_fail(IBSH_EFORMAT, "%s: duplicated array name '%s'", z->path, names[i]);
  free(names);
  return rc;
}

/* Read the whole central directory into a new array of entries. */
static int read_directory(zip_file *z, zip_entry **out) {
  unsigned char *cd = malloc(z->cd_size ? (size_t)z->cd_size : 1);
  zip_entry *ents = calloc(z->entries ? (size_t)z->entries : 1, sizeof *ents);
  int rc = !cd || !ents ? ibsh_fail(IBSH_ENOMEM, "out of memory") : read_at(z, z->cd_offset, cd, (size_t)z->cd_size, "central directory");
  size_t pos = 0;
  for (uint64_t k = 0; !rc && k < z->entries; k++) {
    size_t used = 0;
    rc = parse_entry(z, cd + pos, (size_t)z->cd_size - pos, &ents[k], &used, k);
    pos += used;
  }
  free(cd);
  if (!rc) rc = check_unique(z, ents, (size_t)z->entries);
  *out = ents;
  return rc;
}

/* Inflate the raw deflate stream in[0..n) into exactly want bytes at *out (grown as the data arrives). */
static int inflate_member(const zip_file *z, const zip_entry *e, const unsigned char *in, size_t n, unsigned char **out) {
  const size_t step = (size_t)1 << 30;
  size_t want = (size_t)e->usize, cap = want < ((size_t)1 << 20) ? want : ((size_t)1 << 20);
  unsigned char *buf = malloc(cap + 1), *grown;  /* one spare byte shows data beyond want */
  z_stream s;
  memset(&s, 0, sizeof s);
  if (!buf || inflateInit2(&s, -15) != Z_OK) { free(buf); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  size_t done = 0, in_done = 0;
  int rc = IBSH_OK;
  for (;;) {
    if (done == cap + 1) {
      if (cap >= want) break;  /* more data than recorded: reported below */
      size_t next = cap > want / 2 ? want : cap * 2;
      if (!(grown = realloc(buf, next + 1))) { rc = ibsh_fail(IBSH_ENOMEM, "out of memory"); break; }
      buf = grown;
      cap = next;
      if (ibsh_interrupted()) { rc = ibsh_fail(IBSH_EINTR, "interrupted"); break; }
    }
    size_t in_chunk = n - in_done < step ? n - in_done : step, out_chunk = cap + 1 - done < step ? cap + 1 - done : step;
    s.next_in = (unsigned char *)in + in_done;
    s.avail_in = (uInt)in_chunk;
    s.next_out = buf + done;
    s.avail_out = (uInt)out_chunk;
    int zr = inflate(&s, Z_NO_FLUSH);
    in_done += in_chunk - s.avail_in;
    done += out_chunk - s.avail_out;
    if (zr == Z_STREAM_END) break;
    if (zr == Z_OK && (s.avail_out == 0 || in_done < n)) continue;
    if (zr == Z_MEM_ERROR) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
    else rc = ibsh_fail(IBSH_EFORMAT, "%s: member '%s': corrupt deflate data (%s)", z->path, e->name,
                        zr == Z_OK || zr == Z_BUF_ERROR ? "truncated stream" : s.msg ? s.msg : "inflate failed");
    break;
  }
  inflateEnd(&s);
  if (!rc && done > want) rc = ibsh_fail(IBSH_EFORMAT, "%s: member '%s' inflates to more than its recorded %zu bytes", z->path, e->name, want);
  else if (!rc && done != want) rc = ibsh_fail(IBSH_EFORMAT, "%s: member '%s' inflates to %zu bytes, the directory says %zu", z->path, e->name, done, want);
  if (rc) { free(buf); return rc; }
  *out = buf;
  return IBSH_OK;
}

/* CRC-32 of n bytes at p (in chunks that fit zlib's unsigned int lengths). */
static uint32_t crc_of(const unsigned char *p, size_t n) {
  uLong c = crc32(0L, Z_NULL, 0);
  while (n) {
    uInt k = n < (1u << 30) ? (uInt)n : (1u << 30);
    c = crc32(c, p, k);
    p += k;
    n -= k;
  }
  return (uint32_t)c;
}

/* Locate the data of entry e through its local header and decode it into member m. */
static int read_member(zip_file *z, const zip_entry *e, ibsh_npz_member *m) {
  unsigned char loc[LOC_LEN];
  int rc = e->offset > z->cd_offset || z->cd_offset - e->offset < LOC_LEN
             ? ibsh_fail(IBSH_EFORMAT, "%s: member '%s': local header offset %llu is out of range", z->path, e->name, (unsigned long long)e->offset)
             : read_at(z, e->offset, loc, LOC_LEN, "local header");
  if (rc) return rc;
  if (memcmp(loc, "PK\x03\x04", 4) != 0)
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': bad local header signature at byte %llu", z->path, e->name, (unsigned long long)e->offset);
  if (get16(loc + 8) != e->method)
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': local header and directory disagree on the compression method", z->path, e->name);
  char name[65536];
  if (get16(loc + 26) != e->nlen || (rc = read_at(z, e->offset + LOC_LEN, name, e->nlen, "local header name")) ||
      memcmp(name, e->name, e->nlen) != 0)
    return rc ? rc : ibsh_fail(IBSH_EFORMAT, "%s: member '%s': local header and directory disagree on the name", z->path, e->name);
  uint64_t data = e->offset + LOC_LEN + get16(loc + 26) + get16(loc + 28);
  if (data > z->cd_offset || e->csize > z->cd_offset - data)
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': %llu data bytes at byte %llu overrun the central directory", z->path, e->name,
                     (unsigned long long)e->csize, (unsigned long long)data);
  size_t n = (size_t)e->csize;
  unsigned char *raw = malloc(n ? n : 1), *plain = NULL;
  if (!raw) return ibsh_fail(IBSH_ENOMEM, "out of memory (%zu bytes for member '%s')", n, e->name);
  if ((rc = read_at(z, data, raw, n, "member data"))) { free(raw); return rc; }
  if (e->method == 8) {
    rc = inflate_member(z, e, raw, n, &plain);
    free(raw);
    if (rc) return rc;
  } else {
    plain = raw;
  }
  if (crc_of(plain, (size_t)e->usize) != e->crc) {
    free(plain);
    return ibsh_fail(IBSH_EFORMAT, "%s: member '%s': CRC-32 mismatch (corrupt data)", z->path, e->name);
  }
  size_t label_len = strlen(z->path) + strlen(e->name) + 32;
  char *label = malloc(label_len);
  if (!label) { free(plain); return ibsh_fail(IBSH_ENOMEM, "out of memory"); }
  snprintf(label, label_len, "%s: member '%s'", z->path, e->name);
  rc = ibsh_npy_read_mem(plain, (size_t)e->usize, label, &m->t);
  free(label);
  free(plain);
  return rc;
}

/* Free what ibsh_npz_read returned. */
void ibsh_npz_free(ibsh_npz_member *members, size_t count) {
  if (!members) return;
  for (size_t i = 0; i < count; i++) {
    free(members[i].name);
    ibsh_tensor_release(&members[i].t);
  }
  free(members);
}

/* Read every member of the archive path, in archive order. */
int ibsh_npz_read(const char *path, ibsh_npz_member **members, size_t *count) {
  *members = NULL;
  *count = 0;
  zip_file z = {path, fopen(path, "rb"), 0, 0, 0, 0};
  if (!z.f) return ibsh_fail(IBSH_EIO, "%s: cannot open", path);
  long long size = ibsh_file_size(z.f);
  if (size < 0) { fclose(z.f); return ibsh_fail(IBSH_EIO, "%s: not a regular file", path); }
  z.size = (uint64_t)size;
  zip_entry *ents = NULL;
  int rc = read_end(&z);
  if (!rc) rc = read_directory(&z, &ents);
  ibsh_npz_member *out = NULL;
  size_t n = (size_t)z.entries;
  if (!rc && !(out = calloc(n ? n : 1, sizeof *out))) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
  size_t made = 0;
  for (; !rc && made < n; made++) {
    rc = read_member(&z, &ents[made], &out[made]);
    if (!(out[made].name = malloc(strlen(ents[made].key) + 1))) rc = ibsh_fail(IBSH_ENOMEM, "out of memory");
    else strcpy(out[made].name, ents[made].key);
  }
  for (size_t i = 0; ents && i < n; i++) free(ents[i].name);
  free(ents);
  fclose(z.f);
  if (rc) { ibsh_npz_free(out, made); return rc; }
  *members = out;
  *count = n;
  return IBSH_OK;
}
