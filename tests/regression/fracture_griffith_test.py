"""Pre-cracked plane-strain strip against Griffith (issue 13, item 4b).

An edge crack of length a (Fracture/Initial crack: a damage band, d ~ 1
within l/2 of the segment) at mid-height of a strip W x H = 32 x 64 µm
(fracture_griffith.prm; elastic, E = 100 GPa, nu = 0.3, AT1, Gc = 0.01
MPa µm, l = 0.01 µm), pulled by frictionless grips (the ends stay level).
a = 20 l, 40 l, 80 l (a/W <= 0.025, so that the level grips, which the
handbook factor does not know, hardly matter). Each run has its own mesh
from meshes/fracture_strip.py: cells of h = l/2 in a window 4 l behind to
6 l ahead of the tip and 3 l either side of the crack plane, graded (ratio
2, "fine": 1.3) to 4 µm (about 1800 hexahedra, 1 cell through the
thickness; the direct solver, as AMG does poorly on the stretched cells
of a tensor-product grading).

LEFM (plane strain): the crack runs when K = sigma sqrt(pi a) F(a/W)
reaches K_c = sqrt(E Gc_eff / (1 - nu^2)); F is Tada's edge-crack factor
(Tada, Paris & Irwin, The Stress Analysis of Cracks Handbook; 1.12-1.13
here). On a mesh, the phase field's toughness is Gc_eff ~ Gc (1 + 3 h /
(8 l)) for AT1 (Bourdin's estimate, as in Tanne et al. 2018, JMPS 110).
Checks:
1. the 1/sqrt(a) law with a the segment's length: the peak stress times
   sqrt(pi a) F(a/W), the apparent K_c, is the same for the three a within
   5 % (over a factor 4 in a);
2. the pre-crack acts as a crack longer by some delta (its rounded end,
   the damage ahead of it, growth before the peak): a fit of
   (sigma F)^2 pi (a + delta) = K_c^2 through the three points must give
   0 <= delta <= 5 l, K_c constant within 1 % with a + delta, and a
   toughness K_c^2 (1 - nu^2)/E within 10 % of Gc_eff;
3. the apparent Gc of check 1 lies between 0.9 Gc and 1.5 Gc_eff.
The peak is found by the step control: a step in which the crack runs
away (the damage field does not settle in 20 staggered passes) is cut
back twice (increments of 5 %, fine: 2 %, of the LEFM critical strain
down to a quarter of that) and the run then stops (exit 2, "the damage
field did not settle"): the last converged step is below the critical
load by at most a quarter increment (1.25 %, fine 0.5 %). Each run must
end so (the crack does run away); its largest force is the peak.
"""
import math
import subprocess
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
E, nu, Gc, ell = 1e5, 0.3, 0.01, 0.01
W, H, thick = 32., 64., 0.05
h = ell / 2
Ep = E / (1 - nu ** 2)
Gc_eff = Gc * (1 + 3 * h / (8 * ell))


def tada(alpha):
    b = math.pi * alpha / 2
    return math.sqrt(math.tan(b) / b) * \
        (0.752 + 2.02 * alpha + 0.37 * (1 - math.sin(b)) ** 3) / math.cos(b)


# The CI run: increments of 5 % of the LEFM strain; "fine": 2 % and a
# gentler grading.
fine = len(sys.argv) > 3 and sys.argv[3] == "fine"
lengths, step = (20, 40, 80), (0.02 if fine else 0.05)
rows = []
for k in lengths:
    a = k * ell
    tip = -W / 2 + a
    mesh = work / f"a{k}.msh"
    subprocess.run(["/usr/bin/python3", str(t.ROOT / "meshes" /
                                            "fracture_strip.py"),
                    str(mesh), "--width", str(W), "--height", str(H),
                    "--thickness", str(thick), "--h", str(h),
                    "--window", str(tip - 4 * ell), str(tip + 6 * ell),
                    str(H / 2 - 3 * ell), str(H / 2 + 3 * ell),
                    "--ratio", "1.3" if fine else "2", "--hmax", "4"],
                   check=True)
    # strain at the LEFM critical load (Gc_eff): increments of 2 % of it
    eps = math.sqrt(Ep * Gc_eff / (math.pi * a)) / tada(a / W) / Ep
    out = work / f"a{k}"
    prm = t.write_prm(
        "fracture_griffith.prm", work / f"a{k}.prm",
        {"Output directory": str(out),
         "Geometry/Mesh file": str(mesh),
         "Fracture/Initial crack":
             f"{-W / 2 - ell:.10g}, 0, {H / 2:.10g}, "
             f"{tip:.10g}, 0, {H / 2:.10g}",
         "Loading/Target strain": f"{1.2 * eps:.6g}",
         "Time stepping/Initial strain increment": f"{step * eps:.6g}",
         "Time stepping/Maximum strain increment": f"{step * eps:.6g}",
         "Time stepping/Minimum strain increment": f"{step * eps / 4:.6g}"})
    r = t.run(exe, prm, check=False)
    status = (out / "run_status.txt").read_text().strip()
    t.check(r.returncode == 2 and "damage field did not settle" in status,
            f"a = {a:.2f}: the crack runs away at the peak (exit "
            f"{r.returncode}, {status[:120]})")
    c = curves.read_curve(out)
    force = np.abs(c.columns["force"])
    i = int(np.argmax(force))
    sigma = force[i] / (W * thick)
    Kc = sigma * math.sqrt(math.pi * a) * tada(a / W)
    rows.append((a, sigma, Kc))
    print(f"a = {a:.3f} µm (a/l = {k}, a/W = {a / W:.4f}, F = "
          f"{tada(a / W):.4f}): peak {sigma:.3f} MPa at strain "
          f"{abs(c.strain[i]):.3e} (LEFM with Gc_eff {eps:.3e}), "
          f"K_c = {Kc:.4f} MPa sqrt(µm), apparent Gc "
          f"{Kc ** 2 / Ep:.5f}, {len(c)} steps")

K = np.array([r[2] for r in rows])
t.check(np.max(np.abs(K / K.mean() - 1)) <= 0.05,
        "peak stress x sqrt(pi a) F(a/W) the same over a factor 4 in a "
        f"within 5 %: " + ", ".join(f"{k / K.mean():.4f}" for k in K))
a_s = np.array([r[0] for r in rows])
Fs = np.array([tada(x / W) for x in a_s])
slope = np.polyfit(np.log(a_s), np.log(np.array([r[1] for r in rows]) * Fs),
                   1)[0]
print(f"exponent of (peak stress x F) against a: {slope:.4f} (Griffith "
      f"-0.5)")
# The pre-crack acts as a crack longer by delta (the band's rounded end,
# the damage tail ahead of it, stable growth before the peak): fit
# sigma^2 F^2 pi (a + delta) = K^2 through the three points.
sF2 = np.array([(r[1] * tada(r[0] / W)) ** 2 for r in rows])
A = np.vstack([1. / sF2, -np.ones(3)]).T  # (K^2/pi) / (sigma F)^2 - delta = a
(Kpi, delta), *_ = np.linalg.lstsq(A, a_s, rcond=None)
K_fit = np.sqrt(np.pi * Kpi)
K_eff = np.array([r[1] * tada(r[0] / W) * math.sqrt(math.pi * (r[0] + delta))
                  for r in rows])
print(f"fit: delta = {delta:.4f} µm = {delta / ell:.2f} l, K_c = "
      f"{K_fit:.3f}, apparent Gc {K_fit ** 2 / Ep / Gc:.3f} Gc = "
      f"{K_fit ** 2 / Ep / Gc_eff:.3f} Gc_eff; K with a + delta: "
      + ", ".join(f"{k / K_eff.mean():.4f}" for k in K_eff))
t.check(0. <= delta <= 5 * ell and
        np.max(np.abs(K_eff / K_eff.mean() - 1)) <= 0.01 and
        abs(K_fit ** 2 / Ep / Gc_eff - 1) <= 0.1,
        f"with a + delta (delta = {delta / ell:.2f} l, within [0, 5 l]) "
        f"K_c is constant within 1 % and the toughness is Gc_eff within "
        f"10 % ({K_fit ** 2 / Ep / Gc_eff:.3f})")
Gapp = K.mean() ** 2 / Ep
t.check(0.9 * Gc <= Gapp <= 1.5 * Gc_eff,
        f"apparent Gc {Gapp:.5f} = {Gapp / Gc:.3f} Gc = "
        f"{Gapp / Gc_eff:.3f} Gc_eff (Gc_eff = {Gc_eff / Gc:.4f} Gc)")
sys.exit(t.finish())
