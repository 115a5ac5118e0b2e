"""Step control by the damage change (issue 13; Time stepping/Target damage
change per step): after a converged step whose damage changed by c (max
|d - d_old| over the nodes), the next increment is the step's times
min(target / c, growth), never below Minimum strain increment.

The AT1 bar behind the machine spring of fracture_viscous_test.py
(Fracture/Viscosity = 0.01 MPa s), now with increments allowed to grow
from 2e-5 to 2e-4 (dt 0.02 to 0.2 s). Without the rule the bar's damage
jumps by ~0.76 in one step once the viscous crack runs. Known answers:
1. the rule itself, on every row: dt_{n+1} <= dt_n min(target / dd_n, 1.5)
   with dd_n the step's change of max d (<= the nodal change the rule
   uses, so the bound holds with it);
2. the crack is followed in steps: after the first damaged step (sized
   before any damage), no step moves max d by more than 2 target, and the
   bar still breaks (max d > 0.95 at the end);
3. the increment grows back after the break: the last steps' dt is at
   least 10x the smallest dt of the crack;
4. the damage rows with their own dt (0.2 s down to 0.033 s) still follow
   the one-point backward-Euler recursion (v_n = eta / dt_n) up to
   d = 0.35, within 1e-5 (beyond, the softening homogeneous state drifts
   into localisation, its error growing ~5x per step: 2e-8, 2e-7, 9e-7,
   5e-6, then 3e-3 at d = 0.45; a wrong dt in the damage equation would
   miss by ~0.05);
5. 2 ranks give the same number of steps, dt to 1e-4 relative, max d to
   1e-6 and the stress to 1e-6 of its peak (measured 4e-6, 3e-7, 2e-7:
   the damage solve's tolerance, amplified in the unstable softening,
   moves the next step's size);
6. target 0 is the default: the same csv as a run without the entry.
Bad values of the entry exit 1 naming it.
"""
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
GC, L, ETA = 0.01, 0.05, 0.01
TARGET = 0.05
spring = {"Loading/Machine stiffness": 4e4,
          "Fracture/Model": "AT1",
          "Fracture/Viscosity": ETA,
          "Loading/Target strain": 0.0019,
          "Time stepping/Initial strain increment": 2e-5,
          "Time stepping/Maximum strain increment": 2e-4}
ENTRY = "Time stepping/Target damage change per step"


def sim(name, overrides, n_ranks=1):
    return t.simulate(exe, work, name, "fracture_bar.prm",
                      dict(spring, **overrides), n_ranks)


c = sim("controlled", {ENTRY: TARGET})
d, dt = c.columns["max_damage"], c.columns["dt"]
dd = np.diff(d)

# 1. the rule on every row.
worst = 0.
for n in range(1, len(c) - 1):
    if dd[n - 1] > 0.:
        bound = dt[n] * min(TARGET / dd[n - 1], 1.5)
        worst = max(worst, dt[n + 1] / bound)
t.check(0. < worst <= 1. + 1e-9,
        f"every step after a damage change is at most the rule's size "
        f"(largest ratio to the bound {worst:.6f})")

# 2. followed in steps, and broken.
first = int(np.argmax(dd > 0.))
jump = float(np.max(dd[first + 1:]))
running = int(np.sum((d > 0.05) & (d < 0.9)))
t.check(jump <= 2 * TARGET and d[-1] > 0.95,
        f"after the first damaged step (change {dd[first]:.3f}) no step "
        f"moves max d by more than {jump:.3f} (bound {2 * TARGET}); "
        f"{running} steps with 0.05 < d < 0.9; end d {d[-1]:.3f}")

# 3. grows back.
crack = (d > 0.05) & (d < 0.95)
dt_crack = float(np.min(dt[crack]))
dt_end = float(np.max(dt[-3:]))
t.check(dt_end >= 10 * dt_crack,
        f"the increment grows back after the break: dt {dt_end:.3g} s at "
        f"the end, {dt_crack:.3g} s at its smallest in the crack")

# 4. the recursion with each row's own dt.
H = c.columns["max_driving_force"]
err, rows = 0., 0
for n in range(1, len(c)):
    if d[n - 1] > 0.35:
        continue
    v = ETA / dt[n]
    pred = (2 * H[n] - 3 * GC / (8 * L) + v * d[n - 1]) / (2 * H[n] + v)
    pred = min(max(pred, d[n - 1]), 1.)
    err = max(err, abs(d[n] - pred))
    rows += d[n] > 0.
t.check(err <= 1e-5 and rows >= 3,
        f"AT1 rows up to d = 0.35 follow the recursion with their own dt "
        f"within {err:.1e} ({rows} damaged rows)")

# 5. rank independence.
c2 = sim("controlled_2", {ENTRY: TARGET}, 2)
same_steps = len(c2) == len(c)
ddt = float(np.max(np.abs(c2.columns["dt"][1:] / dt[1:] - 1.))) \
    if same_steps else np.inf
dd2 = float(np.max(np.abs(c2.columns["max_damage"] - d))) \
    if same_steps else np.inf
ds2 = float(np.max(np.abs(c2.stress - c.stress)) /
            np.max(np.abs(c.stress))) if same_steps else np.inf
t.check(same_steps and ddt <= 1e-4 and dd2 <= 1e-6 and ds2 <= 1e-6,
        f"2 ranks: {len(c2)} steps (1 rank {len(c)}), dt within {ddt:.1e} "
        f"relative, max d within {dd2:.1e}, stress within {ds2:.1e} of "
        f"its peak")

# 6. target 0 is the default.
plain = sim("plain", {})
zero = sim("zero", {ENTRY: 0})
t.check(len(zero) == len(plain) and
        np.array_equal(zero.columns["dt"], plain.columns["dt"]) and
        np.array_equal(zero.stress, plain.stress),
        f"{ENTRY} = 0 gives the default run's curve exactly "
        f"(largest step change there "
        f"{float(np.max(np.diff(plain.columns['max_damage']))):.3f})")

for value in ("-1", "1.5", "nan"):
    t.check_bad_input(exe, work, "fracture_bar.prm", ENTRY, value, value)
sys.exit(t.finish())
