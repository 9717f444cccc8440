"""Peer timing: full-batch gradient descent (torch.optim.SGD, lr 1e-3, MSE) on a ReLU MLP with PyTorch.

Usage: python3 train_mlp_torch.py N WIDTH DEPTH STEPS [THREADS]   (threads default 2)
One warm-up step, then STEPS timed steps; prints one line ending in '<rate> steps/s'.
"""
import sys
import time

import torch

from mlp_torch import D_IN, mlp, setup


def main(argv):
    if len(argv) < 4:
        sys.exit('usage: train_mlp_torch.py N WIDTH DEPTH STEPS [THREADS]')
    n, width, depth, steps = (int(a) for a in argv[:4])
    setup(int(argv[4]) if len(argv) > 4 else 2)
    model = mlp(width, depth)
    x, y = torch.randn(n, D_IN), torch.randn(n, 1)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)

    def step():
        optimizer.zero_grad()
        loss = torch.mean((model(x) - y) ** 2)
        loss.backward()
        optimizer.step()

    step()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    seconds = time.perf_counter() - start
    print(f'torch GD N={n} width={width} depth={depth}: {steps / seconds:.1f} steps/s')


if __name__ == '__main__':
    main(sys.argv[1:])
