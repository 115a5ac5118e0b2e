"""Spectral split (Fracture/Energy split = spectral) on the mesh: a
compressed bar does not crack across its load (issue 13, item 4c for the
spectral split).

The homogeneous bar of fracture_bar.prm (frictionless grips: uniaxial
stress, the same strain at every point), AT1, compressed:
- nu = 0: the isotropic elastic strain of uniaxial compression has no
  positive principal value, so psi+ = 0: no damage at all to 4.6 times the
  tensile peak strain;
- nu = 0.3: only the two equal lateral strains -nu sigma/E are stretched,
  psi+ = 2 G (nu sigma/E)^2, so the bar is intact until AT1's threshold
  3 Gc/(16 l) at |sigma| = (E/nu) sqrt(3 Gc/(32 l G)) and damages from the
  first step past it (within 2 %); the damage degrades only the lateral
  stretch, so the bar keeps at least the axial stiffness 2G = E/(1 + nu)
  of a fully broken point and its stress rises again after AT1's jump (a
  crack under compression does not carry the axial load away), where the
  volumetric-deviatoric split degrades the deviatoric stress and the same
  bar's stress falls after its onset (sigma^2/(6G) = 3 Gc/(16 l), 2.5
  times earlier);
- 2 ranks give the 1-rank curve and damage (1e-8).
"""
import math
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
E, Gc, ell = 1e5, 0.01, 0.05
base = {"Fracture/Model": "AT1", "Fracture/Energy split": "spectral",
        "Loading/Direction": "compression"}


def run(name, overrides, n=1):
    return t.simulate(exe, work, name, "fracture_bar.prm",
                      dict(base, **overrides), n)


# nu = 0: never damaged
c0 = run("nu0", {"Loading/Target strain": 0.004,
                 "Time stepping/Initial strain increment": 1e-4,
                 "Time stepping/Maximum strain increment": 1e-4})
peak_strain = math.sqrt(3 * E * Gc / (8 * ell)) / E
t.check(np.max(c0.columns["max_damage"]) == 0. and
        c0.strain[-1] >= 4 * peak_strain,
        f"nu = 0: no damage to strain {c0.strain[-1]:.4f} "
        f"({c0.strain[-1] / peak_strain:.1f} x the tensile peak strain)")

# nu = 0.3: onset at the lateral-stretch threshold
nu = 0.3
G = E / (2 * (1 + nu))
onset = E / nu * math.sqrt(3 * Gc / (32 * ell * G))
fine = {"Materials/bar/Poisson's ratio": nu,
        "Loading/Target strain": 0.0028,
        "Time stepping/Initial strain increment": 2e-5,
        "Time stepping/Maximum strain increment": 2e-5}
c1 = run("nu03", fine)
d, s = c1.columns["max_damage"], c1.stress  # compression > 0
first = int(np.argmax(d > 0.))
t.check(first > 0 and d[-1] > 0.,
        f"nu = 0.3: damaged at the end (max d {d[-1]:.3f})")
t.check(abs(s[first - 1] - onset) <= 0.02 * onset and
        np.max(s[d == 0.]) >= 0.98 * onset,
        f"nu = 0.3: intact up to {s[first - 1]:.2f} MPa, analytic onset "
        f"{onset:.2f} MPa (within 2 %)")
# AT1's homogeneous damage jumps at the threshold (d ~ 0.5 in one step);
# what it degrades is the lateral stretch only, so the broken bar keeps an
# axial stiffness between 2G = E/(1 + nu) (g = 0: the lateral strains
# follow freely, tr eps = 0) and E: at every strain the stress stays
# above 1/(1 + nu) of the intact line, and rises again after the jump
k = s[first - 1] / c1.strain[first - 1]
ratio = s[first:] / (k * c1.strain[first:])
t.check(np.min(ratio) >= 1. / (1. + nu) - 0.01 and
        np.all(np.diff(s[first:]) > 0.),
        f"nu = 0.3: the damaged bar keeps its axial load: stress/intact "
        f">= {np.min(ratio):.3f} (bound 1/(1 + nu) = {1 / (1 + nu):.3f}), "
        f"rising after the onset ({s[first]:.1f} -> {s[-1]:.1f} MPa, max d "
        f"{d[-1]:.3f})")
# the volumetric-deviatoric split on the same bar: onset at
# sigma^2/(6G) = 3Gc/(16l), then the stress falls
amor = run("nu03_amor", dict(fine, **{
    "Fracture/Energy split": "volumetric-deviatoric",
    "Time stepping/Initial strain increment": 1e-4,
    "Time stepping/Maximum strain increment": 1e-4}))
sa = amor.stress
amor_onset = math.sqrt(18 * G * Gc / (16 * ell))
t.check(np.max(sa) <= 1.02 * amor_onset and sa[-1] < 0.9 * np.max(sa),
        f"volumetric-deviatoric: peak {np.max(sa):.1f} MPa (onset "
        f"{amor_onset:.1f}), falls to {sa[-1]:.1f}")

# 2 ranks, through the onset
c2 = run("nu03_np2", dict(fine, **{"Loading/Target strain": 0.0024}), n=2)
n = len(c2)
same = n > first + 2 and \
    np.max(np.abs(c1.stress[:n] - c2.stress)) <= \
    1e-8 * np.max(np.abs(c1.stress)) and \
    np.max(np.abs(c1.columns["max_damage"][:n] -
                  c2.columns["max_damage"])) <= 1e-8
t.check(same, "2 ranks give the 1-rank curve and damage")
sys.exit(t.finish())
