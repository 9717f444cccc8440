"""Peer timing: float64 GEMM and symmetric eigendecomposition with NumPy (OpenBLAS / LAPACK).

Usage: python3 linalg_numpy.py [N]   (default 2000)
Prints three lines: 'numpy gemm n=N: <s>s <rate> GFLOPS' for C = A @ B (general GEMM, after one
warm-up product), 'numpy eigh (values+vectors) n=N: <s>s' and 'numpy eigvalsh n=N: <s>s' for S = A Aᵀ.
"""
import sys
import time

import numpy as np


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def main(argv):
    n = int(argv[0]) if argv else 2000
    rng = np.random.default_rng(0)
    a = rng.standard_normal((n, n))
    b = rng.standard_normal((n, n))
    a @ b  # warm-up: thread pool and page faults
    seconds, _ = timed(lambda: a @ b)
    print(f'numpy gemm n={n}: {seconds:.3f}s {2 * n ** 3 / seconds / 1e9:.1f} GFLOPS')
    s = a @ a.T
    seconds, _ = timed(lambda: np.linalg.eigh(s))
    print(f'numpy eigh (values+vectors) n={n}: {seconds:.3f}s')
    seconds, _ = timed(lambda: np.linalg.eigvalsh(s))
    print(f'numpy eigvalsh n={n}: {seconds:.3f}s')


if __name__ == '__main__':
    main(sys.argv[1:])
