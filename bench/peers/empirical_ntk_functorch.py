"""Peer timing: the empirical NTK of a ReLU MLP with PyTorch's functorch, by Jacobian contraction —
per-example Jacobians with vmap(jacrev), then Theta = sum over parameter tensors of J Jᵀ (the recipe of
PyTorch's "Neural Tangent Kernels" tutorial).

Usage: python3 empirical_ntk_functorch.py N WIDTH DEPTH [THREADS]   (threads default 2)
Prints one line ending in ': <seconds>s' (the kernel computation only).
"""
import sys
import time

import torch

from mlp_torch import D_IN, mlp, setup

try:  # PyTorch >= 2.0
    from torch.func import functional_call, jacrev, vmap
except ImportError:  # PyTorch 1.13 ships functorch separately
    from functorch import jacrev, vmap
    from torch.nn.utils.stateless import functional_call


def main(argv):
    if len(argv) < 3:
        sys.exit('usage: empirical_ntk_functorch.py N WIDTH DEPTH [THREADS]')
    n, width, depth = int(argv[0]), int(argv[1]), int(argv[2])
    setup(int(argv[3]) if len(argv) > 3 else 2)
    model = mlp(width, depth)
    params = {k: v.detach() for k, v in model.named_parameters()}
    x = torch.randn(n, D_IN)

    def f(p, xi):
        return functional_call(model, p, (xi.unsqueeze(0),)).squeeze(0)

    start = time.perf_counter()
    jac = vmap(jacrev(f), (None, 0))(params, x)
    ntk = sum(torch.einsum('naf,maf->nm', j.flatten(2), j.flatten(2)) for j in jac.values())
    seconds = time.perf_counter() - start
    count = sum(p.numel() for p in params.values())
    assert ntk.shape == (n, n)
    print(f'functorch jacobian-contraction N={n} width={width} depth={depth} P={count}: {seconds:.3f}s')


if __name__ == '__main__':
    main(sys.argv[1:])
