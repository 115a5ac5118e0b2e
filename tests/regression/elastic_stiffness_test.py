"""Elastic pillar against the analytic axial stiffness E*A/L.

A straight neo-Hookean pillar with a frictionless punch and a frictionless
bottom is in uniaxial stress: the engineering stress over the engineering
strain is E (to O(strain) for the finite-strain model). Checked for every
element formulation and for both linear-algebra packages, and for a two-
material layer stack (layers in series: E_eff = H / sum(h_i / E_i)), which
also checks that the material ids follow the layers.
"""
import sys
import mp_test as t

exe, work = t.args()
E = 100000.0
strain_tol = 0.01  # 1 % (the finite-strain nonlinearity at 0.2 % is ~0.3 %)

for formulation in ["Q1", "Q1 F-bar", "Q2"]:
    for package, method in [("Trilinos", "AMG"), ("PETSc", "AMG"),
                            ("PETSc", "direct"), ("Trilinos", "direct")]:
        if formulation != "Q1" and method == "direct":
            continue
        name = f"{formulation}_{package}_{method}".replace(" ", "")
        c = t.simulate(exe, work, name, "elastic_pillar.prm",
                       {"Finite element/Formulation": formulation,
                        "Linear solver/Package": package,
                        "Linear solver/Method": method})
        strain, stress = c.strain, c.stress
        secant = stress[1] / strain[1]
        t.check(abs(secant / E - 1) < strain_tol,
                f"{name}: stiffness {secant:.1f} MPa vs E = {E:.1f} MPa")

# Two materials in series (0.25 um of E, 0.25 um of 2.5 E, repeated):
# E_eff = H / sum(h_i / E_i). Poisson's ratio 0 in both, so the layers do
# not constrain each other laterally (with nu != 0 they would, and the
# pillar would be stiffer than the series formula).
E_stiff = 250000.0
c = t.simulate(exe, work, "layers", "elastic_pillar.prm",
               {"Geometry/Layer stack": "pillar:0.25, stiff:0.25",
                "Geometry/Cells per layer": 1,
                "Materials/pillar/Poisson's ratio": 0,
                "Materials/stiff/Poisson's ratio": 0})
E_eff = 1.0 / (0.5 / E + 0.5 / E_stiff)
secant = c.stress[1] / c.strain[1]
t.check(abs(secant / E_eff - 1) < strain_tol,
        f"layer stack: stiffness {secant:.1f} MPa vs series {E_eff:.1f} MPa")

# Plane-strain strip (Cross-section = plane strain strip): u_y = 0 on its
# two faces, free in x, frictionless punch and bottom: sigma_zz =
# E / (1 - nu^2) eps_zz, 10 % above the uniaxial E at nu = 0.3, so the
# check fails if the u_y = 0 constraint is lost. On 2 ranks, too.
nu = 0.3
for ranks in (1, 2):
    c = t.simulate(exe, work, f"strip_{ranks}", "elastic_pillar.prm",
                   {"Geometry/Cross-section": "plane strain strip",
                    "Geometry/Strip thickness": 0.05,
                    "Geometry/Axial cells": 0},
                   n_ranks=ranks)
    E_ps = E / (1 - nu * nu)
    secant = c.stress[1] / c.strain[1]
    t.check(abs(secant / E_ps - 1) < strain_tol,
            f"plane-strain strip ({ranks} rank(s)): stiffness {secant:.1f} "
            f"MPa vs E/(1-nu^2) = {E_ps:.1f} MPa")

# Machine spring in series: d_p + F/k = d_machine on every row, and the
# machine-displacement stiffness is that of the two springs in series.
import math
k_machine = 20000.0  # µN/µm
c = t.simulate(exe, work, "machine", "elastic_pillar.prm",
               {"Loading/Machine stiffness": k_machine})
d_p, F, d_m = c.columns["displacement"], c.columns["force"], \
    c.columns["machine_displacement"]
residual = max(abs(d_p + F / k_machine - d_m)[1:] / d_m[1:])
t.check(residual < 1e-6, f"machine spring: |d_p + F/k - d_m|/d_m = "
        f"{residual:.1e}")
secant = c.stress[1] / c.strain[1]
t.check(abs(secant / E - 1) < strain_tol,
        f"machine spring: pillar stiffness still {secant:.1f} MPa")
A = F[1] / c.stress[1]  # A0 of the mesh
k_pillar = E * A / 2.0
k_series = 1.0 / (1.0 / k_machine + 1.0 / k_pillar)
t.check(abs(F[1] / d_m[1] / k_series - 1) < strain_tol,
        f"machine spring: F/d_machine {F[1] / d_m[1]:.1f} vs series "
        f"{k_series:.1f} µN/µm")
sys.exit(t.finish())
