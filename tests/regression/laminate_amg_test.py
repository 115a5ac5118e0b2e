"""The ML-preconditioned GMRES solve on a resolved laminate (issue 16).

The resolved laminate of laminate_resolved.prm (D = 0.3 µm, H = 0.6 µm, 40
layers of 18 nm crystal / 12 nm glass, one cell per layer, HCP single
crystal and glass) on the 48-cell cross-section (Lateral refinement = 1:
1920 cells, 7 995 DoFs, so that ML builds more than one level; 'coarse:
max size' is 2000), to 1.2 % strain in 0.2 % steps (elastic, then the glass
yields), solved three ways:
  direct, 1 rank (Amesos MUMPS)                        -- the reference;
  ML with ILU smoothers, 1 rank, a hierarchy per solve -- the laminate
                                                          setting;
  the same on N ranks (default 2; the optional third argument, e.g. 8,
  oversubscribed) with AMG setup reuse = 10 and AMG smoother overlap = 1
                                                       -- rank count, reuse
                                                          and overlap.
Checks (tolerances and why):
* every run completes, without direct fallbacks;
* the AMG curves equal the direct one to 1e-6 (relative, max over the
  steps): GMRES stops at a relative residual of 1e-8 and Newton at its
  tolerance, so the curves may differ at that level, not more (measured:
  see the printed differences);
* the N-rank curve equals the 1-rank curve to the same 1e-6;
* Krylov iterations per solve <= 15 on 1 rank (measured 5.6; the default
  Chebyshev smoother needs ~55 here, so the bound fails if the ILU
  smoother is not used);
* with reuse the N-rank run builds fewer hierarchies than it has solves
  (the reuse happens) and still converges.
* on 2 ranks with overlap 1, Krylov iterations per solve <= 15
  (measured 9.1; without overlap 25.6, so the bound fails if the overlap
  is not applied).
* AMG fallback smoother (1 rank): with the default Chebyshev smoother and
  at most 20 GMRES iterations (it needs ~55) the first solve fails; with
  'AMG fallback smoother = ILU' that system and all later ones are solved
  with ILU hierarchies: exactly one smoother fallback, no direct
  fallback, the curve equal to the direct one to 1e-6.
Measured (2026-12-02): all three curves equal to the 12 digits of
stress_strain.csv, on 2 and on 8 ranks; without overlap 8 ranks need 68
GMRES iterations per solve against 5.6 on one and 25.6 on two (ILU is
local to each rank: ~1 k DoFs per rank on 8); with overlap 1, 2 ranks
need 9.1 (8 ranks with overlap: not measured).
ctest runs N = 2; the 8-rank check is
    /usr/bin/python3 tests/regression/laminate_amg_test.py \
        build/micropillar /tmp/laminate_amg8 8
"""
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
n_par = int(sys.argv[3]) if len(sys.argv) > 3 else 2
base = {"Geometry/Lateral refinement": 1,
        "Loading/Target strain": 0.012}


def summary(proc):
    line = [l for l in proc.stdout.splitlines()
            if l.startswith("run_summary:")][-1]
    return {k: float(v) for k, v in
            (w.split("=", 1) for w in line.split()[1:] if "=" in w)}


def run(name, n_ranks, overrides):
    out = work / name
    o = dict(base)
    o.update(overrides)
    o["Output directory"] = str(out)
    prm = t.write_prm("laminate_resolved.prm", work / f"{name}.prm", o)
    p = t.run(exe, prm, n_ranks)
    status = (out / "run_status.txt").read_text().strip()
    t.check(status == "completed", f"{name}: run status is '{status}'")
    return t.curves.read_curve(out), summary(p)


ref, s_ref = run("direct", 1, {"Linear solver/Method": "direct"})
amg, s_amg = run("amg_np1", 1, {"Linear solver/Method": "AMG",
                                "Linear solver/AMG smoother": "ILU"})
amg8, s_amg8 = run(f"amg_np{n_par}_reuse", n_par, {"Linear solver/Method": "AMG",
                                        "Linear solver/AMG smoother": "ILU",
                                        "Linear solver/AMG setup reuse": 10,
                                        "Linear solver/AMG smoother overlap": 1})

fb, s_fb = run("amg_fallback_smoother", 1, {
    "Linear solver/Method": "AMG",
    "Linear solver/AMG smoother": "Chebyshev",
    "Linear solver/Maximum iterations": 20,
    "Linear solver/AMG fallback smoother": "ILU"})


def max_rel(a, b):
    n = min(len(a.stress), len(b.stress))
    t.check(len(a.stress) == len(b.stress),
            f"same number of steps ({len(a.stress)} vs {len(b.stress)})")
    scale = np.max(np.abs(b.stress[:n]))
    return np.max(np.abs(a.stress[:n] - b.stress[:n])) / scale


d1 = max_rel(amg, ref)
d8 = max_rel(amg8, amg)
t.check(d1 < 1e-6, f"AMG (1 rank) vs direct: max |d stress| / max stress "
        f"= {d1:.2e} (tol 1e-6)")
t.check(d8 < 1e-6, f"AMG {n_par} ranks (reuse 10) vs AMG 1 rank: {d8:.2e} "
        f"(tol 1e-6)")
dfb = max_rel(fb, ref)
t.check(dfb < 1e-6, f"fallback smoother vs direct: {dfb:.2e} (tol 1e-6)")
t.check(s_fb["smoother_fallbacks"] == 1,
        f"Chebyshev (<= 20 iterations) -> ILU: one smoother fallback, then "
        f"ILU kept ({s_fb['smoother_fallbacks']:.0f})")
for name, s in (("amg_np1", s_amg), (f"amg_np{n_par}_reuse", s_amg8),
                ("amg_fallback_smoother", s_fb)):
    t.check(s["direct_fallbacks"] == 0, f"{name}: no direct fallbacks "
            f"({s['direct_fallbacks']:.0f})")
per = s_amg["linear_iterations"] / s_amg["linear_solves"]
t.check(per <= 15, f"1 rank: {per:.1f} Krylov iterations per solve (<= 15)")
per8 = s_amg8["linear_iterations"] / s_amg8["linear_solves"]
print(f"info:   {n_par} ranks with reuse: {per8:.1f} Krylov iterations per solve, "
      f"{s_amg8['amg_setups']:.0f} hierarchies for "
      f"{s_amg8['linear_solves']:.0f} solves")
if n_par == 2:
    t.check(per8 <= 15, f"2 ranks, overlap 1: {per8:.1f} Krylov "
            f"iterations per solve (<= 15; 25.6 without overlap)")
t.check(0 < s_amg8["amg_setups"] < s_amg8["linear_solves"],
        f"{n_par} ranks, AMG setup reuse = 10: fewer hierarchies than solves")
sys.exit(t.finish())
