/*
** Internal: CPU features detected once at load time, and the macros that compile a kernel
** twice (x86-64-v3 and baseline, or AVX2 and baseline; x86-64-v4 as a third) and pick the copy for this CPU.
** Plain function attributes and our own CPUID test, so gcc and clang dispatch alike.
*/
#ifndef IBSH_BASE_CPU_H
#define IBSH_BASE_CPU_H

/* What this CPU (and the OS's saved register state) runs; all zero off x86-64. */
typedef struct {
  int v3;        /* x86-64-v3: AVX, AVX2, FMA, BMI1, BMI2, F16C, LZCNT, MOVBE (and the v2 set) */
  int v4;        /* x86-64-v4: v3 and AVX-512 F, BW, CD, DQ, VL (with ZMM state) */
  int avx2;      /* AVX2 (with AVX and YMM state) */
  int avx512f;   /* AVX-512 F (with ZMM state) */
  int avx512vl;  /* AVX-512 VL */
  int bmi2;      /* BMI2 */
} ibsh_cpu_features;

/* Filled in by a constructor before main (and before any kernel runs). */
extern ibsh_cpu_features ibsh_cpu;

#define IBSH_ALWAYS_INLINE static inline __attribute__((always_inline))

#if defined(__x86_64__)
#define IBSH_TARGET_V3 __attribute__((target("arch=x86-64-v3")))
#define IBSH_TARGET_V4 __attribute__((target("arch=x86-64-v4")))
#if defined(__clang__)
#define IBSH_TARGET_V4_WIDE IBSH_TARGET_V4 __attribute__((min_vector_width(512)))
#else
#define IBSH_TARGET_V4_WIDE __attribute__((target("arch=x86-64-v4,prefer-vector-width=512")))
#endif
#define IBSH_TARGET_AVX2 __attribute__((target("avx2")))
#define IBSH_TARGET_AVX512 __attribute__((target("avx2,avx512f")))
#else
#define IBSH_TARGET_V3
#define IBSH_TARGET_V4
#define IBSH_TARGET_V4_WIDE
#define IBSH_TARGET_AVX2
#define IBSH_TARGET_AVX512
#endif

/* Nonzero when this CPU runs IBSH_TARGET_V4 code (x86-64-v4: v3 with AVX-512 F, BW, CD, DQ, VL). */
#define IBSH_HAVE_V4 (ibsh_cpu.v4)

/* Define name##_v3 (x86-64-v3) and name##_base (baseline): two static copies of the always-inline
   void function name##_kernel, taking params and called with args. */
#define IBSH_VARIANTS_V3(name, params, args) \
  IBSH_TARGET_V3 static void name##_v3 params { name##_kernel args; } \
  static void name##_base params { name##_kernel args; }

/* Define name##_v4 (x86-64-v4) from the always-inline name##_kernel8, name##_v3 and name##_base from name##_kernel:
   for kernels written on 8-lane vectors for AVX-512 and 4-lane vectors otherwise. */
#define IBSH_VARIANTS_V4(name, params, args) \
  IBSH_TARGET_V4 static void name##_v4 params { name##_kernel8 args; } \
  IBSH_VARIANTS_V3(name, params, args)

/* Define name##_v4, name##_v3 and name##_base, all from name##_kernel: for loops the compiler vectorises itself,
   512 bits wide in the x86-64-v4 copy. */
#define IBSH_VARIANTS_V4_AUTO(name, params, args) \
  IBSH_TARGET_V4_WIDE static void name##_v4 params { name##_kernel args; } \
  IBSH_VARIANTS_V3(name, params, args)

/* The same with an AVX2-only copy, name##_avx2 (no FMA: the same roundings as the baseline). */
#define IBSH_VARIANTS_AVX2(name, params, args) \
  IBSH_TARGET_AVX2 static void name##_avx2 params { name##_kernel args; } \
  static void name##_base params { name##_kernel args; }

/* The copy of name for this CPU. */
#define IBSH_PICK_V3(name) (ibsh_cpu.v3 ? name##_v3 : name##_base)
#define IBSH_PICK_V4(name) (ibsh_cpu.v4 ? name##_v4 : ibsh_cpu.v3 ? name##_v3 : name##_base)
#define IBSH_PICK_AVX2(name) (ibsh_cpu.avx2 ? name##_avx2 : name##_base)

#endif
