"""MLPerf Inference scenarios and their closed-form figures (references.md section 5).

Every function here takes a service-time table `service_s`, shape (max_batch,), where
`service_s[b - 1]` is the time in seconds one replica takes to run a batch of b queries
(non-decreasing in b). Service is deterministic, so in the scenarios without a queue
(single_stream, multi_stream) every latency percentile equals the one latency computed here;
the server scenario has a queue and is simulated (`synth.serving.simulator`).
"""

from __future__ import annotations

import math

import numpy as np

from synth.vocabulary import MULTI_STREAM_SAMPLES


def single_stream_latency(service_s: np.ndarray) -> float:
    """Latency in seconds of a SingleStream query: one sample run as a batch of one.

    Queries are issued one after the other, so none ever waits: the latency is service_s[0]
    and, the service being deterministic, so is every percentile of it.
    """
    table = _checked(service_s, replicas=1)
    return float(table[0])


def multi_stream_latency(service_s: np.ndarray, replicas: int = 1) -> float:
    """Latency in seconds of a MultiStream query of 8 samples on `replicas` replicas.

    The model, kept simple on purpose: the 8 samples are split evenly across the replicas;
    the busiest replica holds share = ceil(8 / replicas) samples and runs them in batches of
    batch = min(share, max_batch) samples, in rounds = ceil(share / batch) rounds one after
    the other. Latency = rounds * service_s[batch - 1]. A last round with fewer than `batch`
    samples is charged a full batch, so when `batch` does not divide `share` this is an
    upper bound (by at most one full-batch time) on what a runtime that shrinks the last
    batch would achieve; it is exact otherwise, e.g. for 1, 2, 4 or 8 replicas with
    max_batch >= share. Queries are issued one after the other, so none waits.
    """
    table = _checked(service_s, replicas)
    share = math.ceil(MULTI_STREAM_SAMPLES / replicas)
    batch = min(share, len(table))
    rounds = math.ceil(share / batch)
    return float(rounds * table[batch - 1])


def offline_throughput(service_s: np.ndarray, replicas: int = 1) -> float:
    """Offline throughput in samples per second: every replica runs full batches back to back.

    All samples are available at the start, so each replica runs batches of B = max_batch =
    len(service_s) without pause: throughput = replicas * B / service_s[B - 1].
    """
    table = _checked(service_s, replicas)
    max_batch = len(table)
    return float(replicas * max_batch / table[max_batch - 1])


def _checked(service_s: np.ndarray, replicas: int) -> np.ndarray:
    """`service_s` as a float array; a ValueError names every problem with it and `replicas`."""
    table = np.asarray(service_s, dtype=float)
    problems = service_table_problems(table) + integer_problems("replicas", replicas)
    if problems:
        raise ValueError("; ".join(problems))
    return table


def service_table_problems(table: np.ndarray) -> list[str]:
    """Everything wrong with a service-time table, as messages (empty when it is valid)."""
    if table.ndim != 1 or table.size == 0:
        return [f"service_s: must be a non-empty 1-D array, got shape {table.shape}"]
    problems = []
    bad = np.flatnonzero(~(np.isfinite(table) & (table > 0)))
    if bad.size:
        problems.append(
            "service_s: every entry must be finite and > 0, "
            f"got service_s[{bad[0]}]={table[bad[0]]}"
        )
    drops = np.flatnonzero(np.diff(table) < 0)
    if drops.size:
        at = drops[0]
        problems.append(
            "service_s: must be non-decreasing in the batch size, but got "
            f"(service_s[{at}]={table[at]}, service_s[{at + 1}]={table[at + 1]})"
        )
    return problems


def integer_problems(name: str, value: object, minimum: int = 1) -> list[str]:
    """A message if `value` is not an int >= minimum."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        return [f"{name}: must be an integer >= {minimum}, got {value!r}"]
    return []
