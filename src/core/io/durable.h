/*
** Durable writes: a file writer that checks every write, hashes what it
** writes (FNV-1a 64), flushes and fsyncs before close; directory fsync; and a
** test-only failure injection (IBSH_TEST_WRITE_LIMIT=<bytes>: writes past that
** many bytes in this process fail as if the disk were full).
*/
#ifndef IBSH_IO_DURABLE_H
#define IBSH_IO_DURABLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define IBSH_FNV_INIT 0xcbf29ce484222325ULL

typedef struct dur_file {
  FILE *f;
  int err;              /* first errno seen (0: all good so far) */
  uint64_t hash;        /* FNV-1a 64 of the bytes written */
  uint64_t bytes;
  char path[4200];
} dur_file;

/* Extend an FNV-1a 64 hash h with n bytes. */
uint64_t dur_hash(uint64_t h, const void *data, size_t n);

/* Create (truncate) path for writing; fails with a message naming path. */
int dur_open(dur_file *w, const char *path);

/* Append n bytes (errors are remembered and reported by dur_close). */
void dur_write(dur_file *w, const void *data, size_t n);

/* Append printf-formatted text. */
void dur_printf(dur_file *w, const char *fmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* Flush, fsync and close; IBSH_OK only if every write reached the file (the file is removed otherwise). */
int dur_close(dur_file *w);

/* fsync a directory so that renames and new entries in it are durable. */
int dur_sync_dir(const char *dir);

/* Write a temp file next to path with the n bytes of text, fsync it and rename it over path, then fsync dir. */
int dur_replace(const char *dir, const char *path, const void *text, size_t n);

/* Hash the whole file at path: its size and FNV-1a 64; fails if it cannot be read. */
int dur_hash_file(const char *path, uint64_t *bytes, uint64_t *hash);

#endif
