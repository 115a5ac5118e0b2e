"""Finite element/Plain Q1 materials (issue 15, docs/contact.md): the listed
materials' cells drop F-bar (plain Q1, full integration), the others keep
it. Known answers on the confined J2 pillar (stuck punch, clamped bottom,
to 0.8 %: F-bar and plain Q1 differ there by volumetric locking):
1. the default (empty) is the Q1 F-bar curve, row for row (1e-12);
2. listing the pillar's only material gives the Formulation = Q1 curve,
   row for row (1e-12), and that curve differs from F-bar's (> 1e-3), so
   the switch acts;
3. a name that is not a material, and the entry with Formulation = Q2,
   stop with exit 1 naming the entry."""
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
confined = {"Loading/Punch contact": "stuck",
            "Loading/Bottom support": "fixed"}
fbar = t.simulate(exe, work, "fbar", "j2_pillar.prm", confined)
default = t.simulate(exe, work, "default", "j2_pillar.prm",
                     dict(confined, **{"Finite element/Plain Q1 materials":
                                       ""}))
q1 = t.simulate(exe, work, "q1", "j2_pillar.prm",
                dict(confined, **{"Finite element/Formulation": "Q1"}))
listed = t.simulate(exe, work, "listed", "j2_pillar.prm",
                    dict(confined, **{"Finite element/Plain Q1 materials":
                                      "pillar"}))


def rel(a, b):
    n = min(len(a.stress), len(b.stress))
    return np.max(np.abs(a.stress[1:n] - b.stress[1:n]) /
                  np.abs(b.stress[1:n]))


t.check(len(default.stress) == len(fbar.stress) and
        rel(default, fbar) < 1e-12,
        f"empty list = Q1 F-bar: {rel(default, fbar):.1e}")
t.check(len(listed.stress) == len(q1.stress) and rel(listed, q1) < 1e-12,
        f"'pillar' listed = Formulation Q1: {rel(listed, q1):.1e}")
t.check(rel(q1, fbar) > 1e-3,
        f"Q1 and Q1 F-bar differ: {rel(q1, fbar):.2e} (> 1e-3)")
for name, over in [("unknown", {"Finite element/Plain Q1 materials":
                                "pillar, glass"}),
                   ("q2", {"Finite element/Plain Q1 materials": "pillar",
                           "Finite element/Formulation": "Q2"})]:
    over = dict(over, **{"Output directory": str(work / name)})
    p = t.run(exe, t.write_prm("j2_pillar.prm", work / f"{name}.prm", over),
              check=False)
    t.check(p.returncode == 1 and "Plain Q1 materials" in p.stderr,
            f"{name}: exit {p.returncode}, message "
            f"'{p.stderr.strip()[:100]}'")
sys.exit(t.finish())
