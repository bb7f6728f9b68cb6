#!/usr/bin/python3
"""PyTorch peer of scripts/bench_nn: the same training loops written the ordinary way
(float64, one thread unless given).
Usage: bench_nn_torch.py varu CSV EPOCHS | tishby CSV EPOCHS | fashion ROWS [THREADS] | check RUNDIR CSV."""
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def mlp(widths, act=torch.nn.Tanh):
    layers = []
    for i in range(len(widths) - 1):
        lin = torch.nn.Linear(widths[i], widths[i + 1])
        torch.nn.init.trunc_normal_(lin.weight, std=1 / widths[i] ** 0.5, a=-2 / widths[i] ** 0.5, b=2 / widths[i] ** 0.5)
        torch.nn.init.zeros_(lin.bias)
        layers.append(lin)
        if i < len(widths) - 2:
            layers.append(act())
    return torch.nn.Sequential(*layers)


def varu(csv, epochs):
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    x_all = torch.tensor(data[:, :12])
    y_all = torch.tensor(data[:, 12], dtype=torch.long)
    g = torch.Generator().manual_seed(0)
    perm = torch.randperm(4096, generator=g)
    ntr = round(0.8 * 4096)
    xtr, ytr = x_all[perm[:ntr]], y_all[perm[:ntr]]
    torch.manual_seed(0)
    net = mlp([12, 10, 7, 5, 4, 3, 2])
    opt = torch.optim.Adam(net.parameters(), lr=4e-4, eps=1e-8)
    lossf = torch.nn.CrossEntropyLoss()
    snapshots = []
    t0 = time.process_time()
    for epoch in range(epochs):
        with torch.no_grad():  # the snapshot: a forward pass of all 4096 inputs
            snapshots.append(net(x_all))
        for s in range(0, ntr, 512):
            xb, yb = xtr[s:s + 512], ytr[s:s + 512]
            opt.zero_grad()
            loss = lossf(net(xb), yb)
            loss.backward()
            opt.step()
    dt = time.process_time() - t0
    with torch.no_grad():
        acc = (net(xtr).argmax(1) == ytr).double().mean().item()
    print(f"torch varu epochs/s {epochs / dt:.1f} train_acc {acc:.3f}")


def tishby(csv, epochs):
    """The paper's workload as bench/train_tishby.lua times it (wall clock): train, keeping the weights of every
    epoch, then a forward pass of all 4096 inputs through every layer for each kept epoch."""
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    x_all = torch.tensor(data[:, :12])
    y_all = torch.tensor(data[:, 12], dtype=torch.long)
    g = torch.Generator().manual_seed(0)
    perm = torch.randperm(4096, generator=g)
    ntr = round(0.8 * 4096)
    xtr, ytr = x_all[perm[:ntr]], y_all[perm[:ntr]]
    torch.manual_seed(0)
    net = mlp([12, 10, 7, 5, 4, 3, 2])
    opt = torch.optim.Adam(net.parameters(), lr=4e-4, eps=1e-8)
    lossf = torch.nn.CrossEntropyLoss()
    snaps = []
    t0 = time.perf_counter()
    for epoch in range(epochs):
        for s in range(0, ntr, 512):
            opt.zero_grad()
            loss = lossf(net(xtr[s:s + 512]), ytr[s:s + 512])
            loss.backward()
            opt.step()
        snaps.append([p.detach().clone() for p in net.parameters()])
    t1 = time.perf_counter()
    total = 0.0
    with torch.no_grad():
        for ps in snaps:
            h, acts = x_all, []
            for l in range(6):
                h = h @ ps[2 * l].T + ps[2 * l + 1]
                h = torch.tanh(h) if l < 5 else torch.softmax(h, 1)
                acts.append(h)
            total += float(acts[-1][0, 0])
    t2 = time.perf_counter()
    print(f"torch tishby epochs/s {epochs / (t2 - t0):.1f} fit {epochs / (t1 - t0):.1f}/s activations {epochs / (t2 - t1):.1f}/s")


def fashion(rows):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(rows, 784, generator=g)
    y = torch.randint(0, 10, (rows,), generator=g)
    torch.manual_seed(0)
    net = mlp([784, 1024, 20, 20, 20, 10])
    opt = torch.optim.SGD(net.parameters(), lr=0.001)
    lossf = torch.nn.CrossEntropyLoss()
    t0 = time.process_time()
    for s in range(0, rows, 128):
        opt.zero_grad()
        loss = lossf(net(x[s:s + 128]), y[s:s + 128])
        loss.backward()
        opt.step()
    dt = time.process_time() - t0
    print(f"torch fashion seconds {dt:.3f}")


def check(rundir, csv):
    """Replay ibsh's runs sgd/ and adam/ (20 epochs of var_u, batch 512) from their initial weights in
    PyTorch and print the largest weight difference at the end: SGD with momentum as torch.optim.SGD,
    Adam in TensorFlow's form (eps added to the uncorrected sqrt(v))."""
    import math
    data = np.loadtxt(csv, delimiter=",", skiprows=1)
    x = torch.tensor(data[:, :12])
    y = torch.tensor(data[:, 12], dtype=torch.long)
    for name in ("sgd", "adam"):
        d = f"{rundir}/{name}/current"  # the run directory's latest checkpoint
        ws = [torch.tensor(np.load(f"{d}/W{l}.npy")[0], requires_grad=True) for l in range(1, 7)]
        bs = [torch.tensor(np.load(f"{d}/b{l}.npy")[0], requires_grad=True) for l in range(1, 7)]
        ps = ws + bs
        m = [torch.zeros_like(p) for p in ps]
        v = [torch.zeros_like(p) for p in ps]
        sgd = torch.optim.SGD(ps, lr=0.1, momentum=0.9)
        t = 0
        for _ in range(20):
            for s in range(0, 4096, 512):
                for p in ps:
                    p.grad = None
                h = x[s:s + 512]
                for l in range(6):
                    h = h @ ws[l] + bs[l]
                    if l < 5:
                        h = torch.tanh(h)
                torch.nn.functional.cross_entropy(h, y[s:s + 512]).backward()
                if name == "sgd":
                    sgd.step()
                    continue
                t += 1
                lr_t = 0.01 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
                with torch.no_grad():
                    for i, p in enumerate(ps):
                        m[i] += (p.grad - m[i]) * (1 - 0.9)
                        v[i] += (p.grad * p.grad - v[i]) * (1 - 0.999)
                        p -= lr_t * m[i] / (torch.sqrt(v[i]) + 1e-8)
        diff = max(np.abs(ws[l].detach().numpy() - np.load(f"{d}/W{l + 1}.npy")[-1]).max() for l in range(6))
        print(f"check {name}: max |W(ibsh) - W(torch)| after 20 epochs = {diff:.2e}")


if __name__ == "__main__":
    if sys.argv[1] == "varu":
        varu(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "tishby":
        tishby(sys.argv[2], int(sys.argv[3]))
    elif sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        torch.set_num_threads(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
        fashion(int(sys.argv[2]))
