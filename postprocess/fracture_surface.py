#!/usr/bin/python3
"""Where a compressed pillar with fracture is driven to crack: hoop stress
and crack driving force at the free surface against the core.

Reads one fields record (default: the last ``fields_*.pvtu`` of RUN_DIR;
cell values through glass_localisation.read_cells) and, over the pillar
cells (z >= 0, reference coordinates, axis z through x = y = 0), splits
them into the surface ring (in each layer of cells along z, the cells
whose centre radius is within 10 % of that layer's largest) and the core
(the rest). Per group it prints the volume-weighted mean and the extreme
of

- the hoop stress sigma_tt = sin^2 t s_xx + cos^2 t s_yy - sin 2t s_xy
  (the Cauchy stress of the field output, t the angle of the cell centre),
  the radial sigma_rr and the axial sigma_zz [MPa];
- the largest principal stress [MPa] (tension > 0);
- the crack driving force H (``driving_force``), the plastic work W_p
  (``plastic_work``, ductile runs) [MPa] and the damage d;

and the cell of largest H and of largest d: height z/H, radius r/R.

Usage::

    /usr/bin/python3 postprocess/fracture_surface.py RUN_DIR
        [--record fields_00040.pvtu] [--json]
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


def surface_mask(c: np.ndarray, ring: float = 0.1) -> np.ndarray:
    """Cells in the outer ring of their layer along z."""
    r = np.hypot(c[:, 0], c[:, 1])
    z = np.round(c[:, 2], 6)
    mask = np.zeros(len(c), dtype=bool)
    for level in np.unique(z):
        at = z == level
        mask[at] = r[at] >= (1. - ring) * r[at].max()
    return mask


def measures(cells: Dict[str, np.ndarray]) -> Dict[str, object]:
    c, v = cells["centre"], cells["volume"]
    pillar = c[:, 2] >= 0.
    t = np.arctan2(c[:, 1], c[:, 0])
    sxx, syy, szz = cells["sigma_xx"], cells["sigma_yy"], cells["sigma_zz"]
    sxy, sxz, syz = cells["sigma_xy"], cells["sigma_xz"], cells["sigma_yz"]
    fields = {
        "hoop": np.sin(t) ** 2 * sxx + np.cos(t) ** 2 * syy
        - np.sin(2 * t) * sxy,
        "radial": np.cos(t) ** 2 * sxx + np.sin(t) ** 2 * syy
        + np.sin(2 * t) * sxy,
        "axial": szz}
    S = np.stack([np.stack([sxx, sxy, sxz], -1), np.stack([sxy, syy, syz], -1),
                  np.stack([sxz, syz, szz], -1)], -2)
    fields["max_principal"] = np.linalg.eigvalsh(S)[:, -1]
    for name in ("driving_force", "plastic_work", "damage"):
        if name in cells:
            fields[name] = cells[name]
    surf = surface_mask(c) & pillar
    core = pillar & ~surf
    height = c[pillar, 2].max()
    r = np.hypot(c[:, 0], c[:, 1])
    out: Dict[str, object] = {"n_surface": int(surf.sum()),
                              "n_core": int(core.sum())}
    for group, m in (("surface", surf), ("core", core)):
        for name, f in fields.items():
            out[f"{group}_{name}_mean"] = float((f[m] * v[m]).sum() /
                                                v[m].sum())
            out[f"{group}_{name}_max"] = float(f[m].max())
    for name in ("driving_force", "damage", "hoop"):
        if name in fields:
            i = np.flatnonzero(pillar)[np.argmax(fields[name][pillar])]
            rmax = r[np.abs(c[:, 2] - c[i, 2]) < 1e-6].max()
            out[f"argmax_{name}"] = {"z_over_H": float(c[i, 2] / height),
                                     "r_over_R": float(r[i] / rmax),
                                     "value": float(fields[name][i])}
    return out


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("run_dir")
    p.add_argument("--record", default=None)
    p.add_argument("--json", action="store_true")
    a = p.parse_args(argv)
    run = Path(a.run_dir)
    record = run / a.record if a.record else \
        glass_localisation.last_record(run)
    s = measures(glass_localisation.read_cells(record))
    s["record"] = str(record)
    if a.json:
        print(json.dumps(s))
    else:
        for k, val in s.items():
            print(f"{k}: {val}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
