"""Ductile driving force (Fracture/Plastic work fraction, issue 13 item 2).

The homogeneous bar of fracture_bar.prm (nu = 0, frictionless grips:
uniaxial stress), made perfectly plastic (J2, sigma_y = 1000 MPa, no
hardening) and compressed to 5 %:
- the plastic work density of the curve (column plastic_work, the mean
  W_p) equals sigma_y * eps_p, eps_p = |ln(1 + e)| - sigma_y/E, within 1 %
  once plastic (Gc huge: no damage), on 1 and 2 ranks (equal to 1e-10);
- the same bar elastic (yield 1e9 MPa): W_p = 0 exactly;
- with beta = 1 and AT1, the bar stays intact until
  H = psi+ + W_p = sigma_y^2/(6G) + sigma_y eps_p reaches the AT1
  threshold 3 Gc/(16 l) (the split leaves the deviatoric energy to drive
  in compression), i.e. eps_p* = (3Gc/(16l) - sigma_y^2/(6G))/sigma_y;
  the first damaged step is the first step past it;
- with Plastic work threshold W_0 = 10 MPa the onset moves to
  eps_p* + W_0/sigma_y;
- bad input: a negative or NaN fraction/threshold exits 1 naming the entry.
"""
import math
import subprocess
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
E, sy, ell = 1e5, 1000., 0.05
G = E / 2.
base = {"Loading/Direction": "compression",
        "Loading/Target strain": 0.05,
        "Time stepping/Initial strain increment": 0.001,
        "Time stepping/Maximum strain increment": 0.001,
        "Materials/bar/Yield stress": sy,
        "Fracture/Model": "AT1",
        "Fracture/Critical energy release rate": "bar: 1e6",
        "Fracture/Plastic work fraction": 1}


def log_strain(c):
    """|Hencky strain| of the bar (compression counts positive)."""
    return -np.log(1. - c.strain)


def expected_wp(c):
    eps = log_strain(c)
    return sy * np.clip(eps - sy / E, 0., None)


c1 = t.simulate(exe, work, "plastic", "fracture_bar.prm", base)
wp = c1.columns["plastic_work"]
ref = expected_wp(c1)
plastic = ref > 0.2 * ref[-1]
err = np.max(np.abs(wp[plastic] / ref[plastic] - 1.))
t.check(err <= 0.01 and c1.columns["max_damage"][-1] == 0.,
        f"W_p = sigma_y eps_p within 1 % (largest {100 * err:.3f} %, "
        f"W_p(5 %) = {wp[-1]:.2f} MPa vs {ref[-1]:.2f})")
c2 = t.simulate(exe, work, "plastic_np2", "fracture_bar.prm", base, 2)
t.check(len(c2) == len(c1) and
        np.max(np.abs(c2.columns["plastic_work"] - wp)) <= 1e-10 * wp[-1],
        "2 ranks give the same W_p")
ce = t.simulate(exe, work, "elastic", "fracture_bar.prm",
                dict(base, **{"Materials/bar/Yield stress": 1e9}))
t.check(np.all(ce.columns["plastic_work"] == 0.),
        f"elastic: W_p = 0 exactly (largest "
        f"{np.max(np.abs(ce.columns['plastic_work'])):.1e})")

# ductile onset: eps_p* = 0.02 with Gc from the formula
for W0 in (0., 10.):
    Gc = (sy * 0.02 + sy ** 2 / (6 * G)) * 16 * ell / 3
    c = t.simulate(exe, work, f"onset_W0_{W0:g}", "fracture_bar.prm",
                   dict(base, **{"Fracture/Critical energy release rate":
                                 f"bar: {Gc:.12g}",
                                 "Fracture/Plastic work threshold": W0}))
    eps_star = 0.02 + W0 / sy + sy / E  # log strain at onset
    first = int(np.argmax(c.columns["max_damage"] > 0.))
    e = log_strain(c)
    t.check(first > 0 and e[first - 1] <= eps_star < e[first] + 1e-12,
            f"W_0 = {W0:g}: damage starts at strain {e[first]:.4f}, the "
            f"first step past {eps_star:.4f} (previous {e[first - 1]:.4f})")

for entry, value in (("Fracture/Plastic work fraction", "-1"),
                     ("Fracture/Plastic work fraction", "nan"),
                     ("Fracture/Plastic work threshold", "-5"),
                     # the per-phase laminate degradation is brittle only
                     ("Fracture/Plastic work fraction", "1 bar/crystal")):
    extra = {}
    if value.endswith("bar/crystal"):
        value = value.split()[0]
        extra = {"Fracture/Critical energy release rate": "bar/crystal: 1"}
    prm = t.write_prm("fracture_bar.prm", work / "bad.prm",
                      dict(base, **{entry: value, **extra,
                                    "Output directory": str(work / "bad")}))
    b = subprocess.run([str(exe), str(prm)], capture_output=True, text=True,
                       timeout=60)
    msg = b.stderr.strip().splitlines()
    t.check(b.returncode == 1 and len(msg) == 1 and
            entry.split("/")[1] in msg[0],
            f"{entry} = {value}: exit {b.returncode}, {msg}")
sys.exit(t.finish())
