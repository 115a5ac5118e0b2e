#!/usr/bin/python3
"""The nanocrystalline and glass pillars with and without fracture
(docs/fracture.md, "Nanocrystalline and glass pillars with fracture").

For each pair PAIR = LABEL:RUN_WITH_FRACTURE:RUN_WITHOUT (the same prm with
``Fracture/Model = none``) it prints one JSON line with

- the largest stress difference between the two curves over their common
  rows (0 when the damage never moves);
- the largest crack driving force H of the run with fracture
  (``max_driving_force``: the largest quadrature-point value over the
  history), the strain where it is first reached, and its ratio to the
  AT1 threshold 3 Gc/(16 l) (``--threshold-mpa LABEL:VALUE``), max d;
- with ``--band``: the shear band of a glass run at the record nearest
  each ``--band-strain``: the cells whose equivalent plastic strain is
  above half its largest value, their volume fraction, and the plane fitted
  through them (crack_pattern.crack_summary on ep / ep_max with threshold
  0.5: the angle between its normal and the pillar axis, 0 = a band across
  the pillar, 90 = an axial one; planarity).

and draws (``-o``) the curves (solid with fracture, dashed without) in the
left panel and H / threshold in the right; ``--extra LABEL:RUN`` adds a
run's curve (dotted; e.g. a mesh check) to the left panel.

Usage::

    /usr/bin/python3 postprocess/fracture_monolithic.py \
        nc:output/nanocrystalline_fracture:output/nanocrystalline_nofracture \
        glass:output/glass_fracture:output/glass_nofracture \
        --threshold-mpa nc:10 glass:62500 --band glass \
        --band-strain 0.04 0.15 0.21 [--extra LABEL:RUN ...] \
        -o postprocess/figures/FIG.png
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from postprocess import crack_pattern, curves, glass_localisation  # noqa: E402


def band(run_dir, strain: float):
    """Cells of plastic strain above half the largest at the record nearest
    strain, and the plane fitted through them."""
    rec = glass_localisation.record_at_strain(run_dir, strain)
    cells = glass_localisation.read_cells(rec)
    ep = cells["equivalent_plastic_strain"]
    c = dict(cells)
    c["damage"] = ep / max(float(ep.max()), 1e-300)
    s = crack_pattern.crack_summary(c, 0.5)
    return {"record": Path(rec).name, "ep_max": float(ep.max()),
            "band_volume_fraction": s["cracked_volume_fraction"],
            "band_cells": s["cracked_cells"],
            "angle_normal_to_axis_deg": s.get("angle_normal_to_axis_deg"),
            "planarity": s.get("planarity"), "centre": s.get("centre")}


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("pairs", nargs="+")
    p.add_argument("--threshold-mpa", nargs="*", default=[])
    p.add_argument("--band", nargs="*", default=[])
    p.add_argument("--band-strain", nargs="*", type=float, default=[])
    p.add_argument("--extra", nargs="*", default=[])
    p.add_argument("-o", "--output")
    a = p.parse_args(argv)
    thr = {k: float(v) for k, v in (t.split(":") for t in a.threshold_mpa)}
    data = []
    for pair in a.pairs:
        label, with_f, without = pair.split(":")
        cf, cn = curves.read_curve(with_f), curves.read_curve(without)
        n = min(len(cf.stress), len(cn.stress))
        out = {"run": label, "final_strain": float(cf.strain[-1]),
               "final_strain_without": float(cn.strain[-1]),
               "max_stress_difference_mpa":
                   float(np.abs(cf.stress[:n] - cn.stress[:n]).max()),
               "max_strain_difference":
                   float(np.abs(cf.strain[:n] - cn.strain[:n]).max()),
               "peak_stress_mpa": float(cf.stress.max()),
               "peak_strain": float(cf.strain[np.argmax(cf.stress)])}
        H = cf.columns.get("max_driving_force")
        if H is not None:
            k = int(np.argmax(H >= H.max()))
            out.update({"max_driving_force_mpa": float(H.max()),
                        "max_driving_force_first_at_strain":
                            float(cf.strain[k])})
            if label in thr:
                out["max_driving_force_over_threshold"] = \
                    float(H.max() / thr[label])
        if "max_damage" in cf.columns:
            out["max_damage"] = float(cf.columns["max_damage"].max())
        if label in a.band:
            out["band"] = [band(with_f, s) for s in a.band_strain]
        print(json.dumps(out))
        data.append((label, cf, cn))
    if a.output:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(1, 2, figsize=(11, 4))
        for i, (label, cf, cn) in enumerate(data):
            col = f"C{i}"
            ax[0].plot(100 * cn.strain, cn.stress, "--", color="k", lw=2.5,
                       alpha=0.35, label=f"{label}, no fracture")
            ax[0].plot(100 * cf.strain, cf.stress, "-", color=col, lw=1,
                       label=f"{label}, fracture on")
            H = cf.columns.get("max_driving_force")
            if H is not None and label in thr:
                ax[1].semilogy(100 * cf.strain,
                               np.maximum(H / thr[label], 1e-6), color=col,
                               label=f"{label}: max H / (3 Gc/(16 l))")
        for j, extra in enumerate(a.extra):
            label, run = extra.split(":")
            ce = curves.read_curve(run)
            ax[0].plot(100 * ce.strain, ce.stress, ":",
                       color=f"C{len(data) + j}", lw=1.2, label=label)
        ax[1].axhline(1., color="k", lw=0.8)
        curves.finish_figure(fig, ax, a.output,
                             [("engineering strain (punch) [%]",
                               "engineering stress [MPa]"),
                              ("engineering strain (punch) [%]",
                               "largest driving force / AT1 threshold")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
