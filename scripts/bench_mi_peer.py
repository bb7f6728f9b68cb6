#!/usr/bin/python3
"""Python peer of scripts/bench_mi: the original numpy binning code (IDNNs: np.digitize + np.unique on
rows), the numpy/scipy KDE bound of Saxe et al. (kde.py) and scikit-learn's mutual_info_regression,
timed on the data ibsh wrote to DIR; prints the comparison table with ibsh's times from DIR/ibsh.txt."""
import sys
import time

import numpy as np
from scipy.special import logsumexp
from sklearn.feature_selection import mutual_info_regression


LAST_CPU = [0.0]


def best(reps, f):
    """Best wall-clock time of reps runs of f, and f's last result (best CPU time in LAST_CPU[0])."""
    t, c, r = float("inf"), float("inf"), None
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        r = f()
        t = min(t, time.perf_counter() - t0)
        c = min(c, time.process_time() - c0)
    LAST_CPU[0] = c
    return t, r


def idnns_layer(data, bins, labels):
    """IDNNs calc_information_sampling without the per-x H(T|X) loop (0 for distinct inputs):
    digitize to the left edge, np.unique on rows viewed as np.void, H(T) and H(T|Y) in bits."""
    digitized = bins[np.digitize(np.squeeze(data.reshape(1, -1)), bins) - 1].reshape(len(data), -1)
    b2 = np.ascontiguousarray(digitized).view(np.dtype((np.void, digitized.dtype.itemsize * digitized.shape[1])))
    _, counts = np.unique(b2, return_counts=True)
    p_ts = counts / float(sum(counts))
    h_t = -np.sum(p_ts * np.log2(p_ts))
    h_ty = 0.0
    for y in np.unique(labels):
        sub = b2[labels == y]
        _, c = np.unique(sub, return_counts=True)
        p = c / float(sum(c))
        h_ty += (len(sub) / len(labels)) * -np.sum(p * np.log2(p))
    return h_t, h_t - h_ty


def idnns_hx_loop(data, bins):
    """The original's H(T|X): one np.unique per input x (4096 calls; IDNNs ran them through joblib)."""
    digitized = bins[np.digitize(np.squeeze(data.reshape(1, -1)), bins) - 1].reshape(len(data), -1)
    h = 0.0
    for i in range(len(data)):
        cur = np.ascontiguousarray(digitized[i:i + 1])
        b2 = cur.view(np.dtype((np.void, cur.dtype.itemsize * cur.shape[1])))
        _, c = np.unique(b2, return_counts=True)
        p = c / float(sum(c))
        h += -np.sum(p * np.log2(p)) / len(data)
    return h


def kde_term(x, width):
    """-mean_i log mean_j exp(-D_ij / width), D from matrix products (kde.py's Kget_dists)."""
    x2 = np.sum(x ** 2, axis=1)[:, None]
    dists = x2 + x2.T - 2 * x @ x.T
    return -np.mean(logsumexp(-dists / width, axis=1) - np.log(len(x)))


def kde_upper(t, labels, var):
    """Upper bounds of I(X;T) and I(T;Y) in nats (Saxe et al.'s entropy_estimator_kl differences)."""
    full = kde_term(t, 2 * var)
    cond = sum(np.mean(labels == y) * kde_term(t[labels == y], 2 * var) for y in np.unique(labels))
    return full, full - cond


def read_times(pattern_files):
    """Per task, the best wall time over rounds, its value, and the best CPU time."""
    best_of = {}
    for path in pattern_files:
        for line in open(path):
            name, sec, val, cpu = line.split()
            sec, val, cpu = float(sec), float(val), float(cpu)
            old = best_of.get(name)
            if old is None:
                best_of[name] = (sec, val, cpu)
            else:
                best_of[name] = (min(old[0], sec), val, min(old[2], cpu))
    return best_of


def time_peers(d, out):
    """Time every peer task once (best of a few runs) and write name seconds value lines to out."""
    labels = np.loadtxt(d + "/labels.csv")
    layers = [np.loadtxt(d + "/layer%d.csv" % i, delimiter=",", ndmin=2) for i in range(1, 7)]
    bins = np.linspace(-1, 1, 30).astype(np.float32)
    x = np.loadtxt(d + "/ksg_x.csv")
    y = np.loadtxt(d + "/ksg_y.csv")
    lines = []
    tb, vb = best(10, lambda: sum(sum(idnns_layer(t, bins, labels)) for t in layers))
    cb = LAST_CPU[0]
    lines.append(("binning_6_layers", tb, vb, cb))
    th, _ = best(1, lambda: sum(idnns_hx_loop(t, bins) for t in layers))
    lines.append(("binning_hx_loop", tb + th, vb, cb + LAST_CPU[0]))
    tk, (kx, ky) = best(3, lambda: kde_upper(layers[0], labels, 1e-3))
    lines.append(("kde_4096x10", tk, kx + ky, LAST_CPU[0]))
    ts, vs = best(5, lambda: mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=0)[0])
    lines.append(("ksg_1e4_1d", ts, vs, LAST_CPU[0]))
    with open(out, "w") as f:
        for name, sec, val, cpu in lines:
            f.write("%s %.6e %.17g %.6e\n" % (name, sec, val, cpu))
            print("  peer %-24s %10.3f ms (cpu %8.3f ms)   value %.6f" % (name, sec * 1e3, cpu * 1e3, val))


# Names of the report's rows and peers in the README's performance table (scripts/bench --markdown).
ROW_NAMES = {
    "binning, 6 layers x 4096 rows (30 edges)": "binning MI, six layers x 4096 rows, 30 bins",
    "  same, six mi.binned calls": "same, as six separate `mi.binned` calls",
    "  same, original incl. per-x H(T|X) loop": "same, against the original IDNNs code with its per-x loop",
    "KDE upper bounds, N=4096 d=10": "KDE upper bound, N = 4096, d = 10",
    "KSG N=1e4 1-D k=3": "KSG, N = 10^4, 1-D, k = 3",
}
PEER_NAMES = {
    "np.digitize + np.unique rows": "numpy digitize + unique",
    "+ np.unique per x, serial": "IDNNs numpy code (np.unique per x)",
    "numpy dgemm + scipy logsumexp": "numpy + scipy logsumexp",
    "sklearn mutual_info_regression": "sklearn mutual_info_regression",
}


def ms(sec):
    """Seconds as a time with its unit at a readable precision (as scripts/lib/bench_result.sh)."""
    t = sec * 1e3
    return "%.2f s" % (t / 1e3) if t >= 1000 else "%.1f ms" % t if t >= 10 else "%.2f ms" % t


def times(r):
    """A speed ratio at a precision fitting its size."""
    return "%.0fx" % r if r >= 100 else "%.1fx" % r if r >= 10 else "%.2fx" % r


def report(d, rounds):
    """The comparison table from the best time of each side over the rounds."""
    ib = read_times(["%s/ibsh%d.txt" % (d, r) for r in range(1, rounds + 1)])
    pe = read_times(["%s/peer%d.txt" % (d, r) for r in range(1, rounds + 1)])
    rows = [
        ("binning, 6 layers x 4096 rows (30 edges)", "np.digitize + np.unique rows", "binning_6_layers", "binning_6_layers", 50),
        ("  same, six mi.binned calls", "np.digitize + np.unique rows", "binning_6_calls", "binning_6_layers", None),
        ("  same, original incl. per-x H(T|X) loop", "+ np.unique per x, serial", "binning_6_layers", "binning_hx_loop", None),
        ("KDE upper bounds, N=4096 d=10", "numpy dgemm + scipy logsumexp", "kde_4096x10", "kde_4096x10", 3),
        ("KSG N=1e4 1-D k=3", "sklearn mutual_info_regression", "ksg_1e4_1d", "ksg_1e4_1d", 15),
    ]
    results = []
    print("best of %d alternating rounds; wall clock and CPU time (the machine may be shared)" % rounds)
    print("%-40s %-31s %9s %9s %7s %9s %9s %7s %-14s %s" % ("task", "peer", "ibsh ms", "peer ms", "wall x",
                                                         "ibsh cpu", "peer cpu", "cpu x", "target", "values ibsh / peer"))
    for task, peer, ik, pk, target in rows:
        (it, iv, ic), (pt, pv, pc) = ib[ik], pe[pk]
        ratio, cratio = pt / it, pc / ic
        mark = "" if target is None else (">= %dx %s" % (target, "ok" if ratio >= target else "MISSED"))
        print("%-40s %-31s %9.3f %9.3f %6.1fx %9.3f %9.3f %6.1fx %-14s %.6f / %.6f" % (
            task, peer, it * 1e3, pt * 1e3, ratio, ic * 1e3, pc * 1e3, cratio, mark, iv, pv))
        goal = "-" if target is None else "≥ %dx (%s)" % (target, "met" if ratio >= target else "missed")
        results.append((ROW_NAMES[task], PEER_NAMES.get(peer, peer), ms(pt), ms(it), times(ratio), goal))
    t5, v5, c5 = ib["ksg_1e5_2d2d"]
    results.append(("KSG, N = 10^5, 2-D / 2-D, k = 3", "-", "-", ms(t5), "-", "< 2 s (%s)" % ("met" if t5 < 2 else "missed")))
    for row in results:
        print("RESULT mi | " + " | ".join(row))
    print("%-40s %-31s %9.3f %9s %7s %9.3f %9s %7s %-14s %.6f (truth 1.660731)" % (
        "KSG N=1e5 2-D/2-D k=3", "(none)", t5 * 1e3, "-", "-", c5 * 1e3, "-", "-",
        "< 2 s %s" % ("ok" if t5 < 2 else "MISSED"), v5))


def main():
    d, mode = sys.argv[1], sys.argv[2]
    if mode == "report":
        report(d, int(sys.argv[3]))
    else:
        time_peers(d, "%s/peer%s.txt" % (d, mode))


if __name__ == "__main__":
    main()
