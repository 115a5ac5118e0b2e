"""Viscous regularisation of the damage evolution (issue 13, item 3;
Fracture/Viscosity, Miehe, Welschinger & Hofacker 2010, IJNME 83).

The homogeneous bar of fracture_bar.prm (nu = 0, elastic, E = 100 GPa,
Gc = 0.01 MPa µm, l = 0.05 µm, so Gc/l = 0.2 MPa): every point has the same
H (the csv's max_driving_force) and the same d (max_damage), and the damage
equation with eta (d - d_old)/dt, v = eta/dt, reduces to the backward-Euler
recursion of one point,
  AT2: d_n = (2 H_n + v d_{n-1}) / (Gc/l + 2 H_n + v),
  AT1: d_n = clamp((2 H_n - 3 Gc/(8 l) + v d_{n-1}) / (2 H_n + v),
                   d_{n-1}, 1).
Known answers:
1. AT2, displacement control, eta = 0.04 MPa s (v = Gc/l at dt = 0.2 s):
   every row follows the recursion within BOUND_D (the damage solve's CG
   tolerance), and so does the rate-independent run with v = 0; the
   viscous damage lags the rate-independent one at the same strain;
2. AT1 behind the machine spring of fracture_relaxation_test.py, whose
   rate-independent loop snaps from max d ~0 to 0.95 inside one step:
   with eta the recursion holds on the rows up to d = 0.4 (beyond, the
   softening homogeneous state is unstable and the 4-cell bar localises:
   max H and max d part from the one-point recursion by ~3x per step) and
   the snap is spread over
   at least MIN_STEPS steps, none moving d by more than MAX_STEP_CHANGE;
   the run still breaks the bar (max d > 0.95 at the end);
3. eta = 0 is the default: the plain AT2 run equals a run with the
   entry written as 0 (the same csv).
Bad values of the entry exit 1 naming it.
"""
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
GC, L = 0.01, 0.05
BOUND_D = 1e-6
MIN_STEPS = 4
MAX_STEP_CHANGE = 0.5


def run(name, overrides):
    out = work / name
    prm = t.write_prm("fracture_bar.prm", work / f"{name}.prm",
                      dict(overrides, **{"Output directory": str(out)}))
    t.run(exe, prm)
    status = (out / "run_status.txt").read_text().strip()
    t.check(status == "completed", f"{name}: run status '{status}'")
    return curves.read_curve(out)


def recursion_error(c, v, at1, d_max=1.):
    """Largest |d_n - recursion(d_{n-1}, H_n)| over the rows with
    d_{n-1} <= d_max, and how many of them have d_n > 0."""
    d = c.columns["max_damage"]
    H = c.columns["max_driving_force"]
    err, damaged = 0., 0
    for n in range(1, len(c)):
        if d[n - 1] > d_max:
            continue
        damaged += d[n] > 0.
        if at1:
            pred = (2 * H[n] - 3 * GC / (8 * L) + v * d[n - 1]) / (2 * H[n] + v)
            pred = min(max(pred, d[n - 1]), 1.)
        else:
            pred = (2 * H[n] + v * d[n - 1]) / (GC / L + 2 * H[n] + v)
        err = max(err, abs(d[n] - pred))
    return err, damaged


# 1. AT2 under displacement control (dt = 2e-4 / 1e-3 = 0.2 s).
ETA, DT = 0.04, 0.2
plain = run("at2_plain", {})
visc = run("at2_viscous", {"Fracture/Viscosity": ETA})
e_plain = recursion_error(plain, 0., False)[0]
e_visc = recursion_error(visc, ETA / DT, False)[0]
t.check(e_plain <= BOUND_D and e_visc <= BOUND_D,
        f"AT2 rows follow the backward-Euler recursion: {e_visc:.1e} with "
        f"v = {ETA / DT} MPa, {e_plain:.1e} with v = 0 (bound {BOUND_D})")
same = len(plain) == len(visc) and np.allclose(plain.strain, visc.strain)
d_p, d_v = plain.columns["max_damage"], visc.columns["max_damage"]
lag = float(np.max(d_p - d_v)) if same else 0.
t.check(same and np.all(d_v <= d_p + BOUND_D) and lag > 0.01,
        f"the viscous damage lags the rate-independent one by up to "
        f"{lag:.3f} at the same strain")

# 3. eta = 0 is the default.
zero = run("at2_zero", {"Fracture/Viscosity": 0})
t.check(len(zero) == len(plain) and
        np.array_equal(zero.columns["max_damage"], d_p) and
        np.array_equal(zero.stress, plain.stress),
        "Viscosity = 0 gives the default run's curve exactly")

# 2. AT1 behind the spring (dt = 2e-5 / 1e-3 = 0.02 s).
ETA1, DT1 = 0.01, 0.02
spring = {"Loading/Machine stiffness": 4e4,
          "Fracture/Model": "AT1",
          "Loading/Target strain": 0.0019,
          "Time stepping/Initial strain increment": 2e-5,
          "Time stepping/Maximum strain increment": 2e-5}
snap = run("at1_plain", spring)
slow = run("at1_viscous", dict(spring, **{"Fracture/Viscosity": ETA1}))
e1, n1 = recursion_error(slow, ETA1 / DT1, True, 0.4)
t.check(e1 <= BOUND_D and n1 >= 10,
        f"AT1 rows up to d = 0.4 follow the recursion within {e1:.1e} "
        f"(v = {ETA1 / DT1} MPa, {n1} damaged rows)")


def spread(c):
    d = c.columns["max_damage"]
    steps = int(np.sum((d > 0.05) & (d < 0.9)))
    return steps, float(np.max(np.diff(d))), float(d[-1])


s_snap, j_snap, end_snap = spread(snap)
s_slow, j_slow, end_slow = spread(slow)
t.check(s_slow >= MIN_STEPS and j_slow <= MAX_STEP_CHANGE and
        end_slow > 0.95,
        f"the snap is spread: {s_slow} steps with 0.05 < d < 0.9 (rate "
        f"independent {s_snap}), largest step change {j_slow:.3f} "
        f"(rate independent {j_snap:.3f}), end d {end_slow:.3f}")

for value in ("-1", "nan"):
    t.check_bad_input(exe, work, "fracture_bar.prm", "Fracture/Viscosity",
                      value, value)
sys.exit(t.finish())
