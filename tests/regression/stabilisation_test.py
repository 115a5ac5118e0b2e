"""Newton/Viscous stabilisation against its exact 1D solution.

A straight neo-Hookean pillar with Poisson's ratio 0 between a frictionless
punch and a frictionless bottom deforms in uniaxial strain u_z(z) only. In
the first step (from rest, punch displacement U, time increment dt) the
nodal dashpot nu m_i (u_i - u_i,n)/dt is, in the continuum, the body force
nu u/dt, so E u'' = (nu/dt) u with u(0) = 0, u(H) = -U:

    u = -U sinh(kz)/sinh(kH),  k^2 = nu/(E dt),
    punch stress  E (U/H) kH coth(kH),
    dashpot work  (nu/dt) A U^2 (sinh(2kH)/(4k) - H/2) / sinh^2(kH).

With nu = 5000 MPa s/µm^2, E = 1e5 MPa, dt = 0.2 s, H = 2 µm: kH = 1 and
the continuum punch stress is coth(1) = 1.313 times the unstabilised one.
The discrete problem (Q1 with lumped volumes; the punch row, constrained,
carries no dashpot) converges to it as O(h): 1.2536 on 8 and 1.2825 on 16
axial cells. Checked: the pillar's ratio against the discrete 1D solution
(8 and 16 cells, 0.1 %), its Richardson extrapolation against kH coth(kH)
(0.5 %), the work against the discrete one (0.5 %), nu = 0 leaves no
stabilisation column, Newton converges in at most 3 iterations, and 2
ranks give the 1-rank curve.
"""
import math
import subprocess
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
E, H, rate, de = 1e5, 2.0, 5e-3, 1e-3
dt = de / rate
nu = 5000.0
k = math.sqrt(nu / (E * dt))
common = {"Materials/pillar/Poisson's ratio": 0,
          "Geometry/Axial cells": 8,
          "Linear solver/Method": "direct"}

plain = {n: t.simulate(exe, work, f"plain_{n}", "elastic_pillar.prm",
                      dict(common, **{"Geometry/Axial cells": n}))
         for n in (8, 16)}
t.check("stabilisation_work" not in plain[8].columns,
        "nu = 0: no stabilisation_work column")
runs = {}
for ranks in (1, 2):
    runs[ranks] = t.simulate(exe, work, f"nu_{ranks}", "elastic_pillar.prm",
                             dict(common,
                                  **{"Newton/Viscous stabilisation": nu}),
                             n_ranks=ranks)
fine = t.simulate(exe, work, "nu_16", "elastic_pillar.prm",
                  dict(common, **{"Newton/Viscous stabilisation": nu,
                                  "Geometry/Axial cells": 16}))


def discrete(n):
    """Punch stress ratio and first-step dashpot work per unit area and
    U^2 of the lumped Q1 bar on n cells (numpy, the pillar's own scheme)."""
    h = H / n
    K = np.zeros((n + 1, n + 1))
    m = np.zeros(n + 1)
    for e in range(n):
        K[e:e + 2, e:e + 2] += E / h * np.array([[1, -1], [-1, 1]])
        m[e:e + 2] += h / 2
    A = K + np.diag(nu / dt * m)
    u = np.zeros(n + 1)
    u[-1] = 1.0
    free = list(range(1, n))
    u[free] = np.linalg.solve(A[np.ix_(free, free)], -A[free, n])
    return (K @ u)[n] / (E / H), float(np.sum(nu / dt * m[free] * u[free]**2))


ratios = {}
for cells, c in ((8, runs[1]), (16, fine)):
    ratio = c.stress[1] / plain[cells].stress[1]
    r_1d, w_1d = discrete(cells)
    ratios[cells] = ratio
    t.check(abs(ratio / r_1d - 1) < 1e-3,
            f"{cells} cells, step 1: stress ratio {ratio:.5f} vs the "
            f"discrete bar's {r_1d:.5f}")
    U = c.columns["displacement"][1]
    area = plain[cells].columns["force"][1] / plain[cells].stress[1]
    w = c.columns["stabilisation_work"][1]
    t.check(abs(w / (w_1d * area * U * U) - 1) < 5e-3,
            f"{cells} cells, step 1: dashpot work {w:.6g} vs discrete "
            f"{w_1d * area * U * U:.6g} µN µm")
    t.check(c.columns["external_work"][1] > w > 0.,
            f"{cells} cells: the punch's work exceeds the dashpot's")
    t.check(max(c.columns["newton_iterations"]) <= 3,
            f"{cells} cells: Newton iterations "
            f"{list(c.columns['newton_iterations'])} (<= 3)")
extrapolated = 2 * ratios[16] - ratios[8]
expected = k * H / math.tanh(k * H)
t.check(abs(extrapolated / expected - 1) < 5e-3,
        f"Richardson extrapolation {extrapolated:.5f} vs kH coth(kH) = "
        f"{expected:.5f}")
c = runs[1]
diff = max(abs(a - b) for a, b in zip(runs[1].stress, runs[2].stress))
t.check(len(runs[2]) == len(c) and diff < 1e-8 * max(c.stress),
        f"2 ranks: stress differs by {diff:.3g} MPa")

# A restart that switches the stabilisation on (Newton entries may change
# at a restart) rewrites the curve under the new header: the rows before
# the checkpoint get stabilisation_work 0, the new rows their work.
prm = t.write_prm("elastic_pillar.prm", work / "switch.prm",
                  dict(common, **{"Output directory": str(work / "switch"),
                                  "Checkpoint/Interval": 1}))
t.run(exe, prm)
prm.write_text(t.convergence.set_prm_entry(
    prm.read_text(), "Newton/Viscous stabilisation", str(nu)))
p = subprocess.run([str(exe), "--restart", str(prm)],
                   capture_output=True, text=True)
t.check(p.returncode == 0, f"restart with the stabilisation on: exit "
        f"{p.returncode} {p.stderr[-300:]}")
s = t.curves.read_curve(work / "switch")
w = s.columns.get("stabilisation_work")
t.check(w is not None and len(s) == 3 and w[1] == 0. and w[2] > 0.,
        f"restarted curve: {len(s)} rows, stabilisation_work "
        f"{None if w is None else list(w)} (0 before the checkpoint)")
sys.exit(t.finish())
