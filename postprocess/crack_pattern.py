#!/usr/bin/python3
"""Crack pattern of a run with phase-field fracture, from a PVTU frame.

Reads the cells of one fields record (default: the last ``fields_*.pvtu``
of RUN_DIR; the reader is glass_localisation.read_cells: cell centres,
volumes and the cell average of every point field, here ``damage``) and

- prints the cracked cells (d > 0.95 by default), their volume fraction of
  the pillar (z >= 0), and the orientation of the crack: the plane fitted
  through the centres of the cracked cells (principal axes weighted by
  volume), its normal and the angle between that normal and the pillar
  axis z (0: a crack parallel to the layers, 90: a crack perpendicular to
  them, i.e. axial splitting), and how planar it is (the smallest over the
  largest principal spread); in a plane-strain strip (one cell through
  y) the fit is the crack line in the x-z plane;
- draws a figure (PNG): left, the section through the pillar axis (the
  cells nearest the plane y = 0, x against z) coloured by damage; middle,
  the section x = 0 (y against z); right, the cracked cells seen along z
  (x against y, coloured by their height). A plane-strain strip (one cell
  through y) shows in the left panel.

Usage::

    /usr/bin/python3 postprocess/crack_pattern.py RUN_DIR [-o crack.png]
        [--record fields_00040.pvtu] [--threshold 0.95] [--json]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from postprocess import glass_localisation  # noqa: E402


def crack_summary(cells: Dict[str, np.ndarray],
                  threshold: float = 0.95) -> Dict[str, object]:
    """Cracked volume fraction, maximum damage and the fitted crack plane
    of the cells of a record (read_cells)."""
    if "damage" not in cells:
        raise ValueError("the record has no 'damage' field (Fracture/Model "
                         "= none?)")
    d, v, c = cells["damage"], cells["volume"], cells["centre"]
    pillar = c[:, 2] >= 0.
    cracked = (d > threshold) & pillar
    out: Dict[str, object] = {
        "max_damage": float(d.max()),
        "cracked_cells": int(cracked.sum()),
        "cracked_volume_fraction":
            float(v[cracked].sum() / v[pillar].sum()) if pillar.any() else 0.,
        "threshold": threshold}
    if cracked.sum() >= 3:
        w = v[cracked] / v[cracked].sum()
        x = c[cracked]
        mean = (w[:, None] * x).sum(axis=0)
        # A plane-strain strip (one cell through y: every centre at the
        # same y) is a 2D problem: fit the crack line in the x-z plane.
        strip = np.ptp(c[:, 1]) <= 1e-9 * max(np.ptp(c[:, 0]), 1e-300)
        axes = [0, 2] if strip else [0, 1, 2]
        y = (x - mean)[:, axes]
        val, vec2 = np.linalg.eigh((y.T * w) @ y)
        vec = np.zeros((3, len(axes)))
        vec[axes, :] = vec2
        if strip:
            val = np.array([val[0], val[0], val[1]])
        normal = vec[:, 0]
        if normal[np.argmax(np.abs(normal))] < 0:
            normal = -normal
        out.update({
            "centre": mean.tolist(),
            "normal": normal.tolist(),
            "angle_normal_to_axis_deg":
                float(np.degrees(np.arccos(min(1., abs(normal[2]))))),
            "planarity": float(np.sqrt(max(val[0], 0.) / val[2]))
            if val[2] > 0 else 0.})
    return out


def plot(cells, summary, out_png, title: str = "") -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    d, c, v = cells["damage"], cells["centre"], cells["volume"]
    size = np.cbrt(v)
    fig, axes = plt.subplots(1, 3, figsize=(13, 5))
    for ax, (i, j, k, name) in zip(axes[:2], ((0, 2, 1, "y"), (1, 2, 0, "x"))):
        # the layer of cells nearest the section plane (coordinate k = 0)
        near = np.abs(c[:, k]) <= np.min(np.abs(c[:, k])) + 0.5 * size
        sc = ax.scatter(c[near, i], c[near, j], c=d[near], s=12,
                        marker="s", cmap="inferno_r", vmin=0., vmax=1.)
        ax.set_xlabel("xyz"[i] + " [µm]")
        ax.set_ylabel("z [µm]")
        ax.set_title(f"section {name} = 0: damage")
        ax.set_aspect("equal")
    fig.colorbar(sc, ax=axes[:2], shrink=0.8, label="damage d")
    cracked = (d > summary["threshold"]) & (c[:, 2] >= 0.)
    ax = axes[2]
    if cracked.any():
        sc2 = ax.scatter(c[cracked, 0], c[cracked, 1], c=c[cracked, 2],
                         s=12, marker="s", cmap="viridis")
        fig.colorbar(sc2, ax=ax, shrink=0.8, label="z of cracked cell [µm]")
    ax.set_xlabel("x [µm]")
    ax.set_ylabel("y [µm]")
    ax.set_aspect("equal")
    angle = summary.get("angle_normal_to_axis_deg")
    ax.set_title(f"cracked cells (d > {summary['threshold']}) seen along z" +
                 (f"\nnormal at {angle:.0f}° to z" if angle is not None
                  else ""))
    if title:
        fig.suptitle(title)
    out_png = Path(out_png)
    fig.savefig(out_png, dpi=120)
    plt.close(fig)
    return out_png


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("run_dir")
    p.add_argument("-o", "--output", default=None,
                   help="PNG (default RUN_DIR/crack_pattern.png)")
    p.add_argument("--record", default=None,
                   help="a fields_NNNNN.pvtu of RUN_DIR (default: the last)")
    p.add_argument("--threshold", type=float, default=0.95)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    run = Path(a.run_dir)
    record = run / a.record if a.record else \
        glass_localisation.last_record(run)
    cells = glass_localisation.read_cells(record)
    s = crack_summary(cells, a.threshold)
    s["record"] = str(record)
    png = plot(cells, s, a.output or run / "crack_pattern.png",
               title=f"{run.name}: {record.name}")
    s["figure"] = str(png)
    if a.json:
        print(json.dumps(s))
    else:
        for k, v in s.items():
            print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
