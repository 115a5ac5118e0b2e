#!/usr/bin/python3
"""Analytic axial modulus of the crystal-glass laminate (Backus average) next
to the simulated loading modulus of one or more runs.

Layers normal to z, each transversely isotropic about z (the HCP crystal with
its c axis along z, a perfect {0002} fibre; the glass isotropic). The long-
wavelength effective medium of a stack of such layers is again transversely
isotropic; with volume fractions f_i and <x> = sum_i f_i x_i (Backus 1962,
J. Geophys. Res. 67, 4427, eq. 13; the same as the rank-one laminate of
model-spec §0 in the elastic limit):

    C33* = <1/C33>^-1                 C13* = C33* <C13/C33>
    C11* = <C11 - C13^2/C33> + C33* <C13/C33>^2
    C12* = <C12 - C13^2/C33> + C33* <C13/C33>^2
    C44* = <1/C44>^-1                 C66* = <C66>

and the axial (uniaxial-stress) modulus of the laminate is
E_z = 1/S33* = C33* - 2 C13*^2 / (C11* + C12*). For comparison the script
also prints the series (Reuss) bound sum f_i/E_z,i and the parallel (Voigt)
value sum f_i E_z,i of the layers' own axial moduli.

A tapered pillar (top diameter D, height H, taper angle theta) is stiffer
than its engineering measure F/A0 vs dL/H suggests, A0 taken at 0.8 H: a
frustum in uniaxial stress has dL = F int_0^H dz/(E pi r(z)^2), so the
apparent modulus is E_app = E (H/A0) / int_0^H dz/(pi r^2) with
r(z) = D/2 + (H - z) tan(theta); the script prints both E_z and E_app
(--geometry, default the laminate pillar: 1.2 um, 2.4 um, 1 deg).

The simulated loading modulus is read from stress_strain.csv files with
postprocess/curves.py's rule (the same as results.py). A run with a base
block includes the base's compliance in its strain (model-spec §5); a run
without base does not, so only the latter compares directly.

Defaults: the layer constants of prm/laminate*.prm (HCP Cr-Co-Ni from the
FCC measurement by the [111] rotation, see those prm comments; glass 92 GPa,
nu = 0.36) and the crystal fraction 0.6.

CLI::

    /usr/bin/python3 postprocess/backus_modulus.py [RUN_DIR_or_CSV ...]
        [--labels L ...] [--crystal-fraction 0.6]
        [--hcp C11 C12 C13 C33 C44] [--glass E NU]   (MPa, -)
        [--geometry D H TAPER_DEG]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import curves  # noqa: E402

# HCP Cr-Co-Ni (prm/laminate*.prm): derived from FCC C11, C12, C44 =
# 250, 150, 140 GPa by the rotation of the cubic tensor to a [111] axis
# (close-packed planes normal to z) and dropping the trigonal C14 term.
DEFAULT_HCP = (340000.0, 120000.0, 90000.0, 370000.0, 80000.0)
DEFAULT_GLASS = (92000.0, 0.36)


def hexagonal(C11, C12, C13, C33, C44) -> Dict[str, float]:
    return {"C11": C11, "C12": C12, "C13": C13, "C33": C33, "C44": C44,
            "C66": 0.5 * (C11 - C12)}


def isotropic(E: float, nu: float) -> Dict[str, float]:
    lam = E * nu / ((1 + nu) * (1 - 2 * nu))
    mu = E / (2 * (1 + nu))
    return hexagonal(lam + 2 * mu, lam, lam, lam + 2 * mu, mu)


def hexagonal_from_cubic(C11: float, C12: float, C44: float
                         ) -> Dict[str, float]:
    """Cubic constants rotated to a <111> axis along z and averaged about z
    (drops the trigonal C14 = (C11 - C12 - 2 C44)/(3 sqrt 2)).
    """
    return hexagonal((C11 + C12 + 2 * C44) / 2,
                     (C11 + 5 * C12 - 2 * C44) / 6,
                     (C11 + 2 * C12 - 2 * C44) / 3,
                     (C11 + 2 * C12 + 4 * C44) / 3,
                     (C11 - C12 + C44) / 3)


def axial_modulus(C: Dict[str, float]) -> float:
    """E along z (uniaxial stress) of a transversely isotropic tensor."""
    return C["C33"] - 2 * C["C13"] ** 2 / (C["C11"] + C["C12"])


def backus(layers: Sequence[Dict[str, float]],
           fractions: Sequence[float]) -> Dict[str, float]:
    f = np.asarray(fractions, dtype=float)
    if np.any(f < 0) or abs(f.sum() - 1) > 1e-12:
        raise ValueError(f"volume fractions must be >= 0 and sum to 1: {f}")

    def avg(fun):
        return float(sum(fi * fun(L) for fi, L in zip(f, layers)))

    C33 = 1 / avg(lambda L: 1 / L["C33"])
    r = avg(lambda L: L["C13"] / L["C33"])
    C13 = C33 * r
    C11 = avg(lambda L: L["C11"] - L["C13"] ** 2 / L["C33"]) + C33 * r * r
    C12 = avg(lambda L: L["C12"] - L["C13"] ** 2 / L["C33"]) + C33 * r * r
    C44 = 1 / avg(lambda L: 1 / L["C44"])
    C66 = avg(lambda L: L["C66"])
    return {"C11": C11, "C12": C12, "C13": C13, "C33": C33, "C44": C44,
            "C66": C66}


def taper_factor(D: float, H: float, taper_deg: float) -> float:
    """E_app/E of a frustum under the engineering measure (A0 at 0.8 H)."""
    t = np.tan(np.radians(taper_deg))
    r_top = 0.5 * D
    r0 = r_top + 0.2 * H * t
    A0 = np.pi * r0 * r0
    if t == 0:
        return 1.0
    r_bottom = r_top + H * t
    integral = (1 / r_top - 1 / r_bottom) / (np.pi * t)
    return float(H / A0 / integral)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs", nargs="*", help="run directories or CSV files")
    ap.add_argument("--labels", nargs="*", default=None)
    ap.add_argument("--crystal-fraction", type=float, default=0.6)
    ap.add_argument("--hcp", type=float, nargs=5, default=DEFAULT_HCP,
                    metavar=("C11", "C12", "C13", "C33", "C44"))
    ap.add_argument("--glass", type=float, nargs=2, default=DEFAULT_GLASS,
                    metavar=("E", "NU"))
    ap.add_argument("--geometry", type=float, nargs=3,
                    default=(1.2, 2.4, 1.0), metavar=("D", "H", "TAPER_DEG"))
    a = ap.parse_args(argv)

    crystal = hexagonal(*a.hcp)
    glass = isotropic(*a.glass)
    fc = a.crystal_fraction
    eff = backus([crystal, glass], [fc, 1 - fc])
    Ec, Eg, Ez = axial_modulus(crystal), axial_modulus(glass), \
        axial_modulus(eff)
    print(f"crystal layers (c along z): E_z = {Ec / 1e3:.1f} GPa; glass: "
          f"E = {Eg / 1e3:.1f} GPa; crystal fraction {fc:.3f}")
    print(f"laminate, Backus average:   E_z = {Ez / 1e3:.1f} GPa "
          f"(C33* {eff['C33'] / 1e3:.1f}, C13* {eff['C13'] / 1e3:.1f}, "
          f"C11* {eff['C11'] / 1e3:.1f}, C12* {eff['C12'] / 1e3:.1f} GPa)")
    reuss = 1 / (fc / Ec + (1 - fc) / Eg)
    voigt = fc * Ec + (1 - fc) * Eg
    print(f"  series of layer moduli {reuss / 1e3:.1f} GPa, parallel "
          f"{voigt / 1e3:.1f} GPa")
    g = taper_factor(*a.geometry)
    Eapp = g * Ez
    print(f"  apparent on the tapered pillar (D, H, taper = "
          f"{a.geometry[0]}, {a.geometry[1]}, {a.geometry[2]} deg): "
          f"x{g:.4f} -> {Eapp / 1e3:.1f} GPa")
    labels: List[str] = list(a.labels or [])
    rows = []
    for k, run in enumerate(a.runs):
        c = curves.read_curve(run)
        fit = curves.loading_modulus(c.strain, c.stress)
        label = labels[k] if k < len(labels) else c.label
        rows.append((label, fit.modulus))
    if rows:
        print("| run | simulated loading modulus [GPa] | Backus E_z [GPa] "
              "| Backus x taper [GPa] | simulated / (Backus x taper) |")
        print("| --- | --- | --- | --- | --- |")
        for label, E in rows:
            print(f"| {label} | {E / 1e3:.1f} | {Ez / 1e3:.1f} | "
                  f"{Eapp / 1e3:.1f} | {E / Eapp:.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
