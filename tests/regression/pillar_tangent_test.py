"""Taylor test of the assembled pillar tangent (Newton's K) against the
residual it linearises, on the most coupled pillar the code has: the
homogenised laminate (crystal with per-step sub-stepping and the HCP->FCC
transformation, free-volume glass) with per-phase damage of its crystal,
Q1 F-bar, the Coulomb punch and the machine spring
(prm/laminate_fracture_viscous.prm on 48 cells, with its spectral split and
with the orthogonal one (the crystal's own rotated stiffness, carried by
the step's rotation), the crystal's Gc lowered to
0.05 MPa um (0.02 with the orthogonal split) so that the damage grows from the first plastic steps; a test
setting, not a calibration).

MICROPILLAR_DEBUG_TANGENT_FD=restore (solver/newton.cc) evaluates, at every
Newton iterate u with direction du (K du = -R(u)), the ratio
    |R(u + h du) - (1 - h) R(u)| / (h |R(u)|),   h = 1, 0.1, ..., 1e-6,
every evaluation starting from the points' states at u. Asserted, at every
iterate with |R| well above round-off:
- R is reproduced by a second evaluation at u ("h=0": within 1e-9 uN,
  round-off);
- from the first decade of h in which the ratio falls 5x on, it falls at
  least 5x per decade until the difference reaches the round-off floor,
  and there is such a decade (first order: the tangent is consistent; a
  missing or wrong term leaves the ratio flat, a residual that jumps with
  F makes it grow as 1/h), at every iterate but the first (the punch
  touching the top face: below);
- no quadrature point's stress changes by more at h = 1e-6 than 0.3 x its
  change at h = 1e-5 ("stress not continuous in F", which the hook prints).
"""
import os
import re
import sys

import mp_test as t

exe, work = t.args()
os.environ["MICROPILLAR_DEBUG_TANGENT_FD"] = "restore"
def check_split(split, gc):
    out = work / f"lam_{split}"
    prm = work / f"lam_{split}.prm"
    text = (t.ROOT / "prm" / "laminate_fracture_viscous.prm").read_text()
    for entry, value in {
            "Output directory": str(out),
            "Geometry/Axial cells": 4,
            "Loading/Target strain": 0.012,
            "Fracture/Critical energy release rate": f"laminate/crystal: {gc}",
            "Output/Field output interval": 0,
            "Output/Verbose": "true",
            "Fracture/Energy split": split}.items():
        text = t.convergence.set_prm_entry(text, entry, str(value))
    prm.write_text(text)
    p = t.run(exe, prm)
    t.check((out / "run_status.txt").read_text().strip() == "completed",
            "the run completed")
    curve = t.curves.read_curve(out)
    t.check(curve.columns["max_damage"][-1] > 0.01,
            f"the crystal is damaged (max d {curve.columns['max_damage'][-1]:.3f})")

    # each check follows the "Newton k: |R| = ..." line of its iterate
    lines, norms, norm = [], [], None
    for line in p.stdout.splitlines():
        m = re.search(r"Newton \d+: \|R\| = (\S+)", line)
        if m:
            norm = float(m.group(1))
        elif "tangent check" in line and norm is not None:
            lines.append(line)
            norms.append(norm)
    t.check(len(lines) >= 8, f"{len(lines)} Newton iterates checked")
    t.check("not continuous" not in p.stdout,
            "no point's stress jumps with F")
    # Round-off: |R(u + h du) - (1 - h) R(u)| carries ~5e-10 uN of noise (the
    # material points' own tolerances); a difference below FLOOR is noise.
    FLOOR = 2e-8
    hs = [1., 1e-1, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6]
    flat, nonzero, tested = [], [], 0
    # The first iterate is left out of the decay check: the predictor puts the
    # top face exactly on the punch (g = 0, p = 0), where Coulomb's cone has
    # zero width and the friction traction is not differentiable (it is
    # positively homogeneous in du: the ratio is constant in h, 1.5 % here).
    for k, (line, r) in enumerate(zip(lines, norms)):
        h0 = re.search(r"h=0: \|R - R\(u\)\| = (\S+) ", line)
        if h0 is None or float(h0.group(1)) > 1e-9:
            nonzero.append(line)
        ratios = [float(v) for v in
                  re.findall(r"h=(?:1|1e-0\d|0\.\d+): (\S+);", line)]
        if len(ratios) < len(hs) or k == 0:
            continue
        diff = [q * h * r for q, h in zip(ratios, hs)]
        if diff[1] < FLOOR:
            continue  # all but h = 1 in the noise: nothing to test
        tested += 1
        # first order: from the first decade in which the ratio falls 5x on,
        # it falls 5x in every decade until the difference reaches the noise
        # (an inconsistent tangent leaves the ratio flat above the noise; a
        # line needs at least one such decade)
        started, ok = False, True
        for q1, q2, d2 in zip(ratios, ratios[1:], diff[1:]):
            falls = q2 <= 0.2 * q1
            if d2 < FLOOR:  # into the noise: counts if it fell
                started = started or falls
                break
            ok = ok and (falls or not started)
            started = started or falls
        if not (started and ok):
            flat.append(line)

    t.check(tested >= len(lines) // 2,
            f"{tested} of {len(lines)} iterates above the noise and parsed")
    t.check(not nonzero, f"R reproduced at u: {len(nonzero)} iterates differ "
            f"{nonzero[:1]}")
    t.check(not flat, f"first-order Taylor decay at every iterate "
            f"({len(flat)} of {len(lines)} without: {flat[:2]})")
    print(f"{split}: {len(lines)} iterates, |R| from {min(norms):.3g} to "
          f"{max(norms):.3g} uN")


# the orthogonal split drives the crystal with ~0.6 x the spectral psi+
# under the pillar's compression: a lower Gc damages it as early
for split, gc in (("spectral", 0.05), ("orthogonal", 0.02)):
    check_split(split, gc)
sys.exit(t.finish())
