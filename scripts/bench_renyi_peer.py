#!/usr/bin/python3
"""Python peer of scripts/bench_renyi: matrix-based Renyi MI in numpy (Gram by one matrix product,
np.linalg.eigvalsh for every spectrum, the label kernel as an explicit matrix), timed on the data ibsh
wrote to DIR. "report ROUNDS" prints the RESULT lines from both sides' best times."""
import sys
import time

import numpy as np


def gram(x, sigma):
    """Unit-trace Gaussian Gram matrix of the rows of x."""
    sq = (x * x).sum(1)
    d = sq[:, None] + sq[None, :] - 2.0 * (x @ x.T)
    np.maximum(d, 0, out=d)
    k = np.exp(-d / (2.0 * sigma * sigma))
    return k / np.trace(k)


def entropy(a, alpha):
    """S_alpha(a) in bits from the eigenvalues."""
    w = np.linalg.eigvalsh(a)
    w = w[w > 0]
    return np.log2((w ** alpha).sum()) / (1.0 - alpha)


def renyi(a, b, alpha):
    """I = S(A) + S(B) - S(A o B / tr)."""
    j = a * b
    return entropy(a, alpha) + entropy(b, alpha) - entropy(j / np.trace(j), alpha)


def best(reps, f):
    """Best wall-clock time of reps runs of f, and f's result."""
    t, v = float("inf"), None
    for _ in range(reps):
        t0 = time.perf_counter()
        v = f()
        t = min(t, time.perf_counter() - t0)
    return t, v


def run(d):
    x, y, labels = np.load(d + "/x.npy"), np.load(d + "/y.npy"), np.load(d + "/labels.npy").ravel()
    with open(d + "/peer.txt", "a") as out:
        t, v = best(3, lambda: renyi(gram(x, 8.0), gram(y, 4.0), 1.01))
        out.write("dense %.6f %.12g\n" % (t, v))
        lab = lambda: (labels[:, None] == labels[None, :]).astype(float) / len(labels)
        t, v = best(3, lambda: renyi(gram(x, 8.0), lab(), 1.01))
        out.write("labels %.6f %.12g\n" % (t, v))
        t, v = best(3, lambda: renyi(gram(x, 8.0), gram(y, 4.0), 2.0))
        out.write("alpha2 %.6f %.12g\n" % (t, v))


def read(path):
    """Best time and last value per workload name."""
    res = {}
    for line in open(path):
        name, t, v = line.split()
        old = res.get(name, (float("inf"), 0.0))
        res[name] = (min(old[0], float(t)), float(v))
    return res


def report(d):
    me, peer = read(d + "/ibsh.txt"), read(d + "/peer.txt")
    what = {"dense": "`mi.renyi` 1000 x 256 vs 1000 x 64, alpha = 1.01 (three spectra)",
            "labels": "`mi.renyi` 1000 x 256 vs 10 class labels, alpha = 1.01",
            "alpha2": "`mi.renyi` 1000 x 256 vs 1000 x 64, alpha = 2"}
    for name in ("dense", "labels", "alpha2"):
        (ti, vi), (tp, vp) = me[name], peer[name]
        if abs(vi - vp) > 1e-6 * max(1.0, abs(vp)):
            print("bench_renyi: values differ for %s: ibsh %.12g numpy %.12g" % (name, vi, vp), file=sys.stderr)
            sys.exit(1)
        r = tp / ti
        ratio = ("%.0fx" if r >= 100 else "%.1fx" if r >= 10 else "%.2fx") % r
        target = "≥ 1x (%s)" % ("met" if r >= 1 else "missed") if name == "dense" else "-"
        print("RESULT renyi | %s | numpy %s eigvalsh | %.1f ms | %.1f ms | %s | %s"
              % (what[name], np.__version__, tp * 1e3, ti * 1e3, ratio, target))


if __name__ == "__main__":
    if sys.argv[2] == "report":
        report(sys.argv[1])
    else:
        run(sys.argv[1])
