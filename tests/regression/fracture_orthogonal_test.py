"""Orthogonal split (Fracture/Energy split = orthogonal) on the mesh: the
homogeneous bar of fracture_bar.prm (frictionless grips: uniaxial stress,
the same strain at every point), AT1, compressed (issue 13, item 4c for
the orthogonal split; constitutive/phase_field.h).

For an isotropic C the split takes the principal values of
C^-1/2 : tau = p/sqrt(3K) I + dev(tau)/sqrt(2G). Under uniaxial
compression |sigma| the two lateral ones are
(|sigma|/3)(1/sqrt(2G) - 1/sqrt(3K)):
- nu = 0 (3K = 2G): they vanish, psi+ = 0: no damage at all to 4.6 times
  the tensile peak strain;
- nu = 0.3: psi+ = half the sum of their squares, one square, so the bar
  is intact until AT1's threshold 3 Gc/(16 l) at |sigma| =
  3 sqrt(3 Gc/(16 l)) /
  (1/sqrt(2G) - 1/sqrt(3K)) and damages from the first step past it
  (within 2 %), 1.6 times later than the spectral split's onset
  (E/nu) sqrt(3 Gc/(32 l G)) (fracture_spectral_test.py);
- 2 ranks give the 1-rank curve and damage (1e-8).
"""
import math
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
E, Gc, ell = 1e5, 0.01, 0.05
base = {"Fracture/Model": "AT1", "Fracture/Energy split": "orthogonal",
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

# nu = 0.3: onset where the lateral principal values reach the threshold
nu = 0.3
G, K = E / (2 * (1 + nu)), E / (3 * (1 - 2 * nu))
onset = 3 * math.sqrt(3 * Gc / (16 * ell)) / \
    (1 / math.sqrt(2 * G) - 1 / math.sqrt(3 * K))
spectral_onset = E / nu * math.sqrt(3 * Gc / (32 * ell * G))
fine = {"Materials/bar/Poisson's ratio": nu,
        "Loading/Target strain": 1.15 * onset / E,
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
        f"{onset:.2f} MPa (within 2 %; the spectral split's: "
        f"{spectral_onset:.2f})")

# 2 ranks, through the onset
c2 = run("nu03_np2", fine, n=2)
n = min(len(c1), len(c2))
same = n > first + 2 and \
    np.max(np.abs(c1.stress[:n] - c2.stress[:n])) <= \
    1e-8 * np.max(np.abs(c1.stress)) and \
    np.max(np.abs(c1.columns["max_damage"][:n] -
                  c2.columns["max_damage"][:n])) <= 1e-8
t.check(same, "2 ranks give the 1-rank curve and damage")
sys.exit(t.finish())
