"""Crystal-plasticity pillars (CI-sized siblings of the prm/ examples).

1. Nanocrystalline FCC pillar with equiaxed hashed-Voronoi grains: the same
   curve on 1 and 2 MPI ranks (1e-8 relative): the grains do not depend on
   the partition; it yields (the curve bends: secant stiffness at the end
   below half the initial one).
   The same with grain coarsening on (issue 14): the per-point grain size
   state is rank independent too, and it coarsens (grain_size column never
   below its initial 0.02 um, above it at the end).
2. Fibre-textured HCP pillar with columnar grains and the HCP->FCC
   transformation: runs, the FCC fraction grows from 0 and stays in [0, 1],
   and the crystal-layer thickness ratio falls below 1 under compression.
"""
import sys
import numpy as np

import mp_test as t

exe, work = t.args()

runs = {n: t.simulate(exe, work, f"fcc_np{n}", "crystal_pillar.prm", {},
                      n_ranks=n) for n in [1, 2]}
a, b = runs[1].stress, runs[2].stress
t.check(len(a) == len(b), f"same steps on 1 and 2 ranks ({len(a)}, {len(b)})")
if len(a) == len(b):
    rel = np.max(np.abs(a - b)) / np.max(np.abs(a))
    t.check(rel < 1e-8, f"1 vs 2 ranks: max relative difference {rel:.1e}")
c = runs[1]
initial = c.stress[1] / c.strain[1]
final = (c.stress[-1] - c.stress[-2]) / (c.strain[-1] - c.strain[-2])
t.check(final < 0.5 * initial, f"the FCC pillar yields: tangent {final:.0f} "
        f"vs initial {initial:.0f} MPa ({c.stress[-1]:.0f} MPa at "
        f"{c.strain[-1]:.3f})")

coarse = {n: t.simulate(exe, work, f"coarsening_np{n}", "crystal_pillar.prm",
                       {"Materials/crystal/Grain coarsening/"
                        "Characteristic strain": 0.02}, n_ranks=n)
          for n in [1, 2]}
a, b = coarse[1].stress, coarse[2].stress
t.check(len(a) == len(b) and
        np.max(np.abs(a - b)) / np.max(np.abs(a)) < 1e-8,
        "coarsening: same curve on 1 and 2 ranks")
g = coarse[1].columns["grain_size"]
# (row 0 is the unloaded start, written before any update: outputs 0)
t.check(np.all(g[1:] >= 0.02 - 1e-12) and g[-1] > 0.0201,
        f"coarsening: mean grain size {g[1]:.4f} -> {g[-1]:.4f} um")

hcp = t.simulate(exe, work, "hcp", "crystal_pillar.prm", {
    "Materials/crystal/Initial phase": "HCP",
    "Materials/crystal/Transformation": "true",
    "Materials/crystal/Microstructure/Type": "columnar",
    "Materials/crystal/Microstructure/Texture": "fibre",
    "Materials/crystal/Microstructure/Tilt spread": 7,
    "Loading/Target strain": 0.03})
f = hcp.columns["fcc_fraction"]
t.check(f[0] == 0 and np.all((f >= 0) & (f <= 1)) and f[-1] > 0,
        f"FCC fraction grows from 0 to {f[-1]:.2e} within [0, 1]")
h = hcp.columns["layer_thickness_ratio"]
t.check(h[-1] < 1.0, f"layer thickness ratio {h[-1]:.4f} < 1")
print("HCP pillar stress at 3 %:", hcp.stress[-1])
sys.exit(t.finish())
