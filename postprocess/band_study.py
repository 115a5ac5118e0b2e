#!/usr/bin/python3
"""Shear-band mesh study of a glass pillar: band width and post-peak curve
against the element size.

Takes the output directories of one glass prm run at several mesh levels
(e.g. the level directories written by ``postprocess/convergence.py ...
--entry "Finite element/Global refinements"``), and for each level reads

* the curve (stress_strain.csv): peak stress, 0.2 % offset yield and the
  stress at the ``--at`` strains (postprocess.curves);
* the element size h (largest cell diameter, from the ``mesh_info`` line of
  the level's run.log);
* the band measures of postprocess/glass_localisation.py on the fields
  record nearest each ``--band-at`` strain: effective band thickness
  (participation volume of the plastic strain over the cross-section,
  threshold-free), the thickness of the cells above half the maximum
  plastic strain, and the max/mean plastic strain.

Writes WORKDIR/band_study.md (one table) and WORKDIR/band_study.png (curves
of every level; effective band thickness against strain), or the paths
given by ``--markdown`` / ``-o``.

CLI::

    /usr/bin/python3 postprocess/band_study.py LEVEL_DIR ... \\
        [--labels L ...] [--at 0.025 0.03] [--band-at 0.04 0.06] \\
        [--markdown FILE.md] [-o FILE.png]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib  # noqa: E402
import numpy as np  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from postprocess import convergence, curves, plot_curves  # noqa: E402
from postprocess import glass_localisation as gl  # noqa: E402


def level_summary(run_dir, at: Sequence[float],
                  band_at: Sequence[float]) -> Dict[str, object]:
    """Curve and band measures of one level (see the module comment)."""
    run_dir = Path(run_dir)
    c = curves.read_curve(run_dir)
    s = curves.analyse(c, at=at)
    info: Dict[str, float] = {}
    log = run_dir / "run.log"
    if log.is_file():
        info = convergence.parse_mesh_info(log.read_text(errors="replace"))
    row: Dict[str, object] = {
        "dir": run_dir, "curve": c,
        "cells": info.get("n_active_cells"), "dofs": info.get("n_dofs"),
        "h": convergence.element_size_from_info(info),
        "yield": s.yield_stress, "peak": float(c.stress.max()),
        "flow": dict(s.flow_stress), "final_strain": float(c.strain[-1]),
        "band": {}}
    for e in band_at:
        if e > c.strain[-1] + 1e-9:
            continue
        rec = gl.record_at_strain(run_dir, e)
        row["band"][e] = gl.localisation(gl.read_cells(rec))
    # the band thickness against strain, every record
    history = []
    for rec in sorted(run_dir.glob("fields_*.pvtu")):
        step = int(rec.stem.split("_")[1])
        hit = [k for k, st in enumerate(c.columns["step"])
               if int(st) == step]
        if not hit:
            continue
        if c.stress[hit[0]] < 0.5 * row["peak"] and \
                c.strain[hit[0]] < c.strain[int(c.stress.argmax())]:
            continue  # elastic loading: no plastic strain to measure
        loc = gl.localisation(gl.read_cells(rec))
        history.append((float(c.strain[hit[0]]),
                        loc["effective_band_thickness"]))
    row["history"] = history
    return row


def _f(x, fmt=".0f") -> str:
    return "–" if x is None else format(x, fmt)


def markdown(rows: Sequence[Dict[str, object]], labels: Sequence[str],
             at: Sequence[float], band_at: Sequence[float]) -> str:
    head = ["level", "cells", "DoFs", "h [µm]", "0.2 % yield [MPa]",
            "peak [MPa]"]
    head += [f"σ at {100 * e:g} % [MPa]" for e in at]
    head += [f"band thickness at {100 * e:g} % [µm] (effective / >ep_max/2)"
             for e in band_at]
    head += [f"max/mean ep at {100 * e:g} %" for e in band_at]
    lines = ["| " + " | ".join(head) + " |",
             "|" + " --- |" * len(head)]
    for lab, r in zip(labels, rows):
        cells = [lab, _f(r["cells"]), _f(r["dofs"]), _f(r["h"], ".3f"),
                 _f(r["yield"]), _f(r["peak"])]
        cells += [_f(r["flow"].get(f"{e:g}")) for e in at]
        for e in band_at:
            b = r["band"].get(e)
            cells.append("–" if b is None else
                         f"{b['effective_band_thickness']:.3f} / "
                         f"{b['band_thickness']:.3f}")
        for e in band_at:
            b = r["band"].get(e)
            cells.append("–" if b is None else f"{b['ep_ratio']:.2f}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def plot(rows, labels, out_png) -> Path:
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.2))
    for lab, r in zip(labels, rows):
        c = r["curve"]
        h = f" (h {r['h']:.3f} µm)" if r["h"] else ""
        a1.plot(100 * c.strain, c.stress, label=lab + h)
        if r["history"]:
            e, w = (np.array(v) for v in zip(*r["history"]))
            a2.plot(100 * e, w, "o-", ms=3, label=lab + h)
    a1.set_xlabel("engineering strain [%]")
    a1.set_ylabel("engineering stress [MPa]")
    a1.set_title("curves")
    a2.set_xlabel("engineering strain [%]")
    a2.set_ylabel("effective band thickness [µm]")
    a2.set_title("(∫ε_p)² / ∫ε_p² over the cross-section")
    for a in (a1, a2):
        a.grid(alpha=0.3)
        a.legend(fontsize=8)
    return plot_curves.save_figure(fig, out_png)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dirs", nargs="+", help="level output directories, "
                                           "coarse to fine")
    ap.add_argument("--labels", nargs="+")
    ap.add_argument("--at", nargs="+", type=float, default=[0.025, 0.03])
    ap.add_argument("--band-at", nargs="+", type=float, default=[0.04, 0.06])
    ap.add_argument("--markdown")
    ap.add_argument("-o", "--output")
    a = ap.parse_args(argv)
    labels = a.labels or [Path(d).name for d in a.dirs]
    if len(labels) != len(a.dirs):
        ap.error("one label per directory")
    rows: List[Dict[str, object]] = [level_summary(d, a.at, a.band_at)
                                     for d in a.dirs]
    parent = Path(a.dirs[0]).resolve().parent
    md = markdown(rows, labels, a.at, a.band_at)
    md_path = Path(a.markdown) if a.markdown else parent / "band_study.md"
    md_path.write_text(md)
    png = plot(rows, labels, a.output or parent / "band_study.png")
    print(md)
    print(f"wrote {md_path}, {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
