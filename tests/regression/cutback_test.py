"""A failed Newton step is cut back, and a run that cannot go on stops
cleanly: exit code 2, run_status.txt 'stopped: ...', and every row of the
curve is a converged step.

Newton/Maximum iterations = 1 makes every plastic step fail; the increment
is cut back until it falls below the minimum."""
import sys
import mp_test as t
from postprocess import curves

exe, work = t.args()
out = work / "stop"
prm = t.write_prm("j2_pillar.prm", work / "stop.prm",
                  {"Output directory": str(out),
                   "Newton/Maximum iterations": 1,
                   "Newton/Line search": "false",
                   "Time stepping/Minimum strain increment": 1e-5})
p = t.run(exe, prm, check=False)
t.check(p.returncode == 2, f"exit code {p.returncode} == 2")
t.check("cutting the strain increment back" in p.stdout,
        "the failed step was cut back")
t.check("the run stopped" in p.stdout and "Minimum strain increment"
        in p.stdout, "the stop is reported with its reason")
status = (out / "run_status.txt").read_text()
t.check(status.startswith("stopped:"), f"status '{status.strip()[:60]}'")
c = curves.read_curve(out)
t.check(c.n_dropped_lines == 0, "no incomplete line in the curve")
iters = c.columns["newton_iterations"]
t.check(len(iters) >= 1 and max(iters) <= 1,
        f"every row converged within the 1 allowed iteration ({len(iters)} "
        "rows)")
t.check(max(c.columns["equivalent_plastic_strain"]) == 0,
        "no plastic (non-converged) step reached the curve")
sys.exit(t.finish())
