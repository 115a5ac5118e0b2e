"""Issue 14, item 1: the nanocrystalline CrCoNi CI pillar
(prm/nanocrystalline_crconi_ci.prm, 1 rank, ~5 s) flows flat in engineering
terms once its grains coarsen, like the measured pillar (shared/experiments.md
§2).

Checks, on the prm as shipped but run to 20 %:
  1. every point from 3 % to 20 % strain lies within +-5 % of the 0.2 %-offset
     yield;
  2. the elastic-plastic transition peak (between the yield and 3 %) stays
     below +10 % of the yield (it is +7.5 %: the polycrystal's late-yielding
     grains have not coarsened yet; prm comment and NOTES_flow.md);
  3. with the coarsening switched off (Characteristic strain = 0) the same
     pillar hardens beyond +5 % by 20 %: the mechanism, not the window, makes
     check 1 pass.
"""
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
prm = str(t.ROOT / "prm" / "nanocrystalline_crconi_ci.prm")
band, window, peak_limit = 0.05, (0.03, 0.20), 0.10


def yield_and_curve(name, overrides):
    c = t.simulate(exe, work, name, prm, overrides)
    E = curves.loading_modulus(c.strain, c.stress).modulus
    y = curves.offset_yield(c.strain, c.stress, E)
    t.check(y is not None, f"{name}: has a 0.2 % yield")
    return (y.stress if y else float("nan")), c


y, c = yield_and_curve("coarsening", {"Loading/Target strain": 0.2})
t.check(c.strain[-1] >= window[1] - 1e-9,
        f"reaches {window[1]:.0%} (ends at {c.strain[-1]:.3f})")
mask = (c.strain >= window[0]) & (c.strain <= window[1] + 1e-9)
ratio = c.stress[mask] / y
t.check(mask.sum() > 10 and np.all(np.abs(ratio - 1) <= band),
        f"{window[0]:.0%}-{window[1]:.0%}: stress / yield in "
        f"[{ratio.min():.3f}, {ratio.max():.3f}] (yield {y:.0f} MPa, band "
        f"+-{band:.0%})")
early = c.strain < window[0]
peak = c.stress[early].max() / y
t.check(peak <= 1 + peak_limit,
        f"transition peak {peak:.3f} x yield <= {1 + peak_limit:.2f}")

y_off, c_off = yield_and_curve("off", {
    "Loading/Target strain": 0.2,
    "Materials/crconi/Grain coarsening/Characteristic strain": 0})
end = curves.flow_stress(c_off.strain, c_off.stress, window[1])
t.check(end is not None and end / y_off > 1 + band,
        f"without coarsening: {end:.0f} MPa at {window[1]:.0%} = "
        f"{end / y_off:.3f} x yield ({y_off:.0f} MPa): outside the band")
sys.exit(t.finish())
