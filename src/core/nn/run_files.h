/*
** The files of one checkpoint of a run directory (written by run_io.c) and the
** list of their names, sizes and hashes that the manifest records (run_dir.c).
*/
#ifndef IBSH_NN_RUN_FILES_H
#define IBSH_NN_RUN_FILES_H

#include <stdint.h>
#include "ibsh/run.h"

#define RUN_MAXFILES (8 + 2 * IBSH_NN_MAXLAYERS)

typedef struct run_file {
  char name[32];
  uint64_t bytes, hash;
} run_file;

typedef struct run_files {
  int n;
  run_file f[RUN_MAXFILES];
} run_files;

/* Write every file of run into the existing directory cdir, fsyncing each, and list them in out. */
int run_files_write(const ibsh_run *run, const char *cdir, const char *extra_json, run_files *out);

/* The number of files a checkpoint of a network with L weight layers has. */
int run_files_count(int L);

/* Load the files of checkpoint directory cdir (already verified against the manifest) into an uninitialised run. */
int run_files_read(ibsh_run *run, const char *cdir);

#endif
