/*
** CSV files of numbers: comma separated, one row per line, an optional header
** line (detected when its first line has a field that is not a number).
*/
#ifndef IBSH_CSVIO_H
#define IBSH_CSVIO_H

#include "tensor.h"

/* Read path into a newly allocated rows x cols tensor; *header gets the header line (malloc'd) or NULL. */
int ibsh_csv_read(const char *path, ibsh_tensor *out, char **header);

/* Write a 1-d (one column) or 2-d tensor with an optional header line (NULL for none), exact to 17 digits. */
int ibsh_csv_write(const char *path, const ibsh_tensor *t, const char *header);

#endif
