"""Seeded bootstrap confidence intervals for per-question metric values."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def bootstrap_ci(values: Sequence[float | None], n_resamples: int = 1000, seed: int = 0,
                 alpha: float = 0.05) -> tuple[float, float] | None:
    """Percentile bootstrap CI of the mean (values that are None are skipped)."""
    x = np.asarray([v for v in values if v is not None], dtype=np.float64)
    if x.size == 0:
        return None
    rng = np.random.default_rng(seed)
    means = x[rng.integers(0, x.size, size=(n_resamples, x.size))].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def paired_delta_ci(a: Sequence[float | None], b: Sequence[float | None], n_resamples: int = 1000,
                    seed: int = 0, alpha: float = 0.05) -> tuple[float, float, float] | None:
    """Mean of b − a over questions scored in both, with a paired bootstrap CI: (delta, lo, hi)."""
    pairs = [(x, y) for x, y in zip(a, b) if x is not None and y is not None]
    if not pairs:
        return None
    d = np.asarray([y - x for x, y in pairs], dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = d[rng.integers(0, d.size, size=(n_resamples, d.size))].mean(axis=1)
    lo, hi = np.quantile(means, [alpha / 2, 1 - alpha / 2])
    return float(d.mean()), float(lo), float(hi)
