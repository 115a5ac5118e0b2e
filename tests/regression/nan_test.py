"""NaN never reaches the output: a NaN injected into the first Newton update
of step 3 (test hook MICROPILLAR_TEST_INJECT_NAN_AT_STEP) makes that step
fail and be cut back; the run completes and its curve is finite and equal
to that of a clean run at the shared strains."""
import sys
import os

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
clean = t.simulate(exe, work, "clean", "j2_pillar.prm", {})
out = work / "nan"
prm = t.write_prm("j2_pillar.prm", work / "nan.prm",
                  {"Output directory": str(out)})
os.environ["MICROPILLAR_TEST_INJECT_NAN_AT_STEP"] = "3"
p = t.run(exe, prm, check=False)
del os.environ["MICROPILLAR_TEST_INJECT_NAN_AT_STEP"]
t.check(p.returncode == 0, f"exit code {p.returncode}")
t.check("step 3 failed" in p.stdout, "step 3 failed and was cut back")
text = (out / "stress_strain.csv").read_text().lower()
t.check("nan" not in text and "inf" not in text, "no NaN or Inf in the CSV")
c = curves.read_curve(out)
t.check(np.all(np.isfinite(c.stress)), "finite stresses")
# compare at the strains both runs reached (the cut step adds points)
common = [(a, b) for sa, a in zip(clean.strain, clean.stress)
          for sb, b in zip(c.strain, c.stress) if abs(sa - sb) < 1e-12 and sa]
rel = max(abs(a - b) / abs(a) for a, b in common)
t.check(len(common) >= 3 and rel < 1e-6,
        f"same curve as the clean run at {len(common)} shared strains "
        f"({rel:.1e})")
sys.exit(t.finish())
