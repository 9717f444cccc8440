"""Peer timing: the infinite-width NTK and NNGP of a Dense/ReLU stack with NumPy (ntk_numpy.kernel).

Usage: python3 analytic_ntk.py N DEPTH [D_IN]
The net is DEPTH x (Dense(W_std 1.4, b_std 0.1) -> ReLU) -> Dense(W_std 1.4, b_std 0.1); N standard
normal inputs of dimension D_IN (default 10), seed 0. Prints one line ending in '<seconds>s (...)'.
"""
import sys
import time

import numpy as np

from ntk_numpy import kernel


def main(argv):
    if len(argv) < 2:
        sys.exit('usage: analytic_ntk.py N DEPTH [D_IN]')
    n, depth = int(argv[0]), int(argv[1])
    d_in = int(argv[2]) if len(argv) > 2 else 10
    x = np.random.default_rng(0).standard_normal((n, d_in))
    net = [('dense', 1.4, 0.1), ('relu',)] * depth + [('dense', 1.4, 0.1)]
    start = time.perf_counter()
    kernel(x, x, net)
    seconds = time.perf_counter() - start
    rate = n * n / seconds / 1e6
    print(f'numpy analytic NTK N={n} depth={depth}: {seconds:.3f}s  ({rate:.1f} M entries/s)')


if __name__ == '__main__':
    main(sys.argv[1:])
