/*
** Internal file helpers shared by the tensor readers and writers: atomic writes
** through a temporary file, and file sizes for checking headers before allocating.
*/
#ifndef IBSH_TENSOR_FILE_H
#define IBSH_TENSOR_FILE_H

#include <stdio.h>

/* Open a temporary file next to path for writing; its name goes to tmp (len bytes). NULL + error on failure. */
FILE *ibsh_tmpfile_open(const char *path, char *tmp, size_t len);

/* Close f and rename tmp over path (ok != 0), or close and remove tmp; returns IBSH_OK or an error. */
int ibsh_tmpfile_commit(FILE *f, const char *tmp, const char *path, int ok);

/* Size of an open file in bytes, or -1. */
long long ibsh_file_size(FILE *f);

/* Nonzero when path ends with suffix (case-insensitive). */
int ibsh_has_suffix(const char *path, const char *suffix);

#endif
