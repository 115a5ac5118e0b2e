"""J2 pillar: yield, locking, rank independence.

1. Homogeneous (frictionless ends): the 0.2 %-offset yield of the engineering
   curve is within 1 % of the yield stress.
2. Locking: with a stuck punch and a clamped bottom (inhomogeneous, nearly
   isochoric plastic flow) full-integration Q1 is stiffer than Q1 F-bar, and
   F-bar is closer to Q2 than Q1 is.
3. The same curve on 1, 2 and 3 MPI ranks (relative 1e-8).
"""
import sys
import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
sigma_y = 300.0

c = t.simulate(exe, work, "homogeneous", "j2_pillar.prm", {})
E = curves.loading_modulus(c.strain, c.stress).modulus
yp = curves.offset_yield(c.strain, c.stress, E)
y = yp.stress if yp is not None else None
t.check(y is not None and abs(y / sigma_y - 1) < 0.01,
        f"homogeneous J2: 0.2 % offset yield {y} MPa vs {sigma_y} MPa")
t.check(abs(E / 100000.0 - 1) < 0.01, f"loading modulus {E:.0f} MPa")

# Locking: confined ends, larger strain.
confined = {"Loading/Punch contact": "stuck",
            "Loading/Bottom support": "fixed",
            "Loading/Target strain": 0.03,
            "Time stepping/Maximum strain increment": 0.005,
            "Time stepping/Initial strain increment": 0.002}
final = {}
for f in ["Q1", "Q1 F-bar", "Q2"]:
    cf = t.simulate(exe, work, f.replace(" ", ""), "j2_pillar.prm",
                    dict(confined, **{"Finite element/Formulation": f}))
    final[f] = cf.stress[-1]
    print(f"{f}: stress at 3 % = {final[f]:.2f} MPa, "
          f"Newton iterations {list(cf.columns['newton_iterations'])}")
t.check(final["Q1"] > final["Q1 F-bar"],
        f"Q1 ({final['Q1']:.1f}) is stiffer than Q1 F-bar "
        f"({final['Q1 F-bar']:.1f})")
t.check(abs(final["Q1 F-bar"] - final["Q2"]) < abs(final["Q1"] - final["Q2"]),
        "F-bar is closer to Q2 than Q1 is")

# Rank independence on the confined case.
curves_by_np = {}
for n in [1, 2, 3]:
    curves_by_np[n] = t.simulate(
        exe, work, f"np{n}", "j2_pillar.prm",
        dict(confined, **{"Newton/Relative tolerance": 1e-10,
                          "Linear solver/Relative tolerance": 1e-12}),
        n_ranks=n)
a = curves_by_np[1].stress
for n in [2, 3]:
    b = curves_by_np[n].stress
    t.check(len(a) == len(b), f"same number of steps on 1 and {n} ranks "
            f"({len(a)}, {len(b)})")
    if len(a) == len(b):
        rel = np.max(np.abs(a - b)) / np.max(np.abs(a))
        t.check(rel < 1e-8, f"1 vs {n} ranks: max relative stress difference "
                f"{rel:.2e}")
sys.exit(t.finish())
