/*
** CPU feature detection with CPUID and XGETBV, run once at load time; the same code under
** gcc and clang (clang 14's __builtin_cpu_supports knows no "x86-64-v3").
*/
#include "base/cpu.h"

ibsh_cpu_features ibsh_cpu;

#if defined(__x86_64__)
#include <cpuid.h>

/* Bit n of x as 0 or 1. */
static int bit(unsigned x, int n) { return (int)((x >> n) & 1u); }

/* The OS-enabled register state mask (XCR0); 0 when the OS does not use XSAVE. */
static unsigned long long xcr0(unsigned ecx1) {
  if (!bit(ecx1, 27)) return 0;  /* OSXSAVE */
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return ((unsigned long long)hi << 32) | lo;
}

/* Fill ibsh_cpu from CPUID leaves 1, 7 and 0x80000001 and the saved state mask. */
__attribute__((constructor)) static void ibsh_cpu_detect(void) {
  unsigned a, b, c1, d1, b7 = 0, c7 = 0, d7 = 0, ce = 0, de = 0;
  if (!__get_cpuid(1, &a, &b, &c1, &d1)) return;
  if ((unsigned)__get_cpuid_max(0, 0) >= 7u) __cpuid_count(7, 0, a, b7, c7, d7);
  if ((unsigned)__get_cpuid_max(0x80000000u, 0) >= 0x80000001u) __cpuid(0x80000001u, a, b, ce, de);
  unsigned long long state = xcr0(c1);
  int ymm = (state & 6) == 6, zmm = ymm && (state & 0xe0) == 0xe0;
  int avx = ymm && bit(c1, 28);
  int v2 = bit(c1, 0) && bit(c1, 9) && bit(c1, 13) && bit(c1, 19) && bit(c1, 20) && bit(c1, 23) && bit(ce, 0);
  ibsh_cpu.avx2 = avx && bit(b7, 5);
  ibsh_cpu.bmi2 = bit(b7, 8);
  ibsh_cpu.v3 = v2 && ibsh_cpu.avx2 && bit(c1, 12) && bit(c1, 22) && bit(c1, 29) && bit(b7, 3) && ibsh_cpu.bmi2 &&
                bit(ce, 5);
  ibsh_cpu.avx512f = zmm && bit(b7, 16);
  ibsh_cpu.avx512vl = ibsh_cpu.avx512f && bit(b7, 31);
  ibsh_cpu.v4 = ibsh_cpu.v3 && ibsh_cpu.avx512vl && bit(b7, 17) && bit(b7, 28) && bit(b7, 30);   /* + DQ, CD, BW */
  (void)d1; (void)c7; (void)d7; (void)de;
}
#endif
