"""Phase-field fracture on the mesh (issue 13, item 4, parts a, c, d, e).

The homogeneous bar (fracture_bar.prm: nu = 0, elastic, frictionless
grips), pulled:
(a) its peak stress equals the analytic AT2 value (9/16) sqrt(E Gc/(3 l))
    and AT1 value sqrt(3 E Gc/(8 l)) within 1 %, on 1 and 2 ranks, and the
    2-rank curve (stress and max damage) equals the 1-rank one to 1e-8;
(c) compressed, the volumetric-deviatoric split leaves only the deviatoric
    energy sigma^2/(6G) to drive the crack: with AT1 the bar stays intact
    (max damage 0) up to |sigma| = sqrt(9 E Gc/(16 l)), 1.22 times the
    tensile peak, and starts to crack there (within 2 %); without the split
    it would crack at the tensile peak;
(d) irreversibility: loaded past the peak and unloaded, the damage never
    decreases;
(e) restart: a run killed after a checkpoint and restarted ends with the
    same curve, damage columns included (1e-10), for AT2 and for AT1 (whose
    bound-constrained solve needs the checkpointed d).
Bad fracture input is in bad_input_test.py's spirit: here, l <= 0, Gc <= 0,
NaN Gc, an unknown material and a malformed Initial crack (five numbers,
NaN, a word, zero length) exit 1 naming the entry; l below the smallest
cell of the cracking materials prints one warning naming the entry (the
bar: l = 0.05 µm, cells of 0.1-0.25 µm), and no warning when l is above
the cells.
"""
import math
import subprocess
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
E, Gc, ell = 1e5, 0.01, 0.05
G = E / 2.  # nu = 0


def run(name, overrides, n=1):
    return t.simulate(exe, work, name, "fracture_bar.prm", overrides, n)


# (a) peak stresses
peaks = {"AT2": 9. / 16. * math.sqrt(E * Gc / (3 * ell)),
         "AT1": math.sqrt(3 * E * Gc / (8 * ell))}
# AT1 is elastic up to its peak and then drops at once: fine increments
# (0.6 % of the peak strain) so that the last intact step is within 1 %.
fine = {"Loading/Target strain": 0.0012,
        "Time stepping/Initial strain increment": 5e-6,
        "Time stepping/Maximum strain increment": 5e-6}
for model, expected in peaks.items():
    c1 = run(f"{model}_np1",
             dict({"Fracture/Model": model}, **(fine if model == "AT1" else {})))
    peak = np.max(-c1.stress)
    t.check(abs(peak - expected) <= 0.01 * expected,
            f"{model}: peak {peak:.3f} MPa vs analytic {expected:.3f} "
            f"({100 * (peak / expected - 1):+.2f} %)")
    t.check(c1.columns["max_damage"][-1] > 0.4,
            f"{model}: the bar is cracking (max damage "
            f"{c1.columns['max_damage'][-1]:.3f})")
    c2 = run(f"{model}_np2",
             dict({"Fracture/Model": model}, **(fine if model == "AT1" else {})),
             n=2)
    same = len(c1) == len(c2) and \
        np.max(np.abs(c1.stress - c2.stress)) <= 1e-8 * np.max(np.abs(c1.stress)) \
        and np.max(np.abs(c1.columns["max_damage"] -
                          c2.columns["max_damage"])) <= 1e-8
    t.check(same, f"{model}: 2 ranks give the 1-rank curve and damage")

# crack onset in the run summary: AT2's homogeneous d reaches 0.95 at
# H = 9.5 Gc/l, i.e. |strain| = sqrt(19 Gc/(l E)); the summary names the
# first step at or past it (increments of 2e-4).
prm = t.write_prm("fracture_bar.prm", work / "onset.prm",
                  {"Fracture/Model": "AT2",
                   "Output directory": str(work / "onset")})
log = t.run(exe, prm).stdout
# l = 0.05 µm is below every cell of the bar (0.1-0.25 µm): exact for the
# homogeneous bar, but the run must say so (one warning naming the entry).
warnings = [w for w in log.splitlines() if w.startswith("Warning:")]
t.check(len(warnings) == 1 and
        "Fracture/Regularisation length = 0.05" in warnings[0],
        f"l below the smallest cell: warned ({warnings})")
prm = t.write_prm("fracture_bar.prm", work / "resolved.prm",
                  {"Fracture/Model": "AT2",
                   "Fracture/Regularisation length": 0.3,
                   "Loading/Target strain": 2e-4,
                   "Output directory": str(work / "resolved")})
log_resolved = t.run(exe, prm).stdout
t.check("Warning:" not in log_resolved,
        "l = 0.3 µm above the cells: no warning")
summary = [l for l in log.splitlines() if l.startswith("run_summary:")]
items = dict(i.split("=", 1) for i in summary[-1].split()[1:] if "=" in i) \
    if summary else {}
onset = abs(float(items.get("crack_onset_strain", "nan")))
expected = math.sqrt(19 * Gc / (ell * E))
t.check(expected <= onset <= expected + 2e-4 + 1e-12,
        f"crack onset |strain| {onset} at the first step past the analytic "
        f"{expected:.5f}")

# (c) compression: AT1 onset at sqrt(9 E Gc / (16 l))
cc = run("AT1_compression", {"Fracture/Model": "AT1",
                             "Loading/Direction": "compression",
                             "Loading/Target strain": 0.004,
                             "Time stepping/Initial strain increment": 2e-5,
                             "Time stepping/Maximum strain increment": 2e-5})
onset = math.sqrt(9 * E * Gc / (16 * ell))
d = cc.columns["max_damage"]
intact = cc.stress[d == 0.]
first = np.argmax(d > 0.)
t.check(np.max(intact) >= 0.98 * onset and d[-1] > 0.,
        f"compression: intact up to {np.max(intact):.2f} MPa "
        f"({np.max(intact) / peaks['AT1']:.2f} x the tensile peak), "
        f"expected onset {onset:.2f} MPa")
t.check(first > 0 and abs(cc.stress[first - 1] - onset) <= 0.02 * onset,
        f"compression: damage starts after {cc.stress[first - 1]:.2f} MPa "
        f"(expected {onset:.2f}, within 2 %)")

# (d) irreversibility under unloading
cu = run("AT2_unload", {"Fracture/Model": "AT2",
                        "Loading/Target strain": 0.0016,
                        "Loading/Unload": "true"})
d = cu.columns["max_damage"]
t.check(np.all(np.diff(d) >= -1e-12) and d[-1] > 0.5,
        f"unloading: damage never decreases (final {d[-1]:.3f}, "
        f"{len(d)} rows)")

# (e) restart


def restarted_same(model, increment, target, rows):
    """Run, then run again killed after @p rows rows and restarted: the
    same curve and damage (1e-10)?"""
    base = {"Fracture/Model": model, "Checkpoint/Interval": 5,
            "Time stepping/Maximum strain increment": increment,
            "Time stepping/Initial strain increment": increment,
            "Loading/Target strain": target}
    ref = run(f"restart_reference_{model}", base)
    out = work / f"killed_{model}"
    prm = t.write_prm("fracture_bar.prm", work / f"killed_{model}.prm",
                      dict(base, **{"Output directory": str(out)}))
    r = t.kill_and_restart(exe, prm, out, rows)
    c = curves.read_curve(out)
    same = r.returncode == 0 and len(c) == len(ref) and \
        np.max(np.abs(c.stress - ref.stress)) <= \
        1e-10 * np.max(np.abs(ref.stress)) and \
        np.max(np.abs(c.columns["max_damage"] -
                      ref.columns["max_damage"])) <= 1e-10
    return same, ref.columns["max_damage"][-1]


same, _ = restarted_same("AT2", 1e-4, 0.004, 22)
t.check(same, "killed and restarted: the same curve and damage")
# AT1 (the bound-constrained solve: d of the last step is its lower bound,
# so d itself is checkpointed): killed before the crack, restarted through
# it
same, final = restarted_same("AT1", 5e-5, 0.0016, 12)
t.check(same and final > 0.5, "AT1 killed before the crack and restarted: "
        f"the same curve and damage (final max d {final:.3f})")

# bad input
for entry, value, named in (
        ("Fracture/Regularisation length", "0", "Regularisation length"),
        ("Fracture/Critical energy release rate", "bar: -1", "bar"),
        ("Fracture/Critical energy release rate", "bar: nan", "nan"),
        ("Fracture/Critical energy release rate", "rock: 1", "rock"),
        # per phase of a laminate (the bar is not one)
        ("Fracture/Critical energy release rate", "bar/crystal: 1",
         "bar/crystal"),
        ("Fracture/Critical energy release rate", "bar/steel: 1",
         "bar/steel"),
        ("Fracture/Critical energy release rate", "bar: 1, bar/glass: 1",
         "bar/glass"),
        ("Fracture/Critical energy release rate", "bar/glass: nan", "nan"),
        ("Fracture/Initial crack", "0, 0, 0.5, 0.1, 0", "six numbers"),
        ("Fracture/Initial crack", "0, 0, 0.5, nan, 0, 0.5", "nan"),
        ("Fracture/Initial crack", "0, 0, 0.5, 0, 0, 0.5", "zero length"),
        ("Fracture/Initial crack", "0, 0, 0.5, 0.1, 0, x", "<x>"),
        ("Fracture/Broken phase degradation", "1.5", "1.5"),
        ("Fracture/Broken phase degradation", "-0.1", "-0.1")):
    prm = t.write_prm("fracture_bar.prm", work / "bad.prm",
                      {"Fracture/Model": "AT2", entry: value,
                       "Output directory": str(work / "bad")})
    b = subprocess.run([str(exe), str(prm)], capture_output=True, text=True,
                       timeout=60)
    msg = b.stderr.strip().splitlines()
    t.check(b.returncode == 1 and len(msg) == 1 and
            entry.split("/")[1] in msg[0] and named in msg[0],
            f"{entry} = {value}: exit {b.returncode}, {msg}")
sys.exit(t.finish())
