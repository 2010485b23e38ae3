"""Behaviour check for refactors: solve every problems/ file and compare two trees' outputs.

    python benchmarks/compare_outputs.py run DIR [--no-tradeoffs]   # synth solve --seed 0 -o DIR/<name>
    python benchmarks/compare_outputs.py diff OLD NEW                # exit 1 when anything differs

`diff` compares design.yaml byte for byte and result.json as JSON with timing fields removed
(every key ending in `_s`, `seconds`, and `timings`), and names each path that differs.
Run `run` on the old commit and on the new one (same machine, idle enough that no time
limit fires), then `diff`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PROBLEMS = Path(__file__).resolve().parents[1] / "problems"
TIMING_KEYS = ("seconds", "timings")


def is_timing(key: str) -> bool:
    return key in TIMING_KEYS or key.endswith("_s")


def strip_timings(value):
    if isinstance(value, dict):
        return {k: strip_timings(v) for k, v in value.items() if not is_timing(k)}
    if isinstance(value, list):
        return [strip_timings(v) for v in value]
    return value


def differences(old, new, path: str = "") -> list[str]:
    """Key paths where two JSON values differ."""
    if isinstance(old, dict) and isinstance(new, dict):
        found = []
        for key in sorted(set(old) | set(new)):
            if key not in old or key not in new:
                found.append(f"{path}.{key} (only in {'new' if key not in old else 'old'})")
            else:
                found.extend(differences(old[key], new[key], f"{path}.{key}"))
        return found
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            return [f"{path} (length {len(old)} vs {len(new)})"]
        return [d for i, (a, b) in enumerate(zip(old, new)) for d in differences(a, b, f"{path}[{i}]")]
    return [] if old == new else [f"{path}: {old!r} vs {new!r}"[:300]]


def run(out: Path, tradeoffs: bool) -> None:
    for problem in sorted(PROBLEMS.glob("*.yaml")):
        target = out / problem.stem
        command = ["synth", "solve", str(problem), "--seed", "0", "-o", str(target), "--json"]
        if not tradeoffs:
            command.append("--no-tradeoffs")
        done = subprocess.run(command, capture_output=True, text=True)
        print(f"{problem.stem}: exit {done.returncode}")
        (out / f"{problem.stem}.stdout.json").write_text(done.stdout)


def diff(old: Path, new: Path) -> int:
    changed = 0
    for folder in sorted(p for p in old.iterdir() if p.is_dir()):
        other = new / folder.name
        for name in ("design.yaml", "result.json"):
            a, b = folder / name, other / name
            if not a.exists() and not b.exists():
                continue
            if a.exists() != b.exists():
                print(f"{folder.name}/{name}: exists only in {'old' if a.exists() else 'new'}")
                changed += 1
                continue
            if name == "design.yaml":
                same = a.read_text() == b.read_text()
                found = [] if same else ["(text differs)"]
            else:
                found = differences(strip_timings(json.loads(a.read_text())),
                                    strip_timings(json.loads(b.read_text())))
            for line in found[:20]:
                print(f"{folder.name}/{name}: {line}")
            changed += bool(found)
    print("same" if not changed else f"{changed} file(s) differ")
    return 1 if changed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    run_parser = sub.add_parser("run")
    run_parser.add_argument("out", type=Path)
    run_parser.add_argument("--no-tradeoffs", action="store_true")
    diff_parser = sub.add_parser("diff")
    diff_parser.add_argument("old", type=Path)
    diff_parser.add_argument("new", type=Path)
    args = parser.parse_args()
    if args.command == "run":
        run(args.out, tradeoffs=not args.no_tradeoffs)
        return 0
    return diff(args.old, args.new)


if __name__ == "__main__":
    sys.exit(main())
