#!/usr/bin/python3
"""PyTorch peer of scripts/bench_cnn: the LeNet-class CNN of issue 14 trained the ordinary way in float32.
conv 8@5x5, ReLU, maxpool 2, conv 16@5x5, ReLU, maxpool 2, dense 64, ReLU, dense 10; Adam lr 1e-3, batch 128
(contiguous batches, as ibsh's default), the first ROWS Fashion-MNIST training images, the test set evaluated after
every epoch (as net:fit with test = ...). Prints the wall-clock seconds per epoch and the test accuracy.
Usage: bench_cnn_torch.py ROWS EPOCHS THREADS [DIR]"""
import gzip
import sys
import time

import numpy as np
import torch


def idx(path):
    """The array in an IDX .gz file."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def main():
    rows, epochs, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    d = sys.argv[4] if len(sys.argv) > 4 else "/usr/share/datasets/fashion-mnist"
    torch.set_num_threads(threads)
    torch.manual_seed(int(sys.argv[5]) if len(sys.argv) > 5 else 1)
    x = torch.tensor(idx(d + "/train-images-idx3-ubyte.gz")[:rows].astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    y = torch.tensor(idx(d + "/train-labels-idx1-ubyte.gz")[:rows].astype(np.int64))
    xt = torch.tensor(idx(d + "/t10k-images-idx3-ubyte.gz").astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    yt = torch.tensor(idx(d + "/t10k-labels-idx1-ubyte.gz").astype(np.int64))
    net = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 5), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Flatten(), torch.nn.Linear(256, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    acc = 0.0
    for _ in range(epochs):
        net.train()
        for s in range(0, rows, 128):
            opt.zero_grad()
            loss = loss_fn(net(x[s:s + 128]), y[s:s + 128])
            loss.backward()
            opt.step()
        net.eval()
        with torch.no_grad():
            correct = 0
            for s in range(0, len(yt), 1000):
                correct += (net(xt[s:s + 1000]).argmax(1) == yt[s:s + 1000]).sum().item()
        acc = correct / len(yt)
    dt = (time.perf_counter() - t0) / epochs
    print(f"torch cnn s/epoch {dt:.3f} test_acc {acc:.4f}")


main()
