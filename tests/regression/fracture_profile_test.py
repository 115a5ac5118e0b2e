"""AT1's compact support (issue 13; the bound-constrained damage solve).

fracture_profile.prm: a plane-strain strip cut through at mid-height
(z = 0.4 µm) by an Initial crack (H = 1e3 Gc/l at the points within l/2 of
the segment), cubic cells of h = l/8, AT1, one step of negligible load.
Around a fully cracked plane AT1's optimal profile is
d = (1 - s/(2l))^2 with support 2l (s: distance from where d = 1; Tanne et
al. 2018, JMPS 110; the damage equation (3/4) Gc l d'' = 3 Gc/(8l) with
d = d' = 0 at s = 2l). Here d = 1 - 2e-4 in the band |z - 0.4| <= l/2, so
s = |z - 0.4| - l/2. Checks on the nodal damage of the field output:
- every node within [0, 2l] of the band's edge within 0.01 of the
  analytic profile (measured: see docs/fracture.md);
- d = 0 exactly (the lower bound active) beyond 2l + h: compact support
  (the former threshold form, H~ = max(H, 3Gc/(16l)) with clipping, gave
  an exponential tail, d ~ 0.1 at 2l);
- 2 ranks give the same nodal damage (1e-8).
"""
import sys

import numpy as np

import mp_test as t
from postprocess import glass_localisation as gl

exe, work = t.args()
ell, h, z0 = 0.05, 0.8 / 128, 0.4


def profile(name, n):
    t.simulate(exe, work, name, "fracture_profile.prm", {}, n)
    rec = gl.last_record(work / name)
    import xml.etree.ElementTree as ET
    root = ET.parse(rec).getroot()
    z, d = [], []
    for p in root.iter("Piece"):
        v = gl.read_vtu(rec.parent / p.get("Source"))
        z.append(v["points"][:, 2])
        d.append(v["point:damage"])
    z, d = np.concatenate(z), np.concatenate(d)
    # one value per height (the nodes of a height carry the same d)
    zs = np.round(z / h).astype(int)
    out = {}
    for k, v in zip(zs, d):
        out.setdefault(k, []).append(v)
    keys = sorted(out)
    return np.array([k * h for k in keys]), \
        np.array([np.mean(out[k]) for k in keys]), \
        max(np.ptp(out[k]) for k in keys)


z, d, spread = profile("np1", 1)
s = np.abs(z - z0) - 0.5 * ell
analytic = np.where(s < 2 * ell, (1 - np.clip(s, 0, None) / (2 * ell)) ** 2,
                    0.)
band = s <= 0
ring = (s > 0) & (s <= 2 * ell)
err = np.max(np.abs(d[ring] - analytic[ring]))
t.check(np.min(d[band]) > 0.99,
        f"the band is cracked (min d {np.min(d[band]):.5f})")
t.check(err <= 0.01,
        f"profile within 0.01 of (1 - s/(2l))^2 over s in (0, 2l] "
        f"(largest deviation {err:.4f})")
beyond = s > 2 * ell + h
t.check(np.max(d[beyond]) == 0.,
        f"d = 0 beyond 2l + h (largest {np.max(d[beyond]):.2e})")
support = np.max(s[d > 0.])
t.check(abs(support - 2 * ell) <= h,
        f"support {support / ell:.3f} l from the band's edge (2l, within h "
        f"= l/8)")
t.check(spread <= 1e-12, f"one value per height (spread {spread:.1e})")
z2, d2, _ = profile("np2", 2)
t.check(len(d2) == len(d) and np.max(np.abs(d2 - d)) <= 1e-8,
        "2 ranks give the same nodal damage")
sys.exit(t.finish())
