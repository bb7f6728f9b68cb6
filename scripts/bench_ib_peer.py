#!/usr/bin/python3
"""Straightforward numpy implementation of the iterative IB updates (the peer of scripts/bench_ib).

Same updates as ibsh's ib.curve with a fixed schedule: from the encoder p(t|x),
p(t) = sum_x p(t|x) p(x); p(y|t) = sum_x p(y|x) p(t|x) p(x) / p(t);
D(x,t) = KL[p(y|x) || p(y|t)]; p(t|x) proportional to p(t) exp(-beta D), normalised over t.
Usage: bench_ib_peer.py CSV [NBETAS [soft]]  (prints seconds and the last point in bits).
"""
import sys
import time
import numpy as np


def load_varu(path, soft=False):
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    y = data[:, -1].astype(int)
    n = len(y)
    pxy = np.zeros((n, 2))
    if soft:
        # a soft predictive distribution p(y|x), distinct for every x (same formula as scripts/bench_ib)
        x = np.arange(1, n + 1)
        p1 = 0.5 + (y - 0.5) * (0.3 + 0.6 * ((x * 0.6180339887) % 1.0))
        pxy[:, 1] = p1 / n
        pxy[:, 0] = (1 - p1) / n
    else:
        pxy[np.arange(n), y] = 1.0 / n
    return pxy


def info(ptx, px, pyx, py):
    pt = ptx @ px
    with np.errstate(divide="ignore", invalid="ignore"):
        ixt = np.nansum(ptx * px[None, :] * np.log2(ptx / pt[:, None]))
        pyt = (ptx * px[None, :]) @ pyx.T / pt[:, None]
        ity = np.nansum(pt[:, None] * pyt * np.log2(pyt / py[None, :]))
    return ixt, ity


def reverse_annealing(pxy, betas, iterations):
    px = pxy.sum(1)
    pyx = (pxy / px[:, None]).T          # |Y| x |X|
    py = pxy.sum(0)
    ptx = np.eye(len(px))                # |T| x |X|, T = X
    hyx = (pyx * np.log(np.maximum(pyx, 1e-300))).sum(0)
    points = []
    for beta in betas:
        for _ in range(iterations):
            pt = ptx @ px
            pyt = (ptx * px[None, :]) @ pyx.T / pt[:, None]          # |T| x |Y|
            # guard log 0 by clipping (p(y|x) = 0 then contributes 0 * finite = 0)
            log_pyt = np.log(np.maximum(pyt, 1e-300))
            d = hyx[None, :] - log_pyt @ pyx                             # |T| x |X|
            ptx = pt[:, None] * np.exp(-beta * d)
            ptx /= ptx.sum(0)[None, :]
        points.append((beta,) + info(ptx, px, pyx, py))
    return points


def main():
    pxy = load_varu(sys.argv[1], len(sys.argv) > 3 and sys.argv[3] == "soft")
    betas = 2 ** np.arange(np.log2(0.8), np.log2(300), 0.1)[::-1]
    if len(sys.argv) > 2:
        betas = betas[: int(sys.argv[2])]
    t0 = time.perf_counter()
    points = reverse_annealing(pxy, betas, 5)
    secs = time.perf_counter() - t0
    b, ix, iy = points[-1]
    print(f"{secs:.6f} {len(betas)} {b:.6f} {ix:.9f} {iy:.9f}")


if __name__ == "__main__":
    main()
