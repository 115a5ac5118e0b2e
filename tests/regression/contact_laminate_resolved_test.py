"""CI sibling of the RESOLVED laminate pillar with the Coulomb punch (issue
15): prm/laminate_small_ci_contact.prm (every 18 nm crystal / 12 nm glass
layer a cell, 12 cells across, mu = 0.2; D = 0.15 µm, H = 0.3 µm, the
material lengths of the full-size pillar kept) to 30 %. It must complete
30 % with a compressive force at every step and the whole top face in
contact (48 points), and it is held to the full-size runs:
- its 0.2 % yield within 4 % of prm/laminate.prm's 2804 MPa (lateral
  refinement 2, on its base; ci_siblings_test.py): measured 2750 MPa,
  -1.9 %;
- its stress at 5 % and 10 % within 3 % of prm/laminate_ci_contact.prm's
  (D = 1.2 µm, 1920 cells, same contact; it stops at 11.3 %): 2524 and
  2643 MPa, measured 2505 and 2651 MPa (-0.8 %, +0.3 %). 3 % is the
  discretisation distance measured at 5 % between Q1 F-bar and Q2 on the
  D = 0.3 µm pillar (2547 vs 2465 MPa, 3.2 %, docs/contact.md);
- after the load drop the pillar hardens: sigma(30 %) > sigma(10 %), as
  the full-size pillar does from 3.8 % to 11 %.
Not mesh-converged after the peak (Lateral refinement 1 stops at 4.9 %,
docs/contact.md): the 30 % figures are held to no reference."""
import re
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
p, c = t.compress_shipped_prm(
    exe, work, "laminate_small_ci_contact.prm",
    {}, 0.3)
E = curves.loading_modulus(c.strain, c.stress).modulus
y = curves.offset_yield(c.strain, c.stress, E)
t.check(y is not None and abs(y.stress / 2804.0 - 1) < 0.04,
        f"0.2 % yield {y.stress if y else None} MPa vs 2804 MPa of the "
        "full-size laminate.prm (4 %)")
for strain, ref in [(0.05, 2524.0), (0.10, 2643.0)]:
    s = np.interp(strain, c.strain, c.stress)
    t.check(abs(s / ref - 1) < 0.03,
            f"stress at {strain:.0%}: {s:.0f} MPa vs {ref:.0f} MPa of the "
            "D = 1.2 µm pillar (3 %)")
s10, s30 = (np.interp(e, c.strain, c.stress) for e in (0.1, 0.3))
t.check(s30 > s10, f"hardens after the drop: {s30:.0f} MPa at 30 % > "
        f"{s10:.0f} MPa at 10 %")
m = re.search(r"contact_points_active=(\d+)", p.stdout)
n = int(m.group(1)) if m else 0
t.check(n >= 48, f"{n} contact points active at 30 % (top face: 48)")
sys.exit(t.finish())
