"""Benchmark: `qa collect` of generated JUnit reports of 10k, 100k and 1M cases (target: 1M in under
10 s and 300 MB).

Each report looks like pytest's xunit1 output (file, line, classname, parametrised names) at about
200 bytes a case, so 1M cases make a 200 MB file: 1 % failures with a traceback of about 2 KB,
2 % skips, 5 % with captured output, the rest plain passes. The measured command is
`qa collect --project P --results R` in a fresh interpreter (start-up, evaluation and writing
results.json included), which reports its own peak resident memory (VmHWM).

The baseline, measured in the same run on the same file, is the least a streaming reader in Python
pays: the standard library's `iterparse` over the file, counting each case and dropping it from
the tree (so its memory stays bounded too).

    python bench/collect.py [--sizes 10000,100000,1000000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_CASES, TARGET_S, TARGET_MB = 1_000_000, 10.0, 300

TRACEBACK = "\n".join(
    [f"    def test_case_{i}(ledger):" for i in range(3)]
    + ["        ledger.post(Entry(amount=Money('12.30'), account='cash'))" for _ in range(20)]
    + [">       assert ledger.balance('cash') == Money('12.30')",
       "E       AssertionError: assert Money('0.00') == Money('12.30')",
       "", "tests/unit/test_ledger_mod.py:87: AssertionError"]
)
OUTPUT = "INFO ledger.store:store.py:41 opened /tmp/ledger-test.sqlite in 0.4 ms\n" * 4


def write_report(path: Path, cases: int, seed: int = 8) -> None:
    """A pytest-like xunit1 report of `cases` test cases, written in a stream."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" '
                  f'tests="{cases}" time="{cases / 1000:.1f}">')
        for i in range(cases):
            module = f"test_mod_{i // 250:04d}"
            attrs = (f'classname="tests.unit.{module}.TestLedger" name="test_case_{i}[EUR-{i % 7}-rounding-half-even]" '
                     f'file="tests/unit/{module}.py" line="{i % 250 * 4}" time="{rng.lognormvariate(-6, 1.5):.4f}"')
            roll = rng.random()
            if roll < 0.01:
                out.write(f'<testcase {attrs}><failure message="AssertionError: balance">{TRACEBACK}'
                          "</failure></testcase>")
            elif roll < 0.03:
                out.write(f'<testcase {attrs}><skipped type="pytest.skip" message="needs postgres">'
                          f"tests/unit/{module}.py:12: needs postgres</skipped></testcase>")
            elif roll < 0.08:
                out.write(f"<testcase {attrs}><system-out>{OUTPUT}</system-out></testcase>")
            else:
                out.write(f"<testcase {attrs} />")
        out.write("</testsuite></testsuites>\n")


def results_folder(root: Path, cases: int) -> Path:
    results = root / f"results-{cases}"
    tier = results / "unit"
    tier.mkdir(parents=True, exist_ok=True)
    manifest = {"tier": "unit", "status": "ran", "started": "2026-11-28T00:00:00+00:00", "duration_s": 1.0,
                "exit_code": 1}
    (tier / "tier.json").write_text(json.dumps(manifest))
    if not (tier / "junit.xml").is_file():
        write_report(tier / "junit.xml", cases)
    return results


# a fresh interpreter that reports its own peak resident memory (VmHWM: the child's ru_maxrss
# would include the pages of this process, forked before exec)
PEAK = """
peak = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print("peak-kb", peak.split()[1], file=sys.stderr)
"""
QA = "import sys\nfrom qa_actions.cli import main\ncode = main(sys.argv[1:])\n" + PEAK + "sys.exit(code)\n"
BARE = """
import sys
import xml.etree.ElementTree as ET
cases, stack = 0, []
for event, elem in ET.iterparse(sys.argv[1], events=("start", "end")):
    if event == "start":
        stack.append(elem)
        continue
    stack.pop()
    if elem.tag == "testcase":
        cases += 1
        if stack:
            stack[-1].remove(elem)
""" + PEAK


def measure(script: str, *args: str) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of `script` in a fresh interpreter."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"failed ({done.returncode}): {done.stderr[-2000:]}")
    return elapsed, int(done.stderr.split("peak-kb")[-1]) / 1024


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of test cases")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds; medians are printed")
    parser.add_argument("--keep", type=Path, help="write the reports here and keep them (reused when present)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    root = args.keep or Path(tempfile.mkdtemp(prefix="qa-bench-collect-"))
    root.mkdir(parents=True, exist_ok=True)
    folders = {size: results_folder(root, size) for size in sizes}
    project = root / "project"
    project.mkdir(exist_ok=True)

    samples: dict[tuple[int, str], list[tuple[float, float]]] = {}
    print(f"load average before: {load_average()}")
    for _ in range(args.rounds):
        for size, results in folders.items():
            junit = str(results / "unit" / "junit.xml")
            samples.setdefault((size, "bare"), []).append(measure(BARE, junit))
            samples.setdefault((size, "qa"), []).append(
                measure(QA, "collect", "--project", str(project), "--results", str(results)))
    print(f"load average after:  {load_average()}\n")

    print(f"median of {args.rounds} interleaved rounds; qa = `qa collect`, bare = stdlib iterparse of the same file")
    print(f"{'cases':>10} {'file':>9} {'bare':>8} {'qa':>8} {'time x':>7} {'bare mem':>9} {'qa mem':>8}")
    for size, results in folders.items():
        megabytes = (results / "unit" / "junit.xml").stat().st_size / 2**20
        bare_s, bare_mb = (statistics.median(v) for v in zip(*samples[(size, "bare")], strict=True))
        qa_s, qa_mb = (statistics.median(v) for v in zip(*samples[(size, "qa")], strict=True))
        print(f"{size:>10,} {megabytes:>7.0f}MB {bare_s:>7.2f}s {qa_s:>7.2f}s {qa_s / bare_s:>7.2f}"
              f" {bare_mb:>7.0f}MB {qa_mb:>6.0f}MB")
        if size == TARGET_CASES:
            verdict = "met" if qa_s < TARGET_S and qa_mb < TARGET_MB else "MISSED"
            print(f"{'':>10} target {TARGET_CASES:,} cases under {TARGET_S:g} s and {TARGET_MB} MB: {verdict}")
    summary = json.loads((folders[sizes[-1]] / "results.json").read_text())["tiers"]["unit"]["counts"]
    print(f"\nlargest report read as {summary}")


if __name__ == "__main__":
    main()
