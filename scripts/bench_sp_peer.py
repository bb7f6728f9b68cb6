"""numpy peer of scripts/bench_sp: the sample-propagation estimate of I(X;T) (Goldfeld et al. 2019)
written the straightforward way: for each block of draws t = s_i + sigma z, the squared distances to
every row by one matrix product, a log-sum-exp over the rows, the mean of log n - logsumexp - |z|^2/2.
Usage: python3 bench_sp_peer.py DIR   (reads DIR/s.npy, prints "key value" lines)."""
import sys
import time

import numpy as np


def sp(s, sigma, m, seed=1, block=256):
    """I(X;T) in bits and its standard error for the uniform mixture of N(s_i, sigma^2 I)."""
    rng = np.random.default_rng(seed)
    n, d = s.shape
    u = s / sigma
    un = (u * u).sum(1)
    vals = np.empty((n, m))
    for i0 in range(0, n, block):
        rows = np.arange(i0, min(n, i0 + block))
        z = rng.standard_normal((len(rows), m, d))
        t = (u[rows, None, :] + z).reshape(-1, d)
        d2 = (t * t).sum(1)[:, None] + un[None, :] - 2.0 * (t @ u.T)
        e = -0.5 * d2
        top = e.max(1)
        lse = top + np.log(np.exp(e - top[:, None]).sum(1))
        zz = 0.5 * (z * z).sum(2).reshape(-1)
        vals[rows] = (np.log(n) - lse - zz).reshape(len(rows), m)
    est = vals.mean()
    se = np.sqrt(vals.var(1, ddof=1).sum() / m) / n
    return est / np.log(2), se / np.log(2)


def main():
    s = np.load(sys.argv[1] + "/s.npy")
    t0 = time.perf_counter()
    est, se = sp(s, 0.2, 100)
    print("peer_seconds %.6f" % (time.perf_counter() - t0))
    print("peer_estimate %.6f %.6f" % (est, se))


if __name__ == "__main__":
    main()
