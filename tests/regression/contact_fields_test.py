"""Contact fields of the field output (Punch contact = Coulomb).

The confined J2 pillar of contact_test.py (j2_pillar.prm, clamped bottom,
hardening, to 3 %) with only its last frame written:
1. every frame of a Coulomb run has the cell fields contact_pressure,
   contact_area and contact_state;
2. the pressure integrates to the punch force of the curve: the sum over
   the cells of contact_pressure x contact_area equals the last row's
   force (1e-5, the single precision of the file), and so does the sum of
   contact_pressure x the area of the cell's top face computed from the
   reference vertices of the file (independent of the area field; at 3 %
   only top faces touch the punch);
3. stick/slip: with mu = 0.1 every top cell slips (contact_state 2, the
   run_summary of contact_test.py counts 192 of 192 slipping points), with
   mu = 1e3 every top cell sticks (contact_state 1); cells away from the
   punch carry 0; on 2 ranks the pieces together give the same sums.
"""
import re
import sys

import numpy as np

import mp_test as t
from postprocess import curves, pvd
from postprocess.glass_localisation import read_cells, read_vtu

exe, work = t.args()
confined = {"Loading/Bottom support": "fixed",
            "Loading/Target strain": 0.03,
            "Materials/pillar/Hardening modulus": 1000,
            "Time stepping/Maximum strain increment": 0.002,
            "Time stepping/Initial strain increment": 0.001,
            "Loading/Punch contact": "Coulomb",
            "Output/Field output interval": 1000}
H = 2.0


def top_face_areas(pvtu):
    """Per cell (read_cells order): area of the face whose four reference
    vertices lie on z = H (0 if the cell has none)."""
    areas = []
    for piece in pvd.pvtu_pieces(pvtu):
        d = read_vtu(piece)
        cells = d["connectivity"].astype(np.int64).reshape(-1, 8)
        X = d["points"].astype(float)[cells]
        for c in X:
            top = c[np.abs(c[:, 2] - H) < 1e-6]
            if len(top) != 4:
                areas.append(0.)
                continue
            # order the 4 vertices around their centre, shoelace area
            m = top.mean(axis=0)
            a = np.arctan2(top[:, 1] - m[1], top[:, 0] - m[0])
            p = top[np.argsort(a)]
            areas.append(0.5 * abs(np.dot(p[:, 0], np.roll(p[:, 1], -1)) -
                                   np.dot(p[:, 1], np.roll(p[:, 0], -1))))
    return np.array(areas)


for name, mu, n_ranks, state in [("mu01", 0.1, 2, 2.0),
                                 ("mu1e3", 1e3, 1, 1.0)]:
    out = work / name
    c = t.simulate(exe, work, name, "j2_pillar.prm",
                   dict(confined, **{"Loading/Friction coefficient": mu}),
                   n_ranks)
    frames = pvd.read_pvd(out / "fields.pvd")
    t.check(len(frames) >= 1, f"{name}: a field output frame")
    pvtu = frames[-1][1]
    cells = read_cells(pvtu)
    names = ("contact_pressure", "contact_area", "contact_state")
    t.check(all(k in cells for k in names),
            f"{name}: fields {names} in {pvtu.name}")
    p, area, st = (cells[k] for k in names)
    force = c.columns["force"][-1]
    f_area = float(np.sum(p * area))
    t.check(force > 0 and abs(f_area / force - 1) < 1e-5,
            f"{name}: sum pressure x contact_area = {f_area:.6g} µN vs "
            f"punch force {force:.6g} µN (1e-5)")
    a_top = top_face_areas(pvtu)
    f_geom = float(np.sum(p * a_top))
    t.check(abs(f_geom / force - 1) < 1e-5,
            f"{name}: sum pressure x top-face area = {f_geom:.6g} µN vs "
            f"punch force {force:.6g} µN (1e-5)")
    top = a_top > 0
    t.check(np.count_nonzero(top) == 48 and np.all(p[top] > 0),
            f"{name}: all {np.count_nonzero(top)} top cells pressed "
            f"(min pressure {p[top].min():.4g} MPa)")
    t.check(np.all(st[top] == state) and np.all(st[~top] == 0) and
            np.all(p[~top] == 0),
            f"{name}: contact_state {state:g} on every top cell (found "
            f"{sorted(set(np.round(st[top], 3)))}), 0 elsewhere")
    text = (work / name / "run_status.txt").read_text()
    t.check("completed" in text, f"{name}: run completed")
sys.exit(t.finish())
