"""The monolithic glass pillar with fracture on, prm/glass_fracture.prm
(issue 13, item 5: the three pillars with fracture to 30 %), on 1 rank,
with its Q2 elements replaced by the CI-sized numerics of plain Q1 cells
(`Formulation = Q1 F-bar`, `Plain Q1 materials = glass`: 14 s against
the prm's 8 min; Q1 locks a little, the peak is +0.7 % of Q2's and the
band's drop is shallower, docs/fracture.md). It must
1. complete its 30 % crosshead travel: status completed, the specimen
   strain growing at every step and past 29 % at the end (the machine
   spring takes the rest);
2. fail by its shear band, not by a crack, as the glass of experiments.md
   section 3 fails soon after yield: a load drop of at least 50 % from the
   peak by 6 % strain, while the damage stays zero at every row and the
   largest crack driving force stays below a tenth of AT1's threshold
   3 Gc/(16 l) (the orthogonal split keeps compression from driving it);
3. peak within 5 % of the measured 1.8 GPa (the calibration of
   prm/glass_pillar.prm; these numerics peak 1.4 % above it);
4. give the same curve with `Fracture/Model = none` (stress to 1e-9 of its
   largest value, the same steps): the damage field changes nothing where
   nothing damages.
~15 s per run.
"""
import re
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
src = (t.ROOT / "prm" / "glass_fracture.prm").read_text()
NUM = r"([0-9.eE+-]+)"
GC = float(re.search(r"set Critical energy release rate\s*=\s*glass:\s*" +
                     NUM, src).group(1))
ELL = float(re.search(r"set Regularisation length\s*=\s*" + NUM,
                      src).group(1))
THRESHOLD = 3. * GC / (16. * ELL)  # AT1's, from the prm's Gc and l


CI_NUMERICS = {"Finite element/Formulation": "Q1 F-bar",
               "Finite element/Plain Q1 materials": "glass"}


def run(name, overrides):
    text = src
    for entry, value in dict(CI_NUMERICS, **overrides, **{
            "Output directory": str(work / name)}).items():
        text = t.convergence.set_prm_entry(text, entry, str(value))
    prm = work / f"{name}.prm"
    prm.write_text(text)
    t.run(exe, prm)
    status = (work / name / "run_status.txt").read_text().strip()
    t.check(status == "completed", f"{name}: run status '{status}'")
    return t.curves.read_curve(work / name)


c = run("fracture", {})
strain, stress = np.asarray(c.strain), np.asarray(c.stress)
d = np.asarray(c.columns["max_damage"])
drive = np.asarray(c.columns["max_driving_force"])

# 1. the whole crosshead travel
t.check(bool(np.all(np.diff(strain) > 0.)) and strain[-1] > 0.29,
        f"completes: specimen strain {100 * strain[-1]:.2f} % at the end "
        f"(> 29 %), growing at every step")

# 2. a band, not a crack
ipk = int(np.argmax(stress))
early = (strain > strain[ipk]) & (strain <= 0.06)
low = float(np.min(stress[early])) if np.any(early) else stress[ipk]
t.check(low <= 0.5 * stress[ipk],
        f"load drop: {low:.0f} MPa by 6 % from the peak {stress[ipk]:.0f} "
        f"MPa ({100 * (1 - low / stress[ipk]):.0f} %, at least 50 %)")
t.check(float(np.max(d)) == 0. and float(np.max(drive)) < 0.1 * THRESHOLD,
        f"no damage (max d {np.max(d):.3g}); largest driving force "
        f"{np.max(drive):.3g} MPa against AT1's threshold {THRESHOLD:.3g}")

# 3. the calibrated yield
t.check(abs(stress[ipk] / 1800. - 1.) <= 0.05,
        f"peak {stress[ipk]:.0f} MPa against the measured 1800 MPa (5 %)")

# 4. fracture off: the same curve
c0 = run("none", {"Fracture/Model": "none"})
s0 = np.asarray(c0.stress)
same = len(s0) == len(stress) and \
    float(np.max(np.abs(s0 - stress))) <= 1e-9 * float(np.max(stress))
t.check(same, f"Fracture/Model = none: {len(s0)} rows against "
        f"{len(stress)}, the same stress to 1e-9")
sys.exit(t.finish())
