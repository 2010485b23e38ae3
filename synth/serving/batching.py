"""The two batching loops of the server simulator and the trace they record: one query per
batch on round-robin replicas (closed form per stream), and dynamic batching (collect up to
`max_batch` queries or wait at most the timeout, then run) on the earliest free replica."""

from __future__ import annotations

import bisect
import dataclasses
import heapq
import math

import numpy as np


@dataclasses.dataclass(frozen=True, eq=False)
class ServingTrace:
    """What happened to every query and every batch of one simulated run."""

    replicas: int
    max_batch: int
    arrival_s: np.ndarray  # per query, sorted
    completion_s: np.ndarray  # per query
    batch_start_s: np.ndarray  # per batch, in queue order (non-decreasing)
    batch_size: np.ndarray  # per batch; batch i holds the next batch_size[i] queries
    busy_s: float  # replica time spent running batches

    @property
    def latency_s(self) -> np.ndarray:
        return self.completion_s - self.arrival_s



def single_query_batches(arrivals: np.ndarray, service: float, replicas: int) -> ServingTrace:
    completion = np.empty_like(arrivals)
    for stream in range(replicas):
        stream_arrivals = arrivals[stream::replicas]
        offsets = np.arange(stream_arrivals.size) * service
        slack = stream_arrivals - offsets
        latest = np.maximum.accumulate(slack)
        # A query that finds its server free (the maximum is its own term) starts exactly on
        # arrival; offsets + latest would only round to it.
        starts = np.where(latest == slack, stream_arrivals, offsets + latest)
        completion[stream::replicas] = starts + service
    return ServingTrace(
        replicas=replicas,
        max_batch=1,
        arrival_s=arrivals,
        completion_s=completion,
        batch_start_s=completion - service,
        batch_size=np.ones(arrivals.size, dtype=np.int64),
        busy_s=arrivals.size * service,
    )


def dynamic_batches(
    arrival_s: np.ndarray, table: np.ndarray, replicas: int, max_batch: int, timeout_s: float
) -> ServingTrace:
    arrivals = arrival_s.tolist()
    service = table.tolist()
    n = len(arrivals)
    free_at = [0.0] * replicas  # heap of replica free times
    starts: list[float] = []
    ends: list[int] = []  # one past the last query of each batch
    bisect_right, replace_earliest = bisect.bisect_right, heapq.heapreplace
    add_start, add_end = starts.append, ends.append
    head = 0
    if timeout_s == 0.0:
        # Run what is waiting: a batch starts as soon as a replica is free and the oldest query
        # has arrived, holding every query arrived by then (up to max_batch).
        while head < n:
            oldest = arrivals[head]
            start = free_at[0] if free_at[0] > oldest else oldest
            full = head + max_batch
            end = bisect_right(arrivals, start, head + 1, full if full < n else n)
            replace_earliest(free_at, start + service[end - head - 1])
            add_start(start)
            add_end(end)
            head = end
    while head < n:
        oldest = arrivals[head]
        ready = free_at[0] if free_at[0] > oldest else oldest
        full = head + max_batch
        if full > n:
            full, fill_time = n, math.inf
        else:
            fill_time = arrivals[full - 1]
        if fill_time <= ready:
            start, end = ready, full
        else:  # wait for a full batch or the oldest query's timeout, whichever comes first
            trigger = oldest + timeout_s
            if fill_time < trigger:
                trigger = fill_time
            start = trigger if trigger > ready else ready
            end = bisect_right(arrivals, start, head + 1, full)
        replace_earliest(free_at, start + service[end - head - 1])
        add_start(start)
        add_end(end)
        head = end
    batch_start = np.array(starts)
    batch_size = np.diff(np.array(ends, dtype=np.int64), prepend=0)
    batch_service = table[batch_size - 1]
    return ServingTrace(
        replicas=replicas,
        max_batch=max_batch,
        arrival_s=arrival_s,
        completion_s=np.repeat(batch_start + batch_service, batch_size),
        batch_start_s=batch_start,
        batch_size=batch_size,
        busy_s=float(batch_service.sum()),
    )
