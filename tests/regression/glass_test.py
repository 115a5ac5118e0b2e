"""Free-volume glass: shear localisation and its suppression by confinement.

1. A perturbed monolithic glass pillar (prm/glass_pillar_ci.prm: D 1.1 µm,
   stuck punch through a machine spring, diffusion length 0.1 µm) localises:
   the curve drops by more than half after the peak, and at the end the
   maximum equivalent plastic strain is more than 3x its mean while half of
   the plastic strain sits in less than 20 % of the volume.
2. The same glass (model defaults, diffusion length 4 nm) as 12 nm layers
   confined between 18 nm stiff, hardening J2 layers (tests/regression/
   glass.prm) does not localise: no load drop (< 5 %), and the glass cells'
   max/mean equivalent plastic strain stays below 2.
3. The localising case gives the same curve on 1 and 2 MPI ranks.
"""
import sys
import numpy as np

import mp_test as t
from postprocess import curves, glass_localisation as gl

exe, work = t.args()
CI = "../../prm/glass_pillar_ci.prm"
tight = {"Newton/Relative tolerance": 1e-10,
         "Linear solver/Method": "direct"}


def measures(name, material_id=None):
    rec = gl.last_record(work / name)
    return gl.localisation(gl.read_cells(rec), material_id)


# 1. monolithic, perturbed: localises
c = t.simulate(exe, work, "monolithic", CI, tight)
drop = curves.detect_load_drop(c.strain, c.stress)
m = measures("monolithic")
print("monolithic:", {k: round(v, 4) for k, v in m.items()})
print(f"monolithic: peak {c.stress.max():.0f} MPa, load drop "
      f"{100 * drop.relative_drop:.1f} %")
t.check(drop.relative_drop > 0.5, f"monolithic glass: load drop {100 * drop.relative_drop:.1f} "
        "% > 50 %")
t.check(m["ep_ratio"] > 3., f"monolithic glass: max/mean plastic strain "
        f"{m['ep_ratio']:.2f} > 3")
t.check(m["half_strain_volume_fraction"] < 0.2,
        "monolithic glass: half the plastic strain in "
        f"{100 * m['half_strain_volume_fraction']:.1f} % < 20 % of the volume")

# 2. confined glass layers: no localisation
lam = t.simulate(exe, work, "laminate", "glass.prm",
                 {"Geometry/Layer stack": "crystal:0.018, glass:0.012"})
drop_l = curves.detect_load_drop(lam.strain, lam.stress)
ml = measures("laminate", material_id=0)
print("laminate glass cells:", {k: round(v, 4) for k, v in ml.items()})
t.check(ml["ep_mean"] > 1e-3, f"laminate: the glass layers flow (mean "
        f"plastic strain {ml['ep_mean']:.4f})")
t.check(drop_l.relative_drop < 0.05, f"laminate: load drop {100 * drop_l.relative_drop:.2f} "
        "% < 5 %")
t.check(ml["ep_ratio"] < 2., f"laminate glass: max/mean plastic strain "
        f"{ml['ep_ratio']:.2f} < 2")

# 3. rank independence of the localising case
c2 = t.simulate(exe, work, "monolithic_np2", CI, tight, n_ranks=2)
t.check(len(c) == len(c2), f"same number of steps on 1 and 2 ranks "
        f"({len(c)}, {len(c2)})")
if len(c) == len(c2):
    rel = np.max(np.abs(c.stress - c2.stress)) / np.max(np.abs(c.stress))
    t.check(rel < 1e-6, f"1 vs 2 ranks: max relative stress difference "
            f"{rel:.2e}")
sys.exit(t.finish())
