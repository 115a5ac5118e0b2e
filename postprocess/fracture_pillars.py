#!/usr/bin/python3
"""Where a pillar with phase-field fracture leaves homogeneous flow.

For each run directory (stress_strain.csv with the fracture columns):

- ``flow_end`` (the figure calibrated and predicted in docs/fracture.md):
  where the hardening homogeneous flow ends, the strain of the last row
  before the first row, from ``--flow-start`` (default 8 % strain: past the
  laminate's post-yield softening, which has no damage) on, whose stress
  is below the previous row's; the fracture-free laminate hardens
  monotonically from 5.6 % to 30 %, so a turn there is the damage's;
- ``departure``: the strain of the stress maximum before the first load
  drop, i.e. scanning the rows from ``--start`` (default 5 % strain: past
  the laminate's post-yield softening, which has no damage) the first row
  whose stress falls more than ``--drop`` (default 5 %) below the running
  maximum; the departure is the strain of that maximum (None: no drop);
- ``crack_onset``: the first strain with max_damage > 0.95 (a cracked
  quadrature point);
- ``drops``: every step in which the stress falls by more than
  ``--drop`` of the previous step's (strain, relative drop);
- with the columns ``stabilisation_work`` and ``external_work`` (a run with
  ``Newton/Viscous stabilisation`` > 0; per-step works [µN µm]):
  ``energy_audit``, the dashpot's and the punch's summed works, their
  ratio ``share`` and the largest ratio in one step ``largest_step_share``
  (steps with positive punch work): the check the entry's documentation
  asks for before a damped curve is trusted;
- with ``--reference RUN`` (the same prm without fracture): ``deviation``,
  the first strain from ``--start`` on where the stress is more than 2 %
  below the reference curve.

Prints one JSON line per run and draws the curves and max_damage (PNG).

Usage::

    /usr/bin/python3 postprocess/fracture_pillars.py RUN ... [--labels ...]
        [--reference RUN] [-o fig.png] [--start 0.05] [--drop 0.05]
        [--flow-start 0.08]
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, Optional, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from postprocess import curves  # noqa: E402


def departure(c, start: float = 0.05, drop: float = 0.05) -> Optional[float]:
    """Strain of the stress maximum before the first drop (see above)."""
    best, at = -np.inf, None
    for e, s in zip(c.strain, c.stress):
        if e < start:
            continue
        if s > best:
            best, at = s, e
        elif s < (1. - drop) * best:
            return float(at)
    return None


def flow_end(c, start: float = 0.08) -> Optional[float]:
    """Strain of the last hardening row (see above); None if the stress
    never falls from start on."""
    for i in range(1, len(c.stress)):
        if c.strain[i] >= start and c.strain[i - 1] >= start and \
                c.stress[i] < c.stress[i - 1]:
            return float(c.strain[i - 1])
    return None


def energy_audit(c) -> Optional[Dict[str, float]]:
    """The dashpot's work against the punch's (see above); None without
    the columns."""
    if "stabilisation_work" not in c.columns or \
            "external_work" not in c.columns:
        return None
    ws = np.asarray(c.columns["stabilisation_work"], dtype=float)
    we = np.asarray(c.columns["external_work"], dtype=float)
    total_s, total_e = float(np.sum(ws)), float(np.sum(we))
    pos = we > 0.
    return {"stabilisation_work": total_s, "external_work": total_e,
            "share": total_s / total_e if total_e > 0. else float("inf"),
            "largest_step_share":
                float(np.max(ws[pos] / we[pos])) if pos.any() else 0.}


def summary(c, start=0.05, drop=0.05, reference=None,
            flow_start=0.08) -> Dict[str, object]:
    out: Dict[str, object] = {"final_strain": float(c.strain[-1])}
    out["flow_end"] = flow_end(c, flow_start)
    out["departure"] = departure(c, start, drop)
    d = c.columns.get("max_damage")
    if d is not None:
        k = np.nonzero(d > 0.95)[0]
        out["crack_onset"] = float(c.strain[k[0]]) if len(k) else None
        k = np.nonzero(d > 0.)[0]
        out["damage_start"] = float(c.strain[k[0]]) if len(k) else None
    s = c.stress
    rel = (s[:-1] - s[1:]) / np.maximum(np.abs(s[:-1]), 1e-30)
    out["drops"] = [(round(float(c.strain[i + 1]), 5), round(float(r), 4))
                    for i, r in enumerate(rel) if r > drop]
    audit = energy_audit(c)
    if audit is not None:
        out["energy_audit"] = audit
    if reference is not None:
        ref = np.interp(c.strain, reference.strain, reference.stress)
        m = (c.strain >= start) & (c.strain <= reference.strain[-1]) & \
            (s < 0.98 * ref)
        out["deviation"] = float(c.strain[np.argmax(m)]) if m.any() else None
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("runs", nargs="+")
    p.add_argument("--labels", nargs="*")
    p.add_argument("--reference")
    p.add_argument("-o", "--output")
    p.add_argument("--start", type=float, default=0.05)
    p.add_argument("--drop", type=float, default=0.05)
    p.add_argument("--flow-start", type=float, default=0.08)
    a = p.parse_args(argv)
    ref = curves.read_curve(a.reference) if a.reference else None
    labels = a.labels or [Path(r).name for r in a.runs]
    data = [(lab, curves.read_curve(r)) for lab, r in zip(labels, a.runs)]
    for lab, c in data:
        s = summary(c, a.start, a.drop, ref, a.flow_start)
        s["run"] = lab
        print(json.dumps(s))
    if a.output:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots(1, 2, figsize=(11, 4))
        if ref is not None:
            ax[0].plot(100 * ref.strain, ref.stress, "k--", lw=1,
                       label="no fracture")
        for lab, c in data:
            line, = ax[0].plot(100 * c.strain, c.stress, label=lab)
            if "max_damage" in c.columns:
                # the same colour as the run's curve in the left panel
                ax[1].plot(100 * c.strain, c.columns["max_damage"],
                           color=line.get_color(), label=lab + " max d")
                ax[1].plot(100 * c.strain,
                           c.columns["cracked_volume_fraction"], ":",
                           color=line.get_color(),
                           label=lab + " cracked vol.")
        curves.finish_figure(fig, ax, a.output,
                             [("engineering strain [%]",
                               "engineering stress [MPa]"),
                              ("engineering strain [%]", "damage")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
