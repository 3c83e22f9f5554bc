"""Benchmark: `qa data anonymize` streams a large CSV in bounded memory.

Generates a CSV of --size-mb (default 1024 MB) with personal data in every row (configured fields
and free text), then times, in separate processes so peak memory is each one's own:
  baseline   a plain csv.reader -> csv.writer copy of the same file (the floor for any streaming rewrite)
  anonymize  `qa data anonymize` with field rules and free-text scanning
and prints time, throughput, peak RSS and the ratios against the baseline.

    python bench/anonymize.py [--size-mb 1024] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Jane", "Mark", "Maria", "David", "Fiona", "Ahmed", "Laura", "Peter", "Susan", "Carlos"]
LAST = ["Smith", "Young", "Garcia", "Murphy", "Johnson", "Brown", "Miller", "Wilson", "Taylor", "Clark"]
RULES = """
[tool.qa.data.fields]
id = "keep"
full_name = "name"
email = "email"
phone = "phone"
card = "credit-card"
ip = "ip"
notes = "free-text"
"""
COPY = """
import csv, sys
csv.field_size_limit(16 * 1024 * 1024)
src = open(sys.argv[1], newline="", encoding="utf-8")
dst = open(sys.argv[2], "w", newline="", encoding="utf-8")
with src, dst:
    writer = csv.writer(dst, lineterminator="\\n")
    for row in csv.reader(src):
        writer.writerow(row)
"""


def generate(path: Path, size: int) -> int:
    """Rows with distinct personal values (so the fake cache keeps evicting), until `size` bytes."""
    rows = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["id", "full_name", "email", "phone", "card", "ip", "amount", "notes"])
        while handle.tell() < size:
            for _ in range(10_000):
                i = rows
                first, last = FIRST[i % 10], LAST[(i // 10) % 10]
                email = f"{first.lower()}.{last.lower()}{i}@mail{i % 97}.io"
                writer.writerow([i, f"{first} {last}", email, f"+44 20 7{i % 1000:03d} {i % 10_000:04d}",
                                 f"4111 1111 {i % 10_000:04d} 1111", f"81.{i % 200 + 1}.{i % 250}.{i % 199 + 1}",
                                 f"{i % 1000}.{i % 100:02d}",
                                 f"Order {i} for {first} {last}, ship to 221 Baker Street; mail {email} if late"])
                rows += 1
    return rows


def measure(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time in seconds and peak RSS in MB of one child process."""
    runner = ("import resource, subprocess, sys, time; t = time.perf_counter();"
              " code = subprocess.run(sys.argv[1:]).returncode; elapsed = time.perf_counter() - t;"
              " print(elapsed, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", runner, *command], env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stderr[-2000:]}")
    elapsed, rss_kb = done.stdout.split()[-2:]
    return float(elapsed), int(rss_kb) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep the files")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="qa-bench-anonymize-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "pyproject.toml").write_text(RULES)
    source = work / "customers.csv"
    started = time.perf_counter()
    rows = generate(source, args.size_mb * 1024 * 1024)
    size_mb = source.stat().st_size / 1024 / 1024
    print(f"generated {rows:,} rows, {size_mb:,.0f} MB in {time.perf_counter() - started:.1f} s")
    env = {**os.environ, "QA_ANONYMIZE_SALT": "benchmark-salt-not-a-secret-0123456789"}
    try:
        base_s, base_mb = measure([sys.executable, "-c", COPY, str(source), str(work / "copy.csv")], env)
        anon_s, anon_mb = measure([sys.executable, "-m", "qa_actions", "data", "anonymize", str(source),
                                   str(work / "clean.csv"), "--project", str(work)], env)
        print(f"{'':10} {'time':>9} {'MB/s':>7} {'rows/s':>9} {'peak RSS':>9}")
        for label, seconds, peak in (("baseline", base_s, base_mb), ("anonymize", anon_s, anon_mb)):
            print(f"{label:10} {seconds:8.1f}s {size_mb / seconds:7.1f} {rows / seconds:9,.0f} {peak:7.0f}MB")
        print(f"ratio      {anon_s / base_s:8.1f}x {'':7} {'':9} {anon_mb / base_mb:7.1f}x")
        print(f"anonymize held at most {anon_mb:.0f} MB while streaming a {size_mb:,.0f} MB file")
    finally:
        if args.keep is None:
            for path in work.iterdir():
                path.unlink()
            work.rmdir()


if __name__ == "__main__":
    main()
