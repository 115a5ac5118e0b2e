"""The orthogonal split's metric on a crystal degraded as a whole is built
once per quadrature point and step (solver/damage_field.h,
stiffness_cache) instead of at every assembly. A cache that outlived its
step would make a run differ from the same run restarted from a
checkpoint, whose cache starts empty.

prm/nanocrystalline_fracture.prm (FCC crystal, orthogonal split, machine
spring), with the crystal's Gc lowered to 0.6 MPa um so that the pillar
damages from its yield on (the shipped 1.6 never damages it) and the
laminate prm's viscous damage evolution (3 MPa s; without it the damage
runs away at ~1.7 % and the run stops), to 6 %
crosshead strain (2.6 % of the pillar), checkpoints at every step:
1. the run damages (max d > 0.01 at the end, damage from row ~50),
   so the degraded stress and its tangent are in play, not only the
   driving force;
2. the same run killed after 55 rows (in the damage) and
   restarted gives the same curve and damage to 1e-10.
"""
import sys

import numpy as np

import mp_test as t

exe, work = t.args()


def prm_file(name):
    out = work / name
    text = (t.ROOT / "prm" / "nanocrystalline_fracture.prm").read_text()
    for entry, value in {
            "Output directory": str(out),
            "Fracture/Critical energy release rate": "crconi: 0.6",
            "Fracture/Viscosity": "3",
            "Loading/Target strain": "0.06",
            "Checkpoint/Interval": "1",
            "Output/Field output interval": "0"}.items():
        text = t.convergence.set_prm_entry(text, entry, value)
    path = work / f"{name}.prm"
    path.write_text(text)
    return path, out


prm, out = prm_file("reference")
t.run(exe, prm)
ref = t.curves.read_curve(out)
d_ref = np.asarray(ref.columns["max_damage"])
first = int(np.argmax(d_ref > 0.))
t.check(d_ref[-1] > 0.01 and len(ref) > 50,
        f"the pillar damages: max d {d_ref[-1]:.4f} after {len(ref)} rows "
        f"(from row {first})")

prm, out = prm_file("killed")
r = t.kill_and_restart(exe, prm, out, 55)
c = t.curves.read_curve(out)
same = r.returncode == 0 and len(c) == len(ref)
if same:
    ds = float(np.max(np.abs(c.stress - ref.stress)))
    dd = float(np.max(np.abs(np.asarray(c.columns["max_damage"]) - d_ref)))
    same = ds <= 1e-10 * float(np.max(np.abs(ref.stress))) and dd <= 1e-10
t.check(same, f"killed after 55 rows and restarted: the same curve and "
        f"damage ({len(c)} against {len(ref)} rows, exit {r.returncode})")
sys.exit(t.finish())
