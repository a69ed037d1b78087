"""Seeded draws, faster than ``random.Random``'s general entry points.

``weighted(rng, population, cum)`` returns exactly what
``rng.choices(population, cum_weights=cum)[0]`` returns, consuming the same single
``random()``, without building a list per call (the planner makes several such draws
per document). Same stream, same corpus."""

from bisect import bisect


def weighted(rng, population, cum):
    return population[bisect(cum, rng.random() * (cum[-1] + 0.0), 0, len(cum) - 1)]
