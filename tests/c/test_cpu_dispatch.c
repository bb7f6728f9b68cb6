/*
** Kernel dispatch: the CPUID detector agrees with the compiler's own CPU tests, and every
** copy of the vector kernels (x86-64-v4, v3 and baseline, forced by clearing the flags) gives
** accurate results; the v4 and v3 copies of tanh, exp and the network passes agree to the bit;
** the shared fast exp's error; mi.sp's and the KDE kernel's three copies; the IB block kernels' copies and formulas.
*/
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "base/cpu.h"
#include "base/fastexp.h"
#include "ib/ib_kernels.h"
#include "ibsh/nn.h"
#include "ibsh/mi_exact.h"
#include "ibsh/mi_kde.h"
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

enum { BT = 37, BN = 61, BLD = 70, BNY = 3 };   /* clusters, block columns (not a multiple of 8), row stride, |Y| */

/* The three block kernels of the streaming IB update with the current flags, on fixed pseudo-random input
   (cluster 5 dead): out gets colmax, colsum, ed, the e block and the accumulated masses. */
static void run_block_kernels(double *out) {
  static double coef[BT * (BNY + 1)], cond[BNY * BLD], px[BLD], pxyT[BNY * BLD], inv[BN];
  static double buf[BT * 64];
  uint64_t r = 12345;
  for (int i = 0; i < BT * (BNY + 1); i++) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    coef[i] = -3.0 * (double)(r >> 11) / 9007199254740992.0;
  }
  coef[5 * (BNY + 1)] = NAN;
  coef[7 * (BNY + 1) + 1] = -1e290;   /* a ln 0 penalty: exp underflows to exactly 0 */
  for (int x = 0; x < BLD; x++) {
    double a = (x % 7 + 1) / 8.0, b = (x % 3) / 6.0;
    cond[x] = a * (1 - b); cond[BLD + x] = (1 - a) * (1 - b); cond[2 * BLD + x] = b;
    px[x] = (1.0 + (x % 5)) / (3.0 * BLD);
    for (int y = 0; y < BNY; y++) pxyT[y * BLD + x] = cond[y * BLD + x] * px[x];
  }
  double *colmax = out, *colsum = out + BN, *ed = out + 2 * BN, *e = out + 3 * BN, *acc = e + BT * BN;
  ibsh_ib_block_colmax(coef, BT, BNY, cond, BLD, BN, colmax);
  ibsh_ib_block_exp(coef, BT, BNY, cond, BLD, BN, colmax, buf, 64, colsum, ed);
  for (int t = 0; t < BT; t++) memcpy(e + t * BN, buf + t * 64, BN * sizeof *e);
  for (int x = 0; x < BN; x++) inv[x] = 1.0 / colsum[x];
  for (int i = 0; i < BT * (BNY + 1); i++) acc[i] = 0.5;
  ibsh_ib_block_mass(buf, 64, BT, BN, inv, px, pxyT, BLD, BNY, acc);
}

/* Every copy of the block kernels (AVX-512, AVX2, baseline) gives the same bits, and they match the
   straightforward formulas with libm's exp (relative 1e-14). */
static void check_block_kernels(void) {
  enum { LEN = 3 * BN + BT * BN + BT * (BNY + 1) };
  static double copies[3][LEN];
  ibsh_cpu_features saved = ibsh_cpu;
  run_block_kernels(copies[0]);
  ibsh_cpu.avx512f = 0;
  run_block_kernels(copies[1]);
  memset(&ibsh_cpu, 0, sizeof ibsh_cpu);
  run_block_kernels(copies[2]);
  ibsh_cpu = saved;
  check(memcmp(copies[0], copies[1], sizeof copies[0]) == 0, "IB block kernels: AVX-512 and AVX2 copies agree bitwise");
  check(memcmp(copies[1], copies[2], sizeof copies[0]) == 0, "IB block kernels: AVX2 and baseline copies agree bitwise");
  /* The straightforward computation. */
  static double coef[BT * (BNY + 1)], cond[BNY * BLD];
  uint64_t r = 12345;
  for (int i = 0; i < BT * (BNY + 1); i++) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    coef[i] = -3.0 * (double)(r >> 11) / 9007199254740992.0;
  }
  coef[7 * (BNY + 1) + 1] = -1e290;
  for (int x = 0; x < BLD; x++) {
    double a = (x % 7 + 1) / 8.0, b = (x % 3) / 6.0;
    cond[x] = a * (1 - b); cond[BLD + x] = (1 - a) * (1 - b); cond[2 * BLD + x] = b;
  }
  const double *got = copies[0];
  int bad = 0;
  for (int x = 0; x < BN; x++) {
    double score[BT], mx = -INFINITY, sum = 0, sed = 0;
    for (int t = 0; t < BT; t++) {
      score[t] = coef[t * (BNY + 1)];
      for (int y = 0; y < BNY; y++) score[t] += coef[t * (BNY + 1) + 1 + y] * cond[y * BLD + x];
      if (t != 5 && score[t] > mx) mx = score[t];
    }
    for (int t = 0; t < BT; t++) {
      double d = score[t] - mx, e = t == 5 || d <= -500 ? 0 : exp(d);
      sum += e;
      sed += e * (d > -500 ? d : -500);
      double ge = got[3 * BN + t * BN + x];
      bad += fabs(ge - e) > 1e-14 * e;
    }
    bad += got[x] != mx;
    bad += fabs(got[BN + x] - sum) > 1e-14 * sum;
    bad += fabs(got[2 * BN + x] - sed) > 1e-12 * fabs(sed) + 1e-300;
  }
  for (int t = 0; t < BT; t++) {
    double mass = 0.5;
    for (int x = 0; x < BN; x++) mass += got[3 * BN + t * BN + x] / got[BN + x] * ((1.0 + (x % 5)) / (3.0 * BLD));
    bad += fabs(got[3 * BN + BT * BN + t * (BNY + 1)] - mass) > 1e-14 * mass;
  }
  if (bad) printf("IB block kernels: %d values off\n", bad);
  check(bad == 0, "IB block kernels match the straightforward formulas");
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

/* Plain double loop of ibsh_kde_term: -mean_i ln[(1/n) sum_j exp(-|t_i - t_j|^2 / width)]. */
static double kde_term_plain(const double *t, int n, int d, double width) {
  double total = 0;
  for (int i = 0; i < n; i++) {
    double s = 0;
    for (int j = 0; j < n; j++) {
      double d2 = 0;
      for (int q = 0; q < d; q++) d2 += (t[i * d + q] - t[j * d + q]) * (t[i * d + q] - t[j * d + q]);
      s += exp(-d2 / width);
    }
    total += log((double)n) - log(s);
  }
  return total / n;
}

/* The KDE direct kernel's copies (x86-64-v4, v3, baseline; built without FMA contraction) give the same bits, for
   row counts that leave partial row blocks and partial column vectors, and match a plain loop to 1e-13. */
static void check_kde_copies(void) {
  enum { N = 203, D = 3 };
  static double t[N * D];
  for (int i = 0; i < N * D; i++) t[i] = sin(0.71 * i) + 0.05 * (i % 11);
  ibsh_cpu_features saved = ibsh_cpu;
  for (int n = N - 3; n <= N; n++) {
    double r[3];
    for (int c = 0; c < 3; c++) {
      if (c == 1) ibsh_cpu.avx512f = ibsh_cpu.v4 = 0;
      if (c == 2) memset(&ibsh_cpu, 0, sizeof ibsh_cpu);
      check(ibsh_kde_term(t, (size_t)n, D, 0.2, &r[c]) == 0, "kde term runs");
    }
    ibsh_cpu = saved;
    check(r[0] == r[1] && r[1] == r[2], "kde: v4, v3 and baseline copies agree bitwise");
    double plain = kde_term_plain(t, n, D, 0.2);
    check(fabs(r[0] - plain) < 1e-13 * fabs(plain), "kde: the direct kernel matches a plain loop to 1e-13");
  }
}

/* Run the checks. */
int main(void) {
  check_detection();
  check_copies();
  check_forward_copies();
  check_fastexp();
  check_sp_copies();
  check_kde_copies();
  check_block_kernels();
  printf("v3 %d v4 %d avx2 %d avx512f %d avx512vl %d bmi2 %d\n", ibsh_cpu.v3, ibsh_cpu.v4, ibsh_cpu.avx2,
         ibsh_cpu.avx512f, ibsh_cpu.avx512vl, ibsh_cpu.bmi2);
  if (!failures) printf("OK\n");
  return failures != 0;
}
