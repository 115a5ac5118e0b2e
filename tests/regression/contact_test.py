"""Coulomb punch contact (Loading/Punch contact = Coulomb, docs/contact.md).

On the J2 pillar of j2_pillar.prm (1 x 2 µm, Q1 F-bar), all through the
real solver:
1. Patch test: frictionless punch and bottom on an elastic block, the
   contact pressure uniform: the curve equals the Dirichlet frictionless
   one (homogeneous) taken at the strain reduced by the penetration
   p/eps_n (eps_n from the run's "Contact:" line) to 1e-5, i.e. the
   penalty contact transmits the uniform pressure exactly, and the
   penetration itself costs < 0.5 % of the stress.
2. Limits on the confined pillar (clamped bottom, to 3 %): Coulomb with
   mu = 0 reproduces the Dirichlet frictionless curve, and with mu = 1e3
   the Dirichlet stuck curve, within 0.5 % at every step; the punch force
   of a Coulomb run is the sum of the contact pressures, that of a
   Dirichlet run the reaction, so this also checks that they agree.
3. Friction between the limits: the stress at 3 % grows with mu
   (0 < 0.1 < 0.5 < stuck, strictly), and mu = 0.1 lets top-face points
   slip while mu = 1e3 keeps every point stuck (run_summary).
4. The same Coulomb (mu = 0.2) curve on 1 and 2 ranks (relative 1e-6).
5. Restart: a run stopped by Maximum steps and restarted from its
   checkpoint (which carries the stick/slip anchors) ends on the curve of
   the uninterrupted run (relative 1e-8).
"""
import re
import subprocess
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()

# 2. limits on the confined pillar
confined = {"Loading/Bottom support": "fixed",
            "Loading/Target strain": 0.03,
            "Materials/pillar/Hardening modulus": 1000,
            "Time stepping/Maximum strain increment": 0.002,
            "Time stepping/Initial strain increment": 0.001}


def coulomb(mu, **extra):
    d = dict(confined, **{"Loading/Punch contact": "Coulomb",
                          "Loading/Friction coefficient": mu})
    d.update(extra)
    return d


def summary(name):
    text = (work / f"{name}.out").read_text()
    return dict(re.findall(r"(\w+)=([0-9.e+-]+)", text.split("run_summary:")[-1]))


def sim(name, overrides, n_ranks=1):
    out = work / name
    o = dict(overrides, **{"Output directory": str(out)})
    prm = t.write_prm("j2_pillar.prm", work / f"{name}.prm", o)
    p = t.run(exe, prm, n_ranks)
    (work / f"{name}.out").write_text(p.stdout)
    return curves.read_curve(out)


# 1. patch test: elastic block, frictionless punch and bottom
patch = {"Loading/Target strain": 0.006,
         "Materials/pillar/Yield stress": 1e6}
dir_patch = sim("patch_dirichlet", patch)
cou_patch = sim("patch_coulomb",
                dict(patch, **{"Loading/Punch contact": "Coulomb",
                               "Loading/Friction coefficient": 0}))
eps_n = float(re.search(r"penalty ([0-9.e+]+) MPa/µm normal",
                        (work / "patch_coulomb.out").read_text()).group(1))
H = 2.0
# The top face sits p/eps_n inside the punch (p = F/A, uniform; no taper):
# the Dirichlet curve at strain - p/(eps_n H) is the prediction.
pred = np.interp(cou_patch.strain - cou_patch.stress / (eps_n * H),
                 dir_patch.strain, dir_patch.stress)
rel = np.max(np.abs(cou_patch.stress[1:] - pred[1:]) / pred[1:]) \
    if len(cou_patch) == len(dir_patch) else np.inf
t.check(rel < 1e-5,
        f"patch test: uniform pressure transmitted exactly up to the "
        f"penetration p/eps_n: max rel. difference {rel:.2e} < 1e-5")
shift = np.max(np.abs(cou_patch.stress[1:] / dir_patch.stress[1:] - 1))
t.check(shift < 5e-3, f"patch test: the penetration costs {shift:.2e} of "
        f"the stress (< 0.5 %)")
E = 100000.0
t.check(abs(dir_patch.stress[-1] / (E * dir_patch.strain[-1]) - 1) < 0.01,
        f"patch test: elastic block stress {dir_patch.stress[-1]:.2f} MPa "
        f"~ E strain {E * dir_patch.strain[-1]:.2f} MPa (1 %)")

stuck = sim("stuck", dict(confined, **{"Loading/Punch contact": "stuck"}))
frictionless = sim("frictionless",
                   dict(confined, **{"Loading/Punch contact": "frictionless"}))
c0 = sim("mu0", coulomb(0))
cinf = sim("mu1e3", coulomb(1e3))
for name, a, b in [("mu = 0 vs frictionless", c0, frictionless),
                   ("mu = 1e3 vs stuck", cinf, stuck)]:
    same = len(a) == len(b) and np.allclose(a.strain, b.strain, rtol=1e-9)
    rel = np.max(np.abs(a.stress[1:] - b.stress[1:]) /
                 np.abs(b.stress[1:])) if same else np.inf
    t.check(same and rel < 5e-3,
            f"{name}: max rel. stress difference {rel:.2e} < 0.5 % "
            f"(stress at 3 %: {a.stress[-1]:.2f} vs {b.stress[-1]:.2f} MPa)")
t.check(stuck.stress[-1] > frictionless.stress[-1] * 1.005,
        f"the confined case distinguishes the limits: stuck "
        f"{stuck.stress[-1]:.1f} vs frictionless "
        f"{frictionless.stress[-1]:.1f} MPa")

# 3. between the limits
c01 = sim("mu0.1", coulomb(0.1))
c05 = sim("mu0.5", coulomb(0.5))
s = [c0.stress[-1], c01.stress[-1], c05.stress[-1], stuck.stress[-1]]
t.check(all(s[i] < s[i + 1] for i in range(3)),
        "stress at 3 % increases with mu: " +
        ", ".join(f"{v:.2f}" for v in s) + " MPa (0, 0.1, 0.5, stuck)")
n_slip = int(summary("mu0.1")["contact_points_slipping"])
n_slip_inf = int(summary("mu1e3")["contact_points_slipping"])
n_active = int(summary("mu1e3")["contact_points_active"])
t.check(n_slip > 0, f"mu = 0.1: {n_slip} contact points slip")
t.check(n_slip_inf == 0 and n_active > 0,
        f"mu = 1e3: {n_slip_inf} of {n_active} contact points slip")

# 4. ranks
tight = {"Newton/Relative tolerance": 1e-10,
         "Linear solver/Relative tolerance": 1e-12}
r1 = sim("np1", coulomb(0.2, **tight))
r2 = sim("np2", coulomb(0.2, **tight), n_ranks=2)
same = len(r1) == len(r2)
rel = np.max(np.abs(r1.stress - r2.stress)) / np.max(np.abs(r1.stress)) \
    if same else np.inf
t.check(same and rel < 1e-6,
        f"mu = 0.2 on 1 and 2 ranks: max rel. difference {rel:.2e} < 1e-6")

# 5. restart (the reference is r1)
out = work / "restart"
prm = t.write_prm("j2_pillar.prm", work / "restart.prm",
                  dict(coulomb(0.2, **tight),
                       **{"Output directory": str(out),
                          "Checkpoint/Interval": 1,
                          "Time stepping/Maximum steps": 8}))
p = t.run(exe, prm, check=False)
t.check(p.returncode == 2, f"stopped by Maximum steps (exit {p.returncode})")
prm2 = t.write_prm("j2_pillar.prm", work / "restart2.prm",
                   dict(coulomb(0.2, **tight),
                        **{"Output directory": str(out)}))
p = subprocess.run([str(exe), str(prm2), "--restart"], capture_output=True,
                   text=True, timeout=600)
t.check(p.returncode == 0, f"restart completed (exit {p.returncode}) "
        f"{p.stderr.strip()[-300:]}")
rc = curves.read_curve(out)
same = len(rc) == len(r1)
rel = np.max(np.abs(rc.stress - r1.stress)) / np.max(np.abs(r1.stress)) \
    if same else np.inf
t.check(same and rel < 1e-8,
        f"restarted Coulomb run vs uninterrupted: {rel:.2e} < 1e-8")

sys.exit(t.finish())
