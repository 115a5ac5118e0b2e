"""Coulomb punch contact (mu = 0.2) in series with a machine spring
(Loading/Machine stiffness, docs/contact.md), on the confined hardening J2
pillar of contact_test.py (1 x 2 µm, clamped bottom, to 3 % of machine
displacement). Known answers:
1. every converged row satisfies the series condition d_m = d_p + F/k
   (F the contact force: the sum of the contact pressures), to 1e-7 of
   the pillar height (the spring iteration's tolerance is 1e-10 H plus
   1e-7 of the increment);
2. the pillar does not see the spring: its stress at a given punch strain
   is that of the rigid-machine Coulomb run (rate-independent J2, the same
   contact), within 0.3 % on the elastic line (punch strain < 0.25 %) and
   on the plastic branch (> 0.6 %); not across the yield knee, where the
   rigid run's 0.2 % steps make its linear interpolation ~10 % off;
3. the punch ends short of the machine by F_end/k."""
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
k = 4e4  # µN/µm, about the pillar's elastic stiffness E A / H
H = 2.0
base = {"Loading/Bottom support": "fixed",
        "Loading/Target strain": 0.03,
        "Materials/pillar/Hardening modulus": 1000,
        "Time stepping/Maximum strain increment": 0.002,
        "Time stepping/Initial strain increment": 0.001,
        "Loading/Punch contact": "Coulomb",
        "Loading/Friction coefficient": 0.2}
rigid = t.simulate(exe, work, "rigid", "j2_pillar.prm", base)
spring = t.simulate(exe, work, "spring", "j2_pillar.prm",
                    dict(base, **{"Loading/Machine stiffness": k}))

d_p = spring.columns["displacement"]
d_m = spring.columns["machine_displacement"]
F = spring.columns["force"]
err = np.max(np.abs(d_p + F / k - d_m))
t.check(err < 1e-7 * H, f"d_m = d_p + F/k at every row: max error {err:.2e} "
        f"µm (< {1e-7 * H:.0e})")
t.check(F[-1] > 0 and abs(d_m[-1] - 0.03 * H) < 1e-12 and
        abs((d_m[-1] - d_p[-1]) - F[-1] / k) < 1e-7 * H,
        f"the punch ends F/k = {F[-1] / k:.4f} µm short of the machine "
        f"({d_p[-1]:.4f} vs {d_m[-1]:.4f} µm)")
e = spring.strain
mask = (e > 0) & (e <= rigid.strain[-1]) & ((e < 0.0025) | (e > 0.006))
ref = np.interp(spring.strain[mask], rigid.strain, rigid.stress)
rel = np.max(np.abs(spring.stress[mask] / ref - 1))
t.check(rel < 3e-3, f"stress vs punch strain equals the rigid-machine run: "
        f"max {rel:.2e} (< 0.3 %) over {mask.sum()} rows")
sys.exit(t.finish())
