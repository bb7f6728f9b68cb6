/*
** The GIF LZW encoder against an independent decoder written here from the GIF89a
** specification: random, constant and structured index streams of several code sizes
** round-trip, including streams long enough to fill the 4096-code table many times.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/gif.h"
#include "ibsh/rng.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { printf("FAIL: %s\n", what); failures++; }
}

/* Decode a GIF LZW code stream into out (capacity cap); returns the count, or -1 on a malformed stream. */
static long decode(const unsigned char *in, size_t n, int mcs, unsigned char *out, size_t cap) {
  static unsigned short prefix[4096];
  static unsigned char suffix[4096], first[4096];
  static unsigned short length[4096];
  unsigned clear = 1u << mcs, eoi = clear + 1, next = eoi + 1;
  int size = mcs + 1, prev = -1;
  size_t pos = 0, count = 0;
  unsigned long acc = 0;
  int bits = 0;
  for (unsigned i = 0; i < clear; i++) { suffix[i] = (unsigned char)i; first[i] = (unsigned char)i; length[i] = 1; }
  for (;;) {
    while (bits < size) {
      if (pos >= n) return -1;
      acc |= (unsigned long)in[pos++] << bits;
      bits += 8;
    }
    unsigned code = (unsigned)(acc & ((1ul << size) - 1));
    acc >>= size;
    bits -= size;
    if (code == clear) { next = eoi + 1; size = mcs + 1; prev = -1; continue; }
    if (code == eoi) return (long)count;
    if (code > next || (code == next && prev < 0)) return -1;
    unsigned cur = code;
    if (code == next) {   /* the KwKwK case: prev's string plus its first symbol */
      prefix[next] = (unsigned short)prev; suffix[next] = first[prev]; first[next] = first[prev];
      length[next] = (unsigned short)(length[prev] + 1);
    }
    size_t len = length[cur];
    if (count + len > cap) return -1;
    for (size_t k = len; k-- > 0;) { out[count + k] = suffix[cur]; cur = prefix[cur]; }
    if (prev >= 0 && code != next && next < 4096) {
      prefix[next] = (unsigned short)prev; suffix[next] = out[count]; first[next] = first[prev];
      length[next] = (unsigned short)(length[prev] + 1);
    }
    if (prev >= 0 && next < 4096) {
      next++;
      if (next == (1u << size) && size < 12) size++;
    }
    count += len;
    prev = (int)code;
  }
}

/* Encode n indices with code size mcs, decode them, and compare. */
static void roundtrip(const unsigned char *idx, size_t n, int mcs, const char *what) {
  gif_bytes z = {0};
  int rc = ibsh_lzw_encode(idx, n, mcs, &z);
  check(rc == 0, what);
  unsigned char *back = malloc(n + 1);
  long got = decode(z.p, z.n, mcs, back, n + 1);
  char msg[160];
  snprintf(msg, sizeof msg, "%s: decoded %ld of %zu indices", what, got, n);
  check(got == (long)n && memcmp(back, idx, n) == 0, msg);
  free(back);
  free(z.p);
}

int main(void) {
  size_t n = 1 << 20;
  unsigned char *idx = malloc(n);
  ibsh_rng r;
  ibsh_rng_seed(&r, 7);
  for (size_t i = 0; i < n; i++) idx[i] = (unsigned char)ibsh_rng_below(&r, 256);
  roundtrip(idx, n, 8, "random bytes (table refills)");
  for (size_t i = 0; i < n; i++) idx[i] = (unsigned char)ibsh_rng_below(&r, 4);
  roundtrip(idx, n, 2, "random 2-bit symbols");
  memset(idx, 5, n);
  roundtrip(idx, n, 8, "a constant run (KwKwK codes)");
  for (size_t i = 0; i < n; i++) idx[i] = (unsigned char)((i / 7 + (i % 640) / 13) % 11);
  roundtrip(idx, n, 4, "a structured image");
  roundtrip(idx, 1, 8, "one index");
  roundtrip(idx, 0, 8, "no indices");
  gif_bytes z = {0};
  check(ibsh_lzw_encode(idx, 4, 9, &z) != 0, "code size 9 is refused");
  free(z.p);
  free(idx);
  if (failures) return 1;
  printf("OK\n");
  return 0;
}
