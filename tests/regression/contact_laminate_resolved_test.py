"""CI sibling of the RESOLVED laminate pillar with the Coulomb punch (issue
15): prm/laminate_small_ci_contact.prm (every 18 nm crystal / 12 nm glass
layer a cell, 12 cells across, Q1 F-bar in the crystal and plain Q1 in the
glass, mu = 0.2; D = 0.15 µm, H = 0.3 µm, the material lengths of the
full-size pillar kept) to 30 %. It must complete 30 % with a compressive
force at every step and the whole top face in contact (48 points), and it
is held to the full-size runs:
- its 0.2 % yield within 4 % of prm/laminate.prm's 2804 MPa (lateral
  refinement 2, on its base; ci_siblings_test.py): measured 2744 MPa;
- its stress at 2 / 5 / 10 / 20 / 30 % within 3 % of
  prm/laminate_ci_contact.prm's (D = 1.2 µm, 1920 cells, the same contact
  and elements; it completes 50 %): 2776 / 2542 / 2678 / 2987 / 3608 MPa,
  measured 2769 / 2539 / 2650 / 3016 / 3630 MPa (within 1.1 %). 3 % is the
  discretisation distance measured at 5 % between Q1 F-bar and Q2 on the
  D = 0.3 µm pillar (docs/contact.md).
The full-size figures are CI-mesh figures, not mesh-converged
(docs/contact.md, "third diagnosis")."""
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
for strain, ref in [(0.02, 2776.0), (0.05, 2542.0), (0.10, 2678.0),
                    (0.20, 2987.0), (0.30, 3608.0)]:
    s = np.interp(strain, c.strain, c.stress)
    t.check(abs(s / ref - 1) < 0.03,
            f"stress at {strain:.0%}: {s:.0f} MPa vs {ref:.0f} MPa of the "
            "D = 1.2 µm pillar (3 %)")
m = re.search(r"contact_points_active=(\d+)", p.stdout)
n = int(m.group(1)) if m else 0
t.check(n >= 48, f"{n} contact points active at 30 % (top face: 48)")
sys.exit(t.finish())
