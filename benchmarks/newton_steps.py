#!/usr/bin/python3
"""Newton iterations of every attempt of every step, from the log of a run
with Output/Verbose = true (issue 16: the softening steps).

    /usr/bin/python3 benchmarks/newton_steps.py LOG [LOG ...]

Per converged step: strain, stress and the Newton iterations of each
attempt, failed ones first, marked f (no convergence in Maximum
iterations), s (stopped as stagnating, Newton/Stagnation iterations), x (a
material point or cell failed in every line-search trial); then the totals
and the run_summary's assemblies and linear solves."""
import re
import sys


def parse(path):
    rows, attempts, cur, total, failed = [], [], 0, 0, 0
    summary = ""
    for line in open(path, errors="replace"):
        m = re.match(r"\s+Newton (\d+):", line)
        if m:
            cur = int(m.group(1))
            continue
        m = re.match(r"\s*step\s+\d+ failed \((.*)", line)
        if m:
            why = m.group(1)
            mark = "s" if "stagnating" in why else (
                "f" if "no convergence" in why else "x")
            attempts.append(f"{cur}{mark}")
            total += cur
            failed += 1
            cur = 0
            continue
        m = re.match(r"step\s+(\d+)\s+strain\s+(\S+)\s+stress\s+(\S+) MPa"
                     r"\s+Newton\s+(\d+)", line)
        if m:
            attempts.append(m.group(4))
            total += int(m.group(4))
            rows.append((int(m.group(1)), float(m.group(2)),
                         float(m.group(3)), " ".join(attempts)))
            attempts, cur = [], 0
            continue
        if line.startswith("run_summary:"):
            summary = " ".join(w for w in line.split()
                               if w.split("=")[0] in
                               ("assemblies", "linear_solves",
                                "linear_iterations", "amg_setups"))
    return rows, total, failed, summary


for path in sys.argv[1:]:
    rows, total, failed, summary = parse(path)
    print(path)
    for step, strain, stress, att in rows:
        print(f"  step {step:3d}  strain {strain:.5f}  stress {stress:8.2f}"
              f"  Newton iterations per attempt: {att}")
    print(f"  {len(rows)} steps to strain {rows[-1][1] if rows else 0:.5f},"
          f" {total} Newton iterations (failed attempts included),"
          f" {failed} failed attempts {summary}")
