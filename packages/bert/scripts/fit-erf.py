#!/usr/bin/python3
"""Fits the rational approximation of erf used by packages/bert/src/model/gelu.ts on wasm.

erf(x) ~= x * P(x^2) / Q(x^2) on |x| <= 4 (clamped outside: 1 - erf(4) = 1.5e-8), P and Q of degree 5 in
x^2, Q(0) = 1, fitted by iteratively reweighted linear least squares on Chebyshev nodes (a Lawson-style
approach to the minimax fit). Prints the coefficients and the max abs error of float32 Horner evaluation
on a dense grid of [0, 6].

Run: /usr/bin/python3 packages/bert/scripts/fit-erf.py
"""
from math import erf

import numpy as np

CLAMP, DEGREE, NODES = 4.0, 5, 6000


def main():
    x = CLAMP * (np.cos(np.pi * (np.arange(NODES) + 0.5) / NODES) + 1) / 2
    y = np.array([erf(v) for v in x])
    t = x * x
    weights = np.ones_like(x)
    for iteration in range(30):
        design = np.hstack([np.vstack([x * t ** j for j in range(DEGREE + 1)]).T,
                            np.vstack([-y * t ** j for j in range(1, DEGREE + 1)]).T])
        solution, *_ = np.linalg.lstsq(design * weights[:, None], y * weights, rcond=None)
        p, q = solution[:DEGREE + 1], np.concatenate([[1.0], solution[DEGREE + 1:]])
        denominator = sum(q[j] * t ** j for j in range(DEGREE + 1))
        error = sum(p[j] * x * t ** j for j in range(DEGREE + 1)) / denominator - y
        weights = 1 / np.abs(denominator)
        if iteration > 5:
            weights *= (np.abs(error) / np.abs(error).max() + 1e-3) ** 0.5
    grid = np.linspace(0, 6, 200001)
    x32 = np.clip(grid, -CLAMP, CLAMP).astype(np.float32)
    t32 = (x32 * x32).astype(np.float32)
    numerator = np.full_like(x32, np.float32(p[-1]))
    denominator = np.full_like(x32, np.float32(q[-1]))
    for j in range(DEGREE - 1, -1, -1):
        numerator = (numerator * t32 + np.float32(p[j])).astype(np.float32)
        denominator = (denominator * t32 + np.float32(q[j])).astype(np.float32)
    approximation = np.clip(x32 * numerator / denominator, -1, 1)
    print("P (x^0 .. x^10 in t = x^2):", [float("%.9e" % v) for v in p])
    print("Q:", [float("%.9e" % v) for v in q])
    print("max abs error (float32):", float(np.abs(approximation - np.array([erf(v) for v in grid])).max()))


if __name__ == "__main__":
    main()
