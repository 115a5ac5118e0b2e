#!/usr/bin/python3
"""Side view of a pillar's deformed shape from a field output frame.

Reads one PVTU frame of a micropillar run (all its pieces), moves the
points by `displacement` and draws the edges of every hexahedron projected
on the x-z plane (grey), the points coloured by the point field given
(default `equivalent_plastic_strain`), the undeformed outline (dashed) and
the punch plane z = H - d (d from the frame's engineering strain), so the
barrelling and the side material rolled onto the punch show. Used for the
Coulomb-contact pillars of docs/contact.md.

Usage::

    /usr/bin/python3 postprocess/barrel_shape.py OUTPUT/fields_NNNNN.pvtu \
        -o barrel.png [--field equivalent_plastic_strain] [--height 2.2]
"""
import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from postprocess import pvd  # noqa: E402
from postprocess.glass_localisation import read_vtu  # noqa: E402

EDGES = [(0, 1), (1, 2), (2, 3), (3, 0), (4, 5), (5, 6), (6, 7), (7, 4),
         (0, 4), (1, 5), (2, 6), (3, 7)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pvtu")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--field", default="equivalent_plastic_strain")
    ap.add_argument("--height", type=float, default=None,
                    help="pillar height H [µm] (default: max reference z)")
    a = ap.parse_args(argv)
    pvtu = Path(a.pvtu)
    pieces = [pvtu.parent / p.get("Source")
              for p in ET.parse(pvtu).getroot().iter("Piece")]
    fig, ax = plt.subplots(figsize=(5, 6))
    vals, xs, zs, ref = [], [], [], []
    for piece in pieces:
        d = read_vtu(piece)
        X = d["points"].astype(float)
        x = X + d["point:displacement"].astype(float)
        cells = d["connectivity"].astype(np.int64).reshape(-1, 8)
        for i, j in EDGES:
            ax.plot(np.stack([x[cells[:, i], 0], x[cells[:, j], 0]]),
                    np.stack([x[cells[:, i], 2], x[cells[:, j], 2]]),
                    color="0.7", lw=0.3)
        xs.append(x[:, 0])
        zs.append(x[:, 2])
        vals.append(d.get("point:" + a.field, np.zeros(len(x))))
        ref.append(X)
    X = np.concatenate(ref)
    sc = ax.scatter(np.concatenate(xs), np.concatenate(zs), s=4,
                    c=np.concatenate(vals), cmap="viridis", zorder=3)
    fig.colorbar(sc, ax=ax, label=a.field)
    H = a.height if a.height is not None else X[:, 2].max()
    r = np.abs(X[:, 0]).max()
    ax.plot([-r, -r, r, r], [0, H, H, 0], "k--", lw=0.8,
            label="undeformed outline")
    meta = pvd.field_data(pieces[0])
    strain = meta.get("engineering_strain", float("nan"))
    zp = H * (1 - strain)
    ax.axhline(zp, color="r", lw=1.2, label="punch plane")
    ax.set_aspect("equal")
    ax.set_xlabel("x [µm]")
    ax.set_ylabel("z [µm]")
    ax.set_title(f"engineering strain {100 * strain:.1f} %, stress "
                 f"{meta.get('engineering_stress_MPa', float('nan')):.0f} MPa")
    ax.legend(loc="lower right", fontsize=7)
    fig.tight_layout()
    fig.savefig(a.output, dpi=150)
    return 0


if __name__ == "__main__":
    sys.exit(main())
