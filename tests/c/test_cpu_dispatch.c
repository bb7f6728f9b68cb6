/*
** Kernel dispatch: the CPUID detector agrees with the compiler's own CPU tests, and every
** copy of the vector kernels (x86-64-v4, v3 and baseline, forced by clearing the flags) gives
** accurate results; the v4 and v3 copies of tanh, exp and the network passes agree to the bit;
** the shared fast exp's error; mi.sp's three copies.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "base/cpu.h"
#include "base/fastexp.h"
#include "ib/ib_kernels.h"
#include "ibsh/nn.h"
#include "ibsh/mi_exact.h"
#include "ibsh/nn_act.h"
#include "ibsh/rng.h"

static int failures = 0;

/* Report a failed check. */
static void check(int ok, const char *what) {
  if (!ok) { printf("FAIL: %s\n", what); failures++; }
}

/* The detector against __builtin_cpu_supports (gcc 12 also knows the x86-64-v3 level). */
static void check_detection(void) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  check(ibsh_cpu.avx2 == !!__builtin_cpu_supports("avx2"), "avx2 as __builtin_cpu_supports");
  check(ibsh_cpu.bmi2 == !!__builtin_cpu_supports("bmi2"), "bmi2 as __builtin_cpu_supports");
  check(ibsh_cpu.avx512f == !!__builtin_cpu_supports("avx512f"), "avx512f as __builtin_cpu_supports");
  check(ibsh_cpu.avx512vl == !!__builtin_cpu_supports("avx512vl"), "avx512vl as __builtin_cpu_supports");
  int v3_parts = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi") &&
                 __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("avx");
  check(!ibsh_cpu.v3 || v3_parts, "x86-64-v3 implies AVX, AVX2, FMA, BMI1, BMI2");
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
  check(ibsh_cpu.v3 == !!__builtin_cpu_supports("x86-64-v3"), "x86-64-v3 as gcc's __builtin_cpu_supports");
  check(ibsh_cpu.v4 == !!__builtin_cpu_supports("x86-64-v4"), "x86-64-v4 as gcc's __builtin_cpu_supports");
#endif
  check(!ibsh_cpu.v4 || (ibsh_cpu.v3 && ibsh_cpu.avx512vl), "x86-64-v4 implies x86-64-v3 and AVX-512 F and VL");
#else
  check(!ibsh_cpu.v3 && !ibsh_cpu.avx2, "no x86 features off x86-64");
#endif
}

/* tanh, exp and the IB row exponential with the current flags into out (n = 203 inputs each). */
static void run_kernels(double *out) {
  enum { N = 203 };
  double x[N], colmax[N], colsum[N], ed[N], tmp[N];
  for (int i = 0; i < N; i++) x[i] = -12.0 + 24.0 * i / (N - 1);
  ibsh_tanh_array(x, out, N);
  for (int i = 0; i < N; i++) x[i] = -700.0 + 1400.0 * i / (N - 1);
  ibsh_exp_array(x, out + N, N);
  for (int i = 0; i < N; i++) { out[2 * N + i] = -3.0 * i; colmax[i] = 0.0; colsum[i] = 1.0; ed[i] = 0.0; }
  ibsh_ib_row_exp(out + 2 * N, N, colmax, colsum, ed, tmp);
}

/* Both copies against libm (tanh and exp within 8e-16 relative, the IB exp within 6e-16). */
static void check_copies(void) {
  enum { N = 203 };
  static double fast[3 * N], base[3 * N];
  ibsh_cpu_features saved = ibsh_cpu;
  run_kernels(fast);
  memset(&ibsh_cpu, 0, sizeof ibsh_cpu);
  run_kernels(base);
  ibsh_cpu = saved;
  for (int c = 0; c < 2; c++) {
    double *y = c ? base : fast;
    int bad = 0;
    for (int i = 0; i < N; i++) {
      double t = tanh(-12.0 + 24.0 * i / (N - 1)), e = exp(-700.0 + 1400.0 * i / (N - 1)), r = exp(-3.0 * i);
      bad += fabs(y[i] - t) > 8e-16 * fabs(t);
      bad += fabs(y[N + i] - e) > 8e-16 * e;
      bad += i * 3.0 > 500.0 ? y[2 * N + i] != 0.0 : fabs(y[2 * N + i] - r) > 6e-16 * r;
    }
    if (bad) printf("%s copy: %d values off\n", c ? "baseline" : "dispatched", bad);
    check(bad == 0, c ? "baseline kernels accurate" : "dispatched kernels accurate");
  }
  /* The eight-lane (AVX-512) tanh and exp do per lane what the four-lane AVX2 copies do: the same bits. */
  if (ibsh_cpu.v4) {
    static double v3only[3 * N];
    ibsh_cpu.v4 = 0;
    run_kernels(v3only);
    ibsh_cpu = saved;
    check(memcmp(fast, v3only, 2 * N * sizeof(double)) == 0, "tanh and exp: x86-64-v4 and v3 copies agree bitwise");
  }
  /* The IB kernels have no FMA in either copy: the same bits. */
  check(memcmp(fast + 2 * N, base + 2 * N, N * sizeof(double)) == 0,
        "IB row exp: AVX2 and baseline copies agree bitwise");
}

/* The forward pass of the paper's 12-10-7-5-4-3-2 tanh net over 203 rows into out (every layer, feature-major),
   then the gradient of its loss (a.nparams values). */
static void run_forward(double *out) {
  enum { N = 203 };
  static const size_t widths[7] = {12, 10, 7, 5, 4, 3, 2};
  static double params[400], x[N * 12];
  ibsh_arch a;
  ibsh_nn_work w;
  ibsh_rng r;
  if (ibsh_arch_init(&a, 6, widths, IBSH_ACT_TANH, IBSH_OUT_SOFTMAX) || ibsh_nn_work_alloc(&w, &a, N)) {
    check(0, "network set-up");
    return;
  }
  ibsh_rng_seed(&r, 7);
  ibsh_nn_init_params(&a, params, IBSH_INIT_TRUNCNORMAL_FANIN, 0.1, &r);
  for (int i = 0; i < N * 12; i++) x[i] = 2.0 * ibsh_rng_uniform(&r) - 1.0;
  static double t[N * 2];
  for (int i = 0; i < N; i++) { t[2 * i] = i % 3 == 0; t[2 * i + 1] = i % 3 != 0; }
  ibsh_nn_forward(&a, params, x, N, &w);
  size_t at = 0;
  for (int l = 1; l <= 6; l++) {
    memcpy(out + at, w.act[l], N * widths[l] * sizeof(double));
    at += N * widths[l];
  }
  ibsh_nn_backward(&a, params, t, N, &w, out + at);
  ibsh_nn_work_free(&w);
}

/* The network's forward and backward passes through the x86-64-v4 kernels give the bits of the v3 kernels. */
static void check_forward_copies(void) {
  if (!ibsh_cpu.v4) return;
  static double v4[203 * 31 + 400], v3[203 * 31 + 400];
  run_forward(v4);
  ibsh_cpu.v4 = 0;
  run_forward(v3);
  ibsh_cpu.v4 = 1;
  check(memcmp(v4, v3, sizeof v4) == 0, "forward and backward pass: x86-64-v4 and v3 copies agree bitwise");
}

/* base/fastexp.h's exp, scalar and eight lanes, against libm on [-708, 709]: relative error below 6e-16. */
static void check_fastexp(void) {
  double worst = 0;
  for (int i = 0; i <= 200000; i++) {
    double x = -708.0 + 1417.0 * i / 200000.0, e = exp(x);
    ibsh_v8d v = {x, x * 0.5, x * 0.25, -x * 0.125, x * 1e-3, -x * 1e-6, x * 0.75, -x * 0.5};
    ibsh_v8d w = v;
    ibsh_exp_fast8(&w);
    double r = fabs(ibsh_exp_fast(x) - e) / e;
    worst = r > worst ? r : worst;
    for (int l = 0; l < 8; l++) {
      double el = exp(v[l]), rl = fabs(w[l] - el) / el;
      worst = rl > worst ? rl : worst;
    }
  }
  printf("fast exp: worst relative error %.3g\n", worst);
  check(worst < 6e-16, "fast exp within 6e-16 of libm");
}

/* mi.sp's kernel copies: AVX-512 and x86-64-v3 give the same bits, the baseline agrees to 1e-12. */
static void check_sp_copies(void) {
  enum { N = 300, D = 5 };
  static double s[N * D];
  for (int i = 0; i < N * D; i++) s[i] = sin(0.37 * i + 0.1 * (i % 7));
  ibsh_sp_result r[3];
  ibsh_cpu_features saved = ibsh_cpu;
  for (int c = 0; c < 3; c++) {
    if (c == 1) ibsh_cpu.avx512f = ibsh_cpu.v4 = 0;
    if (c == 2) memset(&ibsh_cpu, 0, sizeof ibsh_cpu);
    check(ibsh_mi_sp(s, N, D, 0.3, 37, 5, NULL, 0, 1, &r[c]) == 0, "mi_sp runs");
  }
  ibsh_cpu = saved;
  if (saved.v3)
    check(r[0].ixt == r[1].ixt && r[0].ixt_se == r[1].ixt_se, "mi_sp: AVX-512 and x86-64-v3 copies agree bitwise");
  check(fabs(r[0].ixt - r[2].ixt) < 1e-12 * fabs(r[2].ixt), "mi_sp: baseline copy agrees to 1e-12");
}

/* Run the checks. */
int main(void) {
  check_detection();
  check_copies();
  check_forward_copies();
  check_fastexp();
  check_sp_copies();
  printf("v3 %d v4 %d avx2 %d avx512f %d avx512vl %d bmi2 %d\n", ibsh_cpu.v3, ibsh_cpu.v4, ibsh_cpu.avx2,
         ibsh_cpu.avx512f, ibsh_cpu.avx512vl, ibsh_cpu.bmi2);
  if (!failures) printf("OK\n");
  return failures != 0;
}
