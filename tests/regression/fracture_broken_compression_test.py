"""What a broken point carries in uniaxial compression, for each energy split
(issue 13; docs/fracture.md "What a broken point carries, and why the
laminate's first drop is deep"). The homogeneous bar of fracture_bar.prm (frictionless grips:
uniaxial stress, laterally free), nu = 0.3, AT1, compressed to 3 %: every
split damages it to d = 1, and then, analytically (residual stiffness
k -> 0):
- spectral (Miehe et al. 2010): the lateral principal strains are positive
  and degraded, tr eps >= 0 is free, so the axial stretch keeps the energy
  G ln(lambda)^2 and the bar carries tau = 2G |ln lambda|, engineering
  stress 2G |ln(1 - e)| / (1 - e) (within 1 %);
- orthogonal (Nguyen et al. 2020) and volumetric-deviatoric (Amor et al.
  2009): a lateral expansion brings the axial principal value of
  C^1/2 : eps (orthogonal) or tr eps (Amor) to zero at no energy cost, so
  the broken bar carries nothing: below 0.1 % of the spectral value.
So a broken point of the orthogonal split (the pillar prm's) carries no
axial load when laterally free; the spectral split's does. (In the
laminate the broken crystal is held laterally by the glass, and it is the
glass, unconfined, that limits the load: docs/fracture.md.)
"""
import math
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
E, nu, e_end = 1e5, 0.3, 0.03
G = E / (2 * (1 + nu))
carried = 2 * G * abs(math.log(1 - e_end)) / (1 - e_end)
base = {"Fracture/Model": "AT1", "Materials/bar/Poisson's ratio": nu,
        "Loading/Direction": "compression", "Loading/Target strain": e_end,
        "Time stepping/Initial strain increment": 5e-4,
        "Time stepping/Maximum strain increment": 5e-4}

for split in ("spectral", "orthogonal", "volumetric-deviatoric"):
    c = t.simulate(exe, work, split, "fracture_bar.prm",
                   dict(base, **{"Fracture/Energy split": split}))
    d, s = np.asarray(c.columns["max_damage"]), np.asarray(c.stress)
    t.check(d[-1] >= 0.99 and abs(c.strain[-1] - e_end) < 1e-9,
            f"{split}: broken at {100 * c.strain[-1]:.1f} % (d {d[-1]:.3f})")
    if split == "spectral":
        t.check(abs(s[-1] / carried - 1.) <= 0.01,
                f"{split}: carries {s[-1]:.1f} MPa, analytic "
                f"2G|ln(1-e)|/(1-e) = {carried:.1f} MPa (1 %)")
    else:
        t.check(abs(s[-1]) <= 1e-3 * carried,
                f"{split}: carries {s[-1]:.3g} MPa (nothing: below "
                f"{1e-3 * carried:.2f} MPa)")
sys.exit(t.finish())
