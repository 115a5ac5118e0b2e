#!/usr/bin/python3
"""Mesh-convergence table of a cracking strip (issue 13, item 5).

For runs of the same prm at l/h = 2, 4, 8 (coarse to fine): the cells and
DoFs (from the run's log, ``--logs``), first damage (max_damage > 0), crack
onset (max_damage > 0.95), ``flow_end`` and the drops of
``fracture_pillars.summary``, the stress at flow_end and the stress at fixed
strains (``--at``; linear interpolation, None past a run's last converged
step), the relative change from the previous level and, where three levels
give a monotone sequence, the Richardson extrapolation with the observed
order (refinement ratio 2); with two levels only, the extrapolation with an
assumed order 1 (Bourdin's Gc_eff/Gc = 1 + 3h/(8l) is linear in h) marked
"p=1 assumed". Prints a markdown table; ``-o PNG`` overlays the curves and
max_damage.

Usage::

    /usr/bin/python3 postprocess/strip_convergence.py RUN ... --labels 2 4 8
        [--logs LOG ...] [--at 0.10 0.15] [-o fig.png]
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path
from typing import List, Optional, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from postprocess import curves  # noqa: E402
from postprocess.fracture_pillars import summary  # noqa: E402


def at(c, e: Optional[float]) -> Optional[float]:
    if e is None or e > c.strain[-1] or e < c.strain[0]:
        return None
    return float(np.interp(e, c.strain, c.stress))


def extrapolate(v: List[Optional[float]]):
    """(converged estimate, order, note) from values coarse to fine."""
    w = [x for x in v if x is not None]
    if len(w) < 2 or len(w) != len([x for x in v[:len(w)]]):
        return None, None, ""
    if len(w) >= 3:
        a, b, c = w[-3:]
        if (a - b) * (b - c) > 0 and abs(b - c) > 0:
            p = math.log(abs(a - b) / abs(b - c), 2.)
            if p > 0:
                return c + (c - b) / (2. ** p - 1.), p, ""
        return None, None, "not monotone"
    a, b = w
    return b + (b - a), 1., "p=1 assumed"


def fall_strain(c, e0: Optional[float], frac: float) -> Optional[float]:
    """First strain after e0 where the stress is frac below sigma(e0)
    (linear interpolation); None if it is not reached."""
    if e0 is None:
        return None
    s0 = at(c, e0)
    for i in range(1, len(c.stress)):
        if c.strain[i] > e0 and c.stress[i] < (1. - frac) * s0:
            e1, e2, s1, s2 = c.strain[i - 1], c.strain[i], c.stress[i - 1], \
                c.stress[i]
            return float(e1 + (e2 - e1) * (s1 - (1. - frac) * s0) / (s1 - s2))
    return None


def damage_strain(c, level: float) -> Optional[float]:
    """Strain where max_damage first reaches level (linear interpolation
    between rows); None if it does not."""
    d = c.columns.get("max_damage")
    if d is None:
        return None
    for i in range(1, len(d)):
        if d[i] >= level > d[i - 1]:
            return float(c.strain[i - 1] + (c.strain[i] - c.strain[i - 1]) *
                         (level - d[i - 1]) / (d[i] - d[i - 1]))
    return None


def post_yield_minimum(c) -> float:
    """Strain of the first row after the stress maximum whose stress is
    not above the next row's (the end of the post-yield softening)."""
    k = int(np.argmax(c.stress[: max(2, np.searchsorted(c.strain, 0.05))]))
    for i in range(k + 1, len(c.stress) - 1):
        if c.stress[i + 1] >= c.stress[i]:
            return float(c.strain[i])
    return float(c.strain[-1])


def mesh_info(log: Optional[str]):
    if not log or not Path(log).exists():
        return None, None, None
    t = Path(log).read_text(errors="replace")
    m = re.search(r"n_active_cells=(\d+) n_dofs=(\d+)", t)
    w = re.findall(r"^step .* elapsed ([0-9.e+]+) s", t, re.M)
    return (int(m.group(1)) if m else None,
            int(m.group(2)) if m else None,
            f"{float(w[-1]):.0f} s" if w else None)


def fmt(x, n=4):
    if x is None:
        return "–"
    return f"{x:.{n}g}"


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+")
    p.add_argument("--labels", nargs="*")
    p.add_argument("--logs", nargs="*")
    p.add_argument("--at", nargs="*", type=float, default=[])
    p.add_argument("--flow-start", default="min",
                   help="strain from which flow_end is searched, or 'min' "
                   "(default): the post-yield stress minimum of each run")
    p.add_argument("-o", "--output")
    a = p.parse_args(argv)
    labels = a.labels or [Path(r).name for r in a.runs]
    logs = a.logs or [None] * len(a.runs)
    cs = [curves.read_curve(r) for r in a.runs]
    rows = {}
    for lab, c, log in zip(labels, cs, logs):
        fs = post_yield_minimum(c) if a.flow_start == "min" \
            else float(a.flow_start)
        s = summary(c, flow_start=fs)
        cells, dofs, wall = mesh_info(log)
        r = {"flow_start": fs, "cells": cells, "dofs": dofs, "wall": wall,
             "final": s["final_strain"], "damage_start": s["damage_start"],
             "crack_onset": s["crack_onset"], "flow_end": s["flow_end"],
             "drops": s["drops"]}
        r["s_flow_end"] = at(c, s["flow_end"])
        r["d01"] = damage_strain(c, 0.01)
        r["d10"] = damage_strain(c, 0.1)
        r["e_minus5"] = fall_strain(c, s["flow_end"], 0.05)
        r["peak"] = float(np.max(c.stress))
        r["peak_strain"] = float(c.strain[int(np.argmax(c.stress))])
        for e in a.at:
            r[f"s@{e}"] = at(c, e)
        rows[lab] = r
    for lab in labels:
        print(f"l/h = {lab}: flow_end searched from {rows[lab]['flow_start']:.4g}")
    keys = ["damage_start", "d01", "d10", "crack_onset", "flow_end", "s_flow_end",
            "e_minus5"] + \
        [f"s@{e}" for e in a.at]
    print("| l/h | cells | DoFs | last strain | first d > 0 | max d = 0.01 at | max d = 0.1 at | first d > 0.95"
          " | flow_end | σ(flow_end) [MPa] | σ = 0.95 σ(flow_end) at | " +
          " | ".join(f"σ({100 * e:g} %) [MPa]" for e in a.at) +
          " | drops > 5 % | wall |")
    print("|" + " --- |" * (14 + len(a.at)))
    for lab in labels:
        r = rows[lab]
        print(f"| {lab} | {r['cells']} | {r['dofs']} | {fmt(r['final'])} | "
              f"{fmt(r['damage_start'])} | {fmt(r['d01'])} | "
              f"{fmt(r['d10'])} | {fmt(r['crack_onset'])} | "
              f"{fmt(r['flow_end'])} | {fmt(r['s_flow_end'], 5)} | "
              f"{fmt(r['e_minus5'])} | " +
              " | ".join(fmt(r[f's@{e}'], 5) for e in a.at) +
              f" | {r['drops']} | {r['wall']} |")
    print()
    for k in keys:
        v = [rows[lab][k] for lab in labels]
        rel = []
        for i in range(1, len(v)):
            if v[i] is not None and v[i - 1] is not None and v[i - 1] != 0:
                rel.append(f"{labels[i - 1]}->{labels[i]}: "
                           f"{100 * (v[i] - v[i - 1]) / abs(v[i - 1]):+.2f} %")
        ext, order, note = extrapolate(v)
        line = f"{k}: " + ", ".join(rel)
        if ext is not None and v[0] is not None:
            line += (f"; extrapolated {ext:.5g} (order {order:.2f} {note}),"
                     f" coarsest {100 * (v[0] - ext) / abs(ext):+.2f} %"
                     " from it")
        elif note:
            line += f"; {note}"
        print(line)
    if a.output:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(1, 2, figsize=(11, 4))
        for lab, c in zip(labels, cs):
            ax[0].plot(100 * c.strain, c.stress, label=f"l/h = {lab}")
            if "max_damage" in c.columns:
                ax[1].plot(100 * c.strain, c.columns["max_damage"],
                           label=f"l/h = {lab} max d")
                ax[1].plot(100 * c.strain,
                           c.columns["cracked_volume_fraction"], ":",
                           label=f"l/h = {lab} cracked vol.")
        ax[0].set_title("laminate strip 0.24 x 0.48 µm, l = 0.03 µm")
        curves.finish_figure(fig, ax, a.output,
                             [("engineering strain [%]",
                               "engineering stress [MPa]"),
                              ("engineering strain [%]", "damage")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
