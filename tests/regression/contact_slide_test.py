"""A block pressed on the punch, then sheared (Loading/Punch slide): stick
below mu p, slip above, tangential force = mu N in slip.

The elastic block of j2_pillar.prm (1 x 2 µm, clamped bottom, yield stress
1e6 MPa, Poisson's ratio 0 so that pressing alone asks no tangential
traction) under the Coulomb punch, mu = 0.2, pressed to 0.5 %, then the
punch also moves sideways by 5 µm per µm of further axial travel. Every
step writes its fields (contact_state: 1 stick, 2 slip).
1. Pressing: no tangential force (< 1e-9 N) and every top cell sticks.
2. First sheared step: F_t/N < mu, F_t equals the elastic shear stiffness
   of the block times the slide within 15 % (Timoshenko guided cantilever,
   k = 1/(H^3/(12 E I) + H/(kappa G A)), kappa = 6/7 for nu = 0; the short
   block, H/D = 2, is stiffer than the beam), and at least half of the
   contact cells still stick.
3. F_t/N grows with the slide and never exceeds mu (Coulomb bound, 1e-9).
4. Slip: from the first step in which every contact cell slips on, F_t =
   mu N to 1e-5 (1e-4 in that first step: a point slides in the direction
   of its trial elastic slip, which still carries a little of its stick
   phase), at least 5 such steps.
5. Punch slide without Coulomb contact is refused (exit 1, entry named).
6. The same sliding run on 2 ranks gives the 1-rank curve (N, F_t and the
   slide, 1e-6 relative: every contact point is assembled on one rank).
7. Restart across the slide: a run stopped by Maximum steps in the sheared
   phase (stick-slip transition) and restarted from its checkpoint ends on
   the uninterrupted curve (1e-8): the anchors of the stick/slip history
   are in the checkpoint, the slide itself follows from the punch travel.
"""
import subprocess
import math
import sys

import numpy as np

import mp_test as t
from postprocess import curves, pvd
from postprocess.glass_localisation import read_cells

exe, work = t.args()
mu, E, D, H = 0.2, 1e5, 1.0, 2.0
base = {"Loading/Bottom support": "fixed",
        "Loading/Target strain": 0.02,
        "Materials/pillar/Yield stress": 1e6,
        "Materials/pillar/Poisson's ratio": 0,
        "Time stepping/Maximum strain increment": 0.001,
        "Time stepping/Initial strain increment": 0.001,
        "Loading/Punch contact": "Coulomb",
        "Loading/Friction coefficient": mu,
        "Loading/Punch slide": 5,
        "Loading/Punch slide start": 0.005,
        "Output/Field output interval": 1}
c = t.simulate(exe, work, "slide", "j2_pillar.prm", base)
N = c.columns["force"]
Ft = c.columns["tangential_force"]
s = c.columns["punch_slide"]
frames = {int(pvd.field_data(pvd.pvtu_pieces(f)[0])["CYCLE"]): f
          for _, f in pvd.read_pvd(work / "slide" / "fields.pvd")}
steps = [int(x) for x in c.columns["step"]]


def states(row):
    cells = read_cells(frames[steps[row]])
    return cells["contact_state"][cells["contact_area"] > 0]


pressing = [i for i in range(1, len(N)) if s[i] == 0.]
sheared = [i for i in range(1, len(N)) if s[i] > 0.]
t.check(len(pressing) >= 3 and len(sheared) >= 10,
        f"{len(pressing)} pressing and {len(sheared)} sheared steps")
t.check(all(abs(Ft[i]) < 1e-9 * N[i] for i in pressing),
        "pressing: no tangential force")
t.check(all(np.all(states(i) == 1.) and len(states(i)) == 48
            for i in pressing), "pressing: all 48 top cells stick")

i0 = sheared[0]
A = math.pi * D ** 2 / 4
k = 1. / (H ** 3 / (12 * E * math.pi * D ** 4 / 64) +
          H / (6. / 7. * E / 2 * A))
st0 = states(i0)
t.check(Ft[i0] / N[i0] < mu and abs(Ft[i0] / s[i0] / k - 1) < 0.15 and
        np.mean(st0 == 1.) >= 0.5,
        f"first sheared step: F_t/N = {Ft[i0] / N[i0]:.4f} < mu, F_t/slide "
        f"= {Ft[i0] / s[i0]:.0f} vs elastic {k:.0f} µN/µm (15 %), "
        f"{np.mean(st0 == 1.):.0%} of the contact cells stick")
ratio = np.array([Ft[i] / N[i] for i in sheared])
t.check(np.all(ratio <= mu * (1 + 1e-9)),
        f"F_t/N <= mu at every step (max {ratio.max():.7f})")
slip = [i for i in sheared if np.all(states(i) == 2.)]
n_stick = len(sheared) - len(slip)
t.check(n_stick >= 1 and slip == sheared[n_stick:] and
        np.all(np.diff(ratio[:n_stick + 1]) > 0),
        f"F_t/N grows with the slide over the {n_stick} steps before full slip")
err = [abs(Ft[i] / N[i] / mu - 1) for i in slip]
t.check(len(slip) >= 5 and max(err) < 1e-4 and max(err[1:]) < 1e-5,
        f"slip: {len(slip)} steps with every contact cell slipping and F_t = "
        f"mu N (first {err[0]:.1e}, then <= {max(err[1:]):.1e}; 1e-4 / 1e-5)")

# 5. bad input
bad = t.write_prm("j2_pillar.prm", work / "bad.prm",
                  {"Output directory": str(work / "bad"),
                   "Loading/Punch slide": 1})
p = t.run(exe, bad, check=False)
t.check(p.returncode == 1 and "Punch slide" in p.stdout + p.stderr,
        f"Punch slide with a Dirichlet punch: exit {p.returncode}, entry named")


def columns(curve):
    return np.array([curve.columns[k] for k in
                     ("force", "tangential_force", "punch_slide")])


def rel_diff(a, b):
    """Largest difference of the three columns, relative to each column's
    largest magnitude; inf if the curves have different steps."""
    if len(a) != len(b) or not np.allclose(a.strain, b.strain, rtol=1e-9):
        return np.inf
    ca, cb = columns(a), columns(b)
    return float(np.max(np.abs(ca - cb).max(axis=1) /
                        np.abs(cb).max(axis=1)))


# 6. two ranks (no field output: the curve is compared)
quiet = dict(base, **{"Output/Field output interval": 0})
c2 = t.simulate(exe, work, "slide_np2", "j2_pillar.prm", quiet, n_ranks=2)
rel = rel_diff(c2, c)
t.check(rel < 1e-6, f"sliding on 2 ranks vs 1 rank: {rel:.2e} < 1e-6")

# 7. restart in the sheared phase (the reference is the 1-rank run c)
out = work / "slide_restart"
stop = sheared[n_stick - 1]  # the last step in which some points stick
prm = t.write_prm("j2_pillar.prm", work / "slide_restart.prm",
                  dict(quiet, **{"Output directory": str(out),
                                 "Checkpoint/Interval": 1,
                                 "Time stepping/Maximum steps": steps[stop]}))
p = t.run(exe, prm, check=False)
t.check(p.returncode == 2, f"stopped by Maximum steps = {steps[stop]} in "
        f"the sheared phase (exit {p.returncode})")
prm2 = t.write_prm("j2_pillar.prm", work / "slide_restart2.prm",
                   dict(quiet, **{"Output directory": str(out)}))
p = subprocess.run([str(exe), str(prm2), "--restart"], capture_output=True,
                   text=True, timeout=600)
t.check(p.returncode == 0, f"restart completed (exit {p.returncode}) "
        f"{p.stderr.strip()[-300:]}")
rel = rel_diff(curves.read_curve(out), c)
t.check(rel < 1e-8, f"restarted sliding run vs uninterrupted: {rel:.2e} "
        "< 1e-8")
sys.exit(t.finish())
