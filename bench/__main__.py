"""``python -m bench``: time every case, write the JSON file, draw the plot.

The cases run side by side in one process, in rounds: each round times every
case once, in a shuffled order, so that a slow moment of the machine (another
program, a frequency change) lands on a few samples of every case instead of
on all the samples of one. Each sample is ``timeit`` running the case's
statement enough times to take ``--target-ms`` (the garbage collector is off
while it runs, as ``timeit`` does). Short samples and many rounds: on a
shared machine a burst of other work then spoils a few samples, which the
median ignores, instead of stretching many. A case's figure is the median of
its samples; its spread is the interquartile range (IQR: the middle half of
the samples).

A ratio of two cases (viewlib/flask, class/function, shared/per-request) is
taken round by round, from samples timed moments apart, and summarised the
same way. viewlib counts as slower than flask.views in a case only if the
first quartile of its ratios is above 1: slower in more than three rounds
out of four.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import random
import statistics
import sys
import time
import timeit
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from bench import report
from bench.cases import Case, all_cases, temporary_folder


def calibrate(case: Case, timer: timeit.Timer, target: float) -> int:
    """How many runs of the case make one sample of at least target seconds."""
    number = 1
    while True:
        with case.context():
            elapsed = timer.timeit(number)
        if elapsed >= target:
            return number
        # Aim a little past the target; at least double, at most x100.
        number *= min(100, max(2, int(target / max(elapsed, 1e-9) * 1.2)))


def measure(
    cases: Sequence[Case], rounds: int, target: float, seed: int
) -> dict[str, list[float]]:
    """Microseconds per run of each case, one sample per round."""
    timers = {
        case.id: timeit.Timer(case.stmt, globals=case.namespace) for case in cases
    }
    numbers = {case.id: calibrate(case, timers[case.id], target) for case in cases}
    samples: dict[str, list[float]] = {case.id: [] for case in cases}
    order = list(cases)
    shuffle = random.Random(seed).shuffle
    for done in range(rounds):
        shuffle(order)
        for case in order:
            with case.context():
                elapsed = timers[case.id].timeit(numbers[case.id])
            samples[case.id].append(elapsed / numbers[case.id] * 1e6)
        print(f"\rround {done + 1}/{rounds}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return samples


def summary(values: Sequence[float], digits: int) -> dict[str, float]:
    """Median and quartiles (statistics.quantiles, inclusive method)."""
    q1, median, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return {
        "median": round(median, digits),
        "q1": round(q1, digits),
        "q3": round(q3, digits),
    }


def ratios(cases: Sequence[Case], samples: dict[str, list[float]]) -> dict[str, Any]:
    """Round-by-round ratios of the cases that differ in one respect."""

    def paired(top: str, bottom: str) -> dict[str, float]:
        pairs = zip(samples[top], samples[bottom])
        return summary([a / b for a, b in pairs], 5)

    by_id = {case.id: case for case in cases}
    groups: dict[str, dict[str, Any]] = {
        "viewlib/flask": {},
        "class/function": {},
        "shared/per-request": {},
        "dispatch/bookshelf": {},
    }
    for case in cases:
        if case.implementation == "viewlib":
            flask_id = case.id.removesuffix("viewlib") + "flask.views"
            result = paired(case.id, flask_id)
            result["slower"] = result["q1"] > 1
            groups["viewlib/flask"][case.id.removesuffix("/viewlib")] = result
        if case.layer in ("dispatch", "request") and case.init_cost == "trivial":
            function_id = f"{case.layer}/function/{case.handler}"
            groups["class/function"][case.id] = paired(case.id, function_id)
        sync_and_trivial = case.handler == "sync" and case.init_cost == "trivial"
        if case.layer == "dispatch" and sync_and_trivial:
            bookshelf = (
                f"bookshelf/MethodView/shared/trivial/sync/{case.implementation}"
            )
            groups["dispatch/bookshelf"][case.id] = paired(case.id, bookshelf)
        if case.init == "shared" and case.layer != "bookshelf":
            per_request = case.id.replace("/shared/", "/per-request/")
            key = case.id.replace("/shared/", "/")
            if per_request in by_id:
                groups["shared/per-request"][key] = paired(case.id, per_request)
    return groups


def results(
    cases: Sequence[Case], samples: dict[str, list[float]], args: argparse.Namespace
) -> dict[str, Any]:
    """Everything the JSON file holds."""
    versions = {
        name: metadata.version(name)
        for name in ("flask", "werkzeug", "asgiref", "marshmallow")
    }
    described = {}
    for case in cases:
        fields = ("layer", "view", "init", "init_cost", "handler", "implementation")
        entry: dict[str, Any] = {name: getattr(case, name) for name in fields}
        stats = summary(samples[case.id], 4)
        entry.update({f"{key}_us": value for key, value in stats.items()})
        entry["samples_us"] = [round(value, 4) for value in samples[case.id]]
        described[case.id] = entry
    return {
        "about": (
            "Written by `python -m nox -s bench` (bench/); read by chapter 13. "
            "Times are microseconds per call: median and quartiles of the samples."
        ),
        "date": datetime.date.today().isoformat(),
        "machine": {
            "platform": platform.platform(),
            "machine": platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "versions": {"python": platform.python_version(), **versions},
        "method": {
            "rounds": args.rounds,
            "target_ms": args.target_ms,
            "seed": args.seed,
            "timer": "timeit.Timer (time.perf_counter, garbage collector off)",
        },
        "cases": described,
        "ratios": ratios(cases, samples),
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--rounds", type=int, default=301, help="default: 301")
    parser.add_argument(
        "--target-ms", type=float, default=1.0, help="one sample's length (default: 1)"
    )
    parser.add_argument("--seed", type=int, default=11, help="shuffling (default: 11)")
    parser.add_argument("--json", type=Path, default=report.JSON_FILE)
    parser.add_argument("--svg", type=Path, default=report.SVG_FILE)
    args = parser.parse_args(argv)

    start = time.perf_counter()
    with temporary_folder() as folder:
        cases = all_cases(folder)
        print(f"{len(cases)} cases, {args.rounds} rounds", file=sys.stderr)
        samples = measure(cases, args.rounds, args.target_ms / 1000, args.seed)
    data = results(cases, samples, args)
    data["runtime_s"] = round(time.perf_counter() - start, 1)

    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    args.svg.parent.mkdir(parents=True, exist_ok=True)
    args.svg.write_text(report.svg(data), encoding="utf-8")
    print(report.table(data))
    for group in data["ratios"]:
        print()
        print(report.ratio_table(data, group))
    print(f"\n{args.json}, {args.svg}: {data['runtime_s']} s")


if __name__ == "__main__":
    main()
