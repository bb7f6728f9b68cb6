/*
** Special functions for the MI estimators: regularised incomplete gamma (for the
** chi-square survival function of the G-test) and the digamma function (for KSG).
*/
#ifndef IBSH_MI_SPECIAL_H
#define IBSH_MI_SPECIAL_H

/* Regularised lower incomplete gamma P(a, x) = gamma(a, x) / Gamma(a), a > 0, x >= 0. */
double ibsh_gamma_p(double a, double x);

/* Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the far tail. */
double ibsh_gamma_q(double a, double x);

/* Survival function of the chi-square distribution with df > 0 degrees of freedom at x >= 0. */
double ibsh_chi2_sf(double x, double df);

/* Digamma function psi(x) for x > 0 (recurrence to x >= 10, then the asymptotic series). */
double ibsh_digamma(double x);

#endif
