"""Step control 'Time stepping/Maximum volume loss per step' (issue 15,
edge robustness; docs/contact.md): a converged step in which det F of a
quadrature point falls below (1 - limit) times its last converged value is
cut back.

Known answer: the J2 test pillar with frictionless punch and bottom, kept
elastic (to 0.2 %), is in homogeneous uniaxial compression, so every point
loses the volume fraction (1 - 2 nu) de per step (nu = 0.3: 0.4 de, to
first order). With the limit 1.2e-4 a step may be at most 3e-4: the run
starting at 5e-4 must cut back, every accepted increment must be <= 3e-4
(+1 % for the second-order terms), and the end point must equal that of the
run without the check (elastic: path-independent) to 1e-9. With the
default limit (0.5) nothing is cut back and the curve is the run without
the check (1) exactly. A limit that cannot be met above the minimum
increment stops the run (exit 2) with the entry and the cell named."""
import re
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
base = {"Loading/Target strain": 0.002,
        "Time stepping/Initial strain increment": 5e-4,
        "Time stepping/Maximum strain increment": 5e-4}
runs = {}
for name, limit in (("off", "1"), ("default", None), ("limited", "1.2e-4")):
    over = dict(base)
    over["Output directory"] = str(work / name)
    if limit is not None:
        over["Time stepping/Maximum volume loss per step"] = limit
    prm = t.write_prm("j2_pillar.prm", work / f"{name}.prm", over)
    p = t.run(exe, prm)
    m = re.search(r"volume_cutbacks=(\d+)", p.stdout)
    runs[name] = (curves.read_curve(work / name), int(m.group(1)) if m else -1)

c_off, _ = runs["off"]
c_def, n_def = runs["default"]
c_lim, n_lim = runs["limited"]
t.check(n_def == 0, f"default limit: {n_def} volume cutbacks (0)")
t.check(len(c_def.strain) == len(c_off.strain) and
        np.array_equal(c_def.stress, c_off.stress),
        "default limit: the curve of the run without the check, exactly")
t.check(n_lim > 0, f"limit 1.2e-4: {n_lim} volume cutbacks (> 0)")
de = np.diff(c_lim.strain)
t.check(de.max() <= 1.2e-4 / 0.4 * 1.01,
        f"limit 1.2e-4: largest accepted increment {de.max():.3e} <= 3e-4")
t.check(abs(c_lim.strain[-1] - 0.002) < 1e-12 and
        abs(c_lim.stress[-1] / c_off.stress[-1] - 1) < 1e-9,
        f"limit 1.2e-4: end stress {c_lim.stress[-1]:.9g} MPa vs "
        f"{c_off.stress[-1]:.9g} MPa without the check (1e-9)")

# A limit that no increment above the minimum can meet: a clean stop.
over = dict(base)
over.update({"Output directory": str(work / "stop"),
             "Time stepping/Maximum volume loss per step": "1e-7",
             "Time stepping/Minimum strain increment": 1e-5})
p = t.run(exe, t.write_prm("j2_pillar.prm", work / "stop.prm", over),
          check=False)
t.check(p.returncode == 2, f"unmeetable limit: exit code {p.returncode} (2)")
t.check("Maximum volume loss per step" in p.stdout and "in the cell at"
        in p.stdout, "the stop names the entry and the cell")
status = (work / "stop" / "run_status.txt").read_text()
t.check(status.startswith("stopped:"), f"status '{status.strip()[:50]}'")
sys.exit(t.finish())
