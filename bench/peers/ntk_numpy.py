"""Infinite-width NNGP and NTK of fully connected networks, vectorized with NumPy.

The reference a researcher would write by hand: the layer-wise recursion of Jacot, Gabriel & Hongler
(2018, Theorem 1) and Arora et al. (2019, eqs. 3-4) in neural-tangents' 'ntk' parameterization:

    input     Sigma = <x, x'> / d,                 Theta = 0
    Dense     Sigma <- w^2 Sigma + b^2,            Theta <- Sigma_new + w^2 Theta
    ReLU      arc-cosine kernel (Cho & Saul 2009) with the 1/(2 pi) normalization, Theta <- Sigma_dot Theta
    Erf       a erf(b u) + c (Williams 1997)

A network is a list of tuples: ('dense', w_std, b_std) | ('relu',) | ('erf', a, b, c).
"""
import numpy as np


def _dense(state, w_std, b_std, same=False):
    cov, var1, var2, ntk = state
    w2, b2 = w_std * w_std, b_std * b_std
    cov = w2 * cov + b2
    return cov, w2 * var1 + b2, w2 * var2 + b2, cov + w2 * ntk


def _relu(state, same=False):
    cov, var1, var2, ntk = state
    scale = np.sqrt(var1[:, None] * var2[None, :])
    cos_t = np.clip(cov / scale, -1.0, 1.0)
    if same:  # a point with itself: the angle is exactly 0 (rounding would give ~1e-8 and Θ off by ~1e-9)
        np.fill_diagonal(cos_t, 1.0)
    theta = np.arccos(cos_t)
    sin_t = np.sqrt(np.maximum(1.0 - cos_t * cos_t, 0.0))
    cov_new = scale * (sin_t + (np.pi - theta) * cos_t) / (2.0 * np.pi)
    cov_dot = (np.pi - theta) / (2.0 * np.pi)
    return cov_new, 0.5 * var1, 0.5 * var2, cov_dot * ntk


def _erf(state, a=1.0, b=1.0, c=0.0, same=False):
    cov, var1, var2, ntk = state
    b2 = b * b
    cov, var1, var2, ntk = b2 * cov, b2 * var1, b2 * var2, b2 * ntk
    r1, r2 = 1.0 + 2.0 * var1, 1.0 + 2.0 * var2
    denom = np.sqrt(r1[:, None] * r2[None, :])
    cov_new = (2.0 / np.pi) * np.arcsin(np.clip(2.0 * cov / denom, -1.0, 1.0))
    cov_dot = (4.0 / np.pi) / np.sqrt(np.maximum(denom * denom - 4.0 * cov * cov, 1e-300))
    v1 = (2.0 / np.pi) * np.arcsin(2.0 * var1 / r1)
    v2 = (2.0 / np.pi) * np.arcsin(2.0 * var2 / r2)
    a2, c2 = a * a, c * c
    return a2 * cov_new + c2, a2 * v1 + c2, a2 * v2 + c2, a2 * cov_dot * ntk


_RULES = {'dense': _dense, 'relu': _relu, 'erf': _erf}


def kernel(x1, x2, layers):
    """(NNGP, NTK) between the rows of x1 (N1 x d) and x2 (N2 x d), each N1 x N2. Passing the same array
    twice (kernel(x, x, net)) marks the diagonal as pairs of identical points."""
    same = x1 is x2
    d = x1.shape[1]
    state = (x1 @ x2.T / d, np.einsum('ij,ij->i', x1, x1) / d, np.einsum('ij,ij->i', x2, x2) / d, None)
    state = state[:3] + (np.zeros_like(state[0]),)
    for layer in layers:
        rule = _RULES.get(layer[0])
        if rule is None:
            raise ValueError(f"unknown layer {layer!r}; expected 'dense', 'relu' or 'erf'")
        state = rule(state, *layer[1:], same=same)
    return state[0], state[3]


if __name__ == '__main__':
    X = np.array([[1.0, 2.0], [-0.5, 1.5], [3.0, -1.0]])
    np.set_printoptions(precision=15)
    for net in (
        [('dense', 1.5, 0.1), ('relu',), ('dense', 1.5, 0.1), ('relu',), ('dense', 1.5, 0.1)],
        [('dense', 1.2, 0.3), ('erf', 1.0, 1.0, 0.0), ('dense', 1.2, 0.3)],
    ):
        nngp, ntk = kernel(X, X, net)
        print(repr(nngp))
        print(repr(ntk))
