"""Newton controls of issue 16 on the J2 pillar (Q1 F-bar, ML/GMRES).

* Newton/Stagnation iterations: a step attempt whose residual has not
  halved over that many iterations fails at once and is cut back. Known
  answer: with a Newton tolerance below round-off (relative 1e-15,
  absolute 0) no plastic step can converge and the residual stalls at the
  round-off floor, so every attempt must end as 'stagnating' after fewer
  than 'Maximum iterations' iterations, until the increment falls below the
  minimum (exit 2, nothing unconverged written). With the default
  tolerances the entry must not change the curve (quadratic convergence
  halves the residual at every iteration).
* Linear solver/Adaptive tolerance (Eisenstat-Walker): the same curve as
  the fixed Krylov tolerance within the Newton tolerance, with fewer GMRES
  iterations in total (a finer axial mesh than j2_pillar.prm so that ML has
  more than one level and GMRES needs several iterations).
* Newton/Material fallbacks in line search = last trial only: J2 has no
  fallback integrations, so the curve is the default's exactly (the
  entry only refuses trial points that would need one; the laminate's
  case is the unit test LaminateRunaway.TrialEvaluationSkipsOnlyTheFallbacks);
  an unknown value exits 1 naming the entry."""
import re
import sys
import mp_test as t
from postprocess import curves

exe, work = t.args()
base = {"Geometry/Axial cells": 12, "Loading/Target strain": 0.004}


def summary(p, key):
    m = re.search(r"\b%s=(\S+)" % key, p.stdout)
    return float(m.group(1)) if m else float("nan")


runs = {}
for name, extra in (("default", {}),
                    ("stagnation", {"Newton/Stagnation iterations": 3}),
                    ("adaptive", {"Linear solver/Adaptive tolerance":
                                  "true"}),
                    ("quick", {"Newton/Material fallbacks in line search":
                               "last trial only"})):
    out = work / name
    o = dict(base, **extra)
    o["Output directory"] = str(out)
    prm = t.write_prm("j2_pillar.prm", work / f"{name}.prm", o)
    p = t.run(exe, prm)
    runs[name] = (curves.read_curve(out), p)

ref, p_ref = runs["default"]
smax = max(abs(s) for s in ref.stress)
for name in ("stagnation", "adaptive"):
    c, p = runs[name]
    t.check(len(c) == len(ref) and
            max(abs(a - b) for a, b in zip(c.stress, ref.stress)) <
            1e-6 * smax, f"{name}: the curve equals the default's "
            f"({len(c)} rows)")
t.check("failed" not in runs["stagnation"][1].stdout,
        "stagnation check: no step attempt failed on the quadratically "
        "converging pillar")
it_ref = summary(p_ref, "linear_iterations")
it_ad = summary(runs["adaptive"][1], "linear_iterations")
t.check(it_ref > 2 * summary(p_ref, "linear_solves"),
        f"the fixed tolerance needs several GMRES iterations per solve "
        f"({it_ref:.0f} in {summary(p_ref, 'linear_solves'):.0f} solves)")
t.check(it_ad < 0.8 * it_ref,
        f"adaptive tolerance: fewer GMRES iterations ({it_ad:.0f} vs "
        f"{it_ref:.0f})")

# The round-off floor: every plastic attempt stagnates.
out = work / "floor"
prm = t.write_prm("j2_pillar.prm", work / "floor.prm",
                  dict(base, **{"Output directory": str(out),
                                "Newton/Relative tolerance": 1e-15,
                                "Newton/Absolute tolerance": 0,
                                "Newton/Stagnation iterations": 3,
                                "Time stepping/Minimum strain increment":
                                1e-4}))
p = t.run(exe, prm, check=False)
t.check(p.returncode == 2, f"unreachable tolerance: exit code "
        f"{p.returncode} == 2")
fails = [line for line in p.stdout.splitlines() if "failed (" in line]
t.check(fails and all("stagnating Newton iteration" in f for f in fails),
        f"every failed attempt ({len(fails)}) stopped as stagnating")
t.check(all(int(re.search(r"after (\d+) iterations", f).group(1)) < 15
            for f in fails if "after" in f),
        "each stopped before Newton/Maximum iterations (15)")
c = curves.read_curve(out)
t.check(c.n_dropped_lines == 0, "no incomplete line in the curve")

quick = runs["quick"][0]
t.check(len(quick) == len(ref) and
        all(a == b for a, b in zip(quick.stress, ref.stress)),
        "last trial only: the J2 curve equals the default's exactly")
t.check_bad_input(exe, work, "j2_pillar.prm",
                  "Newton/Material fallbacks in line search", "never",
                  "never")
sys.exit(t.finish())
