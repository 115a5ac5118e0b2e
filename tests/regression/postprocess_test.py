#!/usr/bin/python3
"""Unit tests of the postprocess/ package (run with /usr/bin/python3).

Synthetic curves with known modulus and yield (noise-free and noisy), flow
stress interpolation, CSV reading, the load-drop detector, the prm rewriter,
the Richardson order, and the CLIs end to end (the convergence runner with a
fake mpirun and a fake executable). Exit status is non-zero on any failure.
"""

import json
import re
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from postprocess import convergence, curves, fields  # noqa: E402
from postprocess import glass_localisation  # noqa: E402
from postprocess import backus_modulus  # noqa: E402
from postprocess import fracture_surface  # noqa: E402
from postprocess import fracture_pillars  # noqa: E402

PY = "/usr/bin/python3"
HEADER = "step,time,displacement,force,strain,stress,newton_iterations,dt"

E_TRUE = 100e3      # MPa
OFFSET = 0.002


def bilinear(strain, sigma_y=3000.0, hardening=2000.0):
    """Elastic - linear hardening curve [MPa]."""
    e = np.asarray(strain, dtype=float)
    e_y = sigma_y / E_TRUE
    return np.where(e <= e_y, E_TRUE * e, sigma_y + hardening * (e - e_y))


def power_law(strain, sigma_p=2500.0, n=0.12):
    """Elastic up to sigma_p, then sigma = sigma_p (eps/eps_p)^n [MPa]."""
    e = np.asarray(strain, dtype=float)
    e_p = sigma_p / E_TRUE
    return np.where(e <= e_p, E_TRUE * e,
                    sigma_p * (np.maximum(e, e_p) / e_p) ** n)


def dense_offset_yield(sigma, lo=0.0, hi=0.2):
    """Independent 0.2 % offset yield of a smooth sigma(eps): bisection on
    sigma(eps) - E (eps - 0.002), after a dense scan for the first sign
    change."""
    e = np.linspace(lo, hi, 200001)
    f = sigma(e) - E_TRUE * (e - OFFSET)
    k = int(np.nonzero((f[:-1] > 0) & (f[1:] <= 0))[0][0])
    a, b = e[k], e[k + 1]
    for _ in range(200):
        m = 0.5 * (a + b)
        if sigma(m) - E_TRUE * (m - OFFSET) > 0:
            a = m
        else:
            b = m
    return 0.5 * (a + b), float(sigma(0.5 * (a + b)))


def write_csv(path, strain, stress, extra=None, trailing=""):
    """Write a micropillar-style stress_strain.csv (extra: name -> array)."""
    extra = extra or {}
    head = HEADER + "".join("," + k for k in extra)
    lines = [head]
    for i, (e, s) in enumerate(zip(strain, stress)):
        row = [i, 0.2 * i, 2.4 * e, s * 1.13, e, s, 3, 0.2]
        row += [v[i] for v in extra.values()]
        lines.append(",".join(repr(float(x)) for x in row))
    Path(path).write_text("\n".join(lines) + "\n" + trailing)


class ModulusAndYield(unittest.TestCase):
    strain = np.linspace(0.0, 0.15, 601)

    def test_bilinear_exact(self):
        s = bilinear(self.strain)
        fit = curves.loading_modulus(self.strain, s)
        self.assertAlmostEqual(fit.modulus / E_TRUE, 1.0, places=9)
        y = curves.offset_yield(self.strain, s, fit.modulus)
        # analytic: sy + H (e - sy/E) = E (e - 0.002)
        sy, H = 3000.0, 2000.0
        e_y = (sy - H * sy / E_TRUE + E_TRUE * OFFSET) / (E_TRUE - H)
        self.assertAlmostEqual(y.strain, e_y, places=9)
        self.assertAlmostEqual(y.stress, E_TRUE * (e_y - OFFSET), places=5)

    def test_power_law_against_dense_solve(self):
        s = power_law(self.strain)
        fit = curves.loading_modulus(self.strain, s)
        self.assertAlmostEqual(fit.modulus / E_TRUE, 1.0, places=9)
        y = curves.offset_yield(self.strain, s, fit.modulus)
        e_ref, s_ref = dense_offset_yield(power_law)
        # Piecewise-linear data with d(eps) = 2.5e-4: chord error only.
        self.assertLess(abs(y.stress - s_ref) / s_ref, 1e-3)
        self.assertLess(abs(y.strain - e_ref), 2e-5)
        # Dense sampling converges to the independent solution.
        e_fine = np.linspace(0.0, 0.15, 150001)
        y_fine = curves.offset_yield(e_fine, power_law(e_fine), E_TRUE)
        self.assertLess(abs(y_fine.stress - s_ref) / s_ref, 1e-6)

    def test_noisy_curves(self):
        rng = np.random.default_rng(12345)
        for name, f in (("bilinear", bilinear), ("power", power_law)):
            with self.subTest(curve=name):
                s = f(self.strain) + rng.normal(0.0, 5.0, self.strain.size)
                fit = curves.loading_modulus(self.strain, s)
                self.assertLess(abs(fit.modulus / E_TRUE - 1.0), 0.01)
                y = curves.offset_yield(self.strain, s, fit.modulus)
                e_ref, s_ref = dense_offset_yield(f)
                self.assertLess(abs(y.stress - s_ref) / s_ref, 0.01)

    def test_coarse_output(self):
        # only 4 points in the elastic part
        e = np.concatenate([np.linspace(0, 0.03, 5)[:-1],
                            np.linspace(0.03, 0.1, 15)])
        fit = curves.loading_modulus(e, bilinear(e))
        self.assertAlmostEqual(fit.modulus / E_TRUE, 1.0, places=9)

    def test_window_fit(self):
        s = power_law(self.strain) + 10.0     # offset does not change E
        fit = curves.loading_modulus(self.strain, s, window=(0.005, 0.02))
        self.assertAlmostEqual(fit.modulus / E_TRUE, 1.0, places=9)
        self.assertAlmostEqual(fit.intercept, 10.0, places=6)
        with self.assertRaises(ValueError):
            curves.loading_modulus(self.strain, s, window=(0.5, 0.6))

    def test_departure_is_found(self):
        fit = curves.loading_modulus(self.strain, bilinear(self.strain))
        self.assertIsNotNone(fit.departure_strain)
        self.assertGreater(fit.departure_strain, 0.03)
        self.assertLess(fit.departure_strain, 0.04)
        self.assertLess(fit.strain_max, 0.03)

    def test_no_crossing_gives_none(self):
        e = np.linspace(0, 0.02, 50)
        self.assertIsNone(curves.offset_yield(e, E_TRUE * e, E_TRUE))
        # stops before it reaches the offset line
        e = np.linspace(0, 0.031, 50)
        self.assertIsNone(curves.offset_yield(e, bilinear(e), E_TRUE))
        self.assertIsNotNone(curves.offset_yield(
            np.append(e, 0.033), bilinear(np.append(e, 0.033)), E_TRUE))

    def test_wrong_modulus_changes_yield(self):
        # guard against a test that passes whatever E is
        s = power_law(self.strain)
        a = curves.offset_yield(self.strain, s, E_TRUE)
        b = curves.offset_yield(self.strain, s, 0.8 * E_TRUE)
        self.assertGreater(abs(a.stress - b.stress), 1.0)


class FracturePillars(unittest.TestCase):
    """fracture_pillars.py: flow_end and the dashpot's energy audit on a
    synthetic curve with known answers."""

    def test_flow_end_and_energy_audit(self):
        strain = np.linspace(0., 0.2, 201)
        # hardens to 14 %, then falls
        stress = np.where(strain <= 0.14, 2000. + 1000. * strain,
                          2140. - 5000. * (strain - 0.14))
        ws = np.full(strain.size, 0.01)
        we = np.full(strain.size, 2.)
        ws[0] = we[0] = 0.
        ws[150], we[150] = 0.5, 1.   # one step where the dashpot took half
        we[160] = -1.                # an unloading step: not in the max
        ws[160] = 0.3
        with tempfile.TemporaryDirectory() as d:
            write_csv(Path(d) / "stress_strain.csv", strain, stress,
                      {"stabilisation_work": ws, "external_work": we})
            c = curves.read_curve(d)
            s = fracture_pillars.summary(c)
            out = subprocess.run([PY, str(ROOT / "postprocess" /
                                          "fracture_pillars.py"), d],
                                 capture_output=True, text=True, check=True)
        self.assertAlmostEqual(s["flow_end"], 0.14, places=12)
        a = s["energy_audit"]
        self.assertAlmostEqual(a["stabilisation_work"], ws.sum(), places=12)
        self.assertAlmostEqual(a["external_work"], we.sum(), places=12)
        self.assertAlmostEqual(a["share"], ws.sum() / we.sum(), places=12)
        self.assertAlmostEqual(a["largest_step_share"], 0.5, places=12)
        cli = json.loads(out.stdout.splitlines()[0])
        self.assertAlmostEqual(cli["energy_audit"]["share"], a["share"],
                               places=12)

    def test_no_audit_without_the_columns(self):
        strain = np.linspace(0., 0.2, 21)
        with tempfile.TemporaryDirectory() as d:
            write_csv(Path(d) / "stress_strain.csv", strain, 1000. + strain)
            self.assertNotIn("energy_audit",
                             fracture_pillars.summary(curves.read_curve(d)))


class FlowStress(unittest.TestCase):
    def test_interpolation(self):
        e = np.array([0.0, 0.01, 0.03, 0.06, 0.1])
        s = np.array([0.0, 1000.0, 2000.0, 2600.0, 2500.0])
        self.assertAlmostEqual(curves.flow_stress(e, s, 0.05), 2400.0)
        self.assertAlmostEqual(curves.flow_stress(e, s, 0.08), 2550.0)
        self.assertAlmostEqual(curves.flow_stress(e, s, 0.1), 2500.0)
        self.assertAlmostEqual(curves.flow_stress(e, s, 0.0), 0.0)
        self.assertIsNone(curves.flow_stress(e, s, 0.1000001))
        self.assertIsNone(curves.flow_stress(e, s, -0.001))

    def test_on_bilinear(self):
        e = np.linspace(0, 0.15, 151)
        s = bilinear(e)
        for at in (0.05, 0.1, 0.123456):
            self.assertAlmostEqual(curves.flow_stress(e, s, at),
                                   3000.0 + 2000.0 * (at - 0.03), places=6)


class LoadDrop(unittest.TestCase):
    def test_crack_drop(self):
        e = np.linspace(0, 0.3, 301)
        s = bilinear(e)
        s[e > 0.2] *= 0.7                      # 30 % drop at 0.2
        s[e > 0.25] *= 0.8                     # further 20 %
        d = curves.detect_load_drop(e, s, start_strain=0.032)
        peak = 3000.0 + 2000.0 * (0.2 - 0.03)
        self.assertAlmostEqual(d.peak_strain, 0.2, places=9)
        self.assertAlmostEqual(d.peak_stress, peak, places=6)
        self.assertAlmostEqual(d.trough_strain, 0.251, places=9)
        trough = 0.7 * 0.8 * (3000.0 + 2000.0 * (0.251 - 0.03))
        self.assertAlmostEqual(d.relative_drop, 1 - trough / peak, places=9)
        self.assertAlmostEqual(d.step_drop, 1 - 0.7 * (1 + 2000.0 * 0.001
                                                      / peak), places=9)
        self.assertAlmostEqual(d.step_drop_strain, 0.201, places=9)
        self.assertTrue(d.localised())

    def test_hardening_curve_has_no_drop(self):
        e = np.linspace(0, 0.2, 201)
        d = curves.detect_load_drop(e, bilinear(e), start_strain=0.032)
        self.assertEqual(d.relative_drop, 0.0)
        self.assertFalse(d.localised())

    def test_before_yield_is_ignored(self):
        e = np.linspace(0, 0.2, 201)
        s = bilinear(e)
        s[10] *= 0.5                            # elastic-range glitch
        self.assertEqual(
            curves.detect_load_drop(e, s, start_strain=0.032).relative_drop,
            0.0)
        self.assertGreater(curves.detect_load_drop(e, s).relative_drop, 0.4)

    def test_softening_counts(self):
        e = np.linspace(0, 0.2, 201)
        s = np.minimum(E_TRUE * e, 3300.0 - 3000.0 * np.maximum(e - 0.033, 0))
        d = curves.detect_load_drop(e, s, start_strain=0.03)
        self.assertAlmostEqual(d.relative_drop,
                               3000.0 * (0.2 - 0.033) / 3300.0, places=3)


class Reading(unittest.TestCase):
    def test_extra_columns_and_trailing_line(self):
        with tempfile.TemporaryDirectory() as tmp:
            e = np.linspace(0, 0.1, 11)
            write_csv(Path(tmp) / "stress_strain.csv", e, bilinear(e),
                      extra={"fcc_fraction": e * 2},
                      trailing="11,2.2,0.3,12")          # cut-off row
            c = curves.read_curve(tmp)
            self.assertEqual(len(c), 11)
            self.assertEqual(c.n_dropped_lines, 1)
            self.assertEqual(c.extra_columns(), ["fcc_fraction"])
            np.testing.assert_allclose(c.columns["fcc_fraction"], 2 * e)
            self.assertEqual(c.label, Path(tmp).name)

    def test_unterminated_complete_looking_row_is_dropped(self):
        text = HEADER + "\n0,0,0,0,0,0,0,0\n1,1,1,1,0.01,1000,3,1\n" \
            "2,2,2,2,0.02,19"                 # number still being written
        c = curves.parse_curve_text(text)
        self.assertEqual(len(c), 2)

    def test_reordered_columns_and_crlf(self):
        text = "stress,foo,strain\r\n0,1,0\r\n1000,1,0.01\r\n"
        c = curves.parse_curve_text(text)
        np.testing.assert_allclose(c.strain, [0, 0.01])
        np.testing.assert_allclose(c.stress, [0, 1000])
        self.assertEqual(c.n_dropped_lines, 0)

    def test_bad_middle_row_and_missing_column(self):
        with self.assertRaises(ValueError):
            curves.parse_curve_text(HEADER + "\n0,0,0,0,0,0,0,0\n1,2\n"
                                    "2,2,2,2,0.02,19,3,1\n")
        with self.assertRaises(ValueError):
            curves.parse_curve_text("step,strain\n0,0\n")


PRM = textwrap.dedent("""\
    # base file
    set Output directory = output/base   # where the curve goes
    subsection Geometry
      set Diameter = 1.2
      set Lateral refinement = 0   # coarse
      subsection Layers
        set Crystal thickness = 0.018
      end
    end
    subsection Solver
      set Tolerance = 1e-8
    end
    subsection Geometry
      set Height = 2.4
    end
    """)


class FieldColumns(unittest.TestCase):
    def test_extra_columns_union_and_request(self):
        a = curves.parse_curve_text("strain,stress,fcc_fraction,dt\n0,0,0,1\n",
                                    label="a")
        b = curves.parse_curve_text(
            "strain,stress,layer_thickness_ratio\n0,0,1\n", label="b")
        self.assertEqual(fields.field_columns([a, b]),
                         ["fcc_fraction", "layer_thickness_ratio"])
        self.assertEqual(fields.field_columns([a, b], ["layer_thickness_ratio",
                                                       "nope", "dt"]),
                         ["layer_thickness_ratio", "dt"])
        self.assertEqual(fields.field_columns([b], ["fcc_fraction"]), [])


class PrmRewriter(unittest.TestCase):
    def test_replace_nested(self):
        t = convergence.set_prm_entry(PRM, "Geometry/Lateral refinement", 2)
        self.assertIn("  set Lateral refinement = 2  # coarse\n", t)
        self.assertEqual(convergence.get_prm_entry(
            t, "Geometry/Lateral refinement"), "2")
        self.assertEqual(len(t.splitlines()), len(PRM.splitlines()))
        t = convergence.set_prm_entry(PRM, "Geometry/Layers/Crystal thickness",
                                      "0.014")
        self.assertEqual(convergence.get_prm_entry(
            t, "Geometry/Layers/Crystal thickness"), "0.014")
        self.assertIn("    set Crystal thickness = 0.014\n", t)

    def test_same_name_elsewhere_untouched(self):
        t = PRM.replace("subsection Solver\n",
                        "subsection Solver\n  set Lateral refinement = 7\n")
        t2 = convergence.set_prm_entry(t, "Geometry/Lateral refinement", 3)
        self.assertEqual(convergence.get_prm_entry(
            t2, "Solver/Lateral refinement"), "7")
        self.assertIsNone(convergence.get_prm_entry(t2, "Lateral refinement"))

    def test_top_level(self):
        t = convergence.set_prm_entry(PRM, "Output directory", "/tmp/x")
        self.assertEqual(convergence.get_prm_entry(t, "Output directory"),
                         "/tmp/x")
        self.assertIn("set Output directory = /tmp/x  # where the curve goes",
                      t)

    def test_absent_entry_appended_in_right_subsection(self):
        t = convergence.set_prm_entry(PRM, "Solver/Max iterations", 30)
        self.assertEqual(convergence.get_prm_entry(t, "Solver/Max iterations"),
                         "30")
        lines = t.splitlines()
        k = lines.index("  set Max iterations = 30")
        self.assertEqual(lines[k - 1], "  set Tolerance = 1e-8")
        self.assertEqual(lines[k + 1], "end")
        self.assertIsNone(convergence.get_prm_entry(t, "Max iterations"))

    def test_absent_entry_in_nested_and_new_subsections(self):
        t = convergence.set_prm_entry(PRM, "Geometry/Layers/Glass thickness",
                                      0.012)
        self.assertEqual(convergence.get_prm_entry(
            t, "Geometry/Layers/Glass thickness"), "0.012")
        t = convergence.set_prm_entry(PRM, "Geometry/Mesh/Axial cells", 40)
        self.assertEqual(convergence.get_prm_entry(
            t, "Geometry/Mesh/Axial cells"), "40")
        t = convergence.set_prm_entry(PRM, "Loading/Punch/Friction", 0.1)
        self.assertEqual(convergence.get_prm_entry(t, "Loading/Punch/Friction"),
                         "0.1")
        self.assertTrue(t.startswith(PRM))
        t = convergence.set_prm_entry(PRM, "Seed", 4)
        self.assertEqual(convergence.get_prm_entry(t, "Seed"), "4")

    def test_result_is_well_nested(self):
        t = PRM
        for path, v in (("Geometry/Mesh/Axial cells", 40),
                        ("Loading/Punch/Friction", 0.1),
                        ("Solver/Max iterations", 30)):
            t = convergence.set_prm_entry(t, path, v)
        depth = 0
        for ln in t.splitlines():
            w = ln.split("#")[0].split()
            if w[:1] == ["subsection"]:
                depth += 1
            elif w == ["end"]:
                depth -= 1
                self.assertGreaterEqual(depth, 0)
        self.assertEqual(depth, 0)
        # every original entry still reads back
        for path, v in (("Geometry/Diameter", "1.2"), ("Geometry/Height", "2.4"),
                        ("Solver/Tolerance", "1e-8")):
            self.assertEqual(convergence.get_prm_entry(t, path), v)

    def test_overrides_reach_every_level(self):
        pairs = convergence.parse_overrides(
            ["Solver/Tolerance=1e-6", " Geometry/Height = 3 "])
        self.assertEqual(pairs, [("Solver/Tolerance", "1e-6"),
                                 ("Geometry/Height", "3")])
        for bad in ("Solver/Tolerance", "=3"):
            with self.assertRaises(ValueError):
                convergence.parse_overrides([bad])
        with tempfile.TemporaryDirectory() as d:
            prm = Path(d) / "base.prm"
            prm.write_text(PRM)
            levels = convergence.write_level_prms(
                prm, "Geometry/Lateral refinement", ["0", "1"],
                Path(d) / "study", pairs)
            self.assertEqual(len(levels), 2)
            for lv, v in zip(levels, ("0", "1")):
                t = lv.prm.read_text()
                self.assertEqual(convergence.get_prm_entry(
                    t, "Geometry/Lateral refinement"), v)
                self.assertEqual(convergence.get_prm_entry(
                    t, "Solver/Tolerance"), "1e-6")
                self.assertEqual(convergence.get_prm_entry(
                    t, "Geometry/Height"), "3")

    def test_continuation_and_whitespace(self):
        t = ("subsection  Geometry\n  set Lateral   refinement = 1 \\\n"
             "    # comment\nend\n")
        t2 = convergence.set_prm_entry(t, "Geometry/Lateral refinement", 5)
        self.assertEqual(convergence.get_prm_entry(
            t2, "Geometry/Lateral refinement"), "5")
        self.assertNotIn("\\", t2)


class BandMeasures(unittest.TestCase):
    """glass_localisation.localisation on a column of 40 equal cells of
    height 0.05 µm (H = 2 µm, cross-section 1 µm^2)."""

    def cells(self, ep):
        n = len(ep)
        z = (np.arange(n) + 0.5) * 2.0 / n
        return {"volume": np.full(n, 2.0 / n),
                "equivalent_plastic_strain": np.asarray(ep, dtype=float),
                "centre": np.column_stack([np.zeros(n), np.zeros(n), z])}

    def test_uniform_flow(self):
        r = glass_localisation.localisation(self.cells(np.full(40, 0.1)))
        # the cell centres span H - one cell height
        self.assertAlmostEqual(r["effective_band_thickness"], 1.95, places=9)
        self.assertAlmostEqual(r["ep_ratio"], 1.0, places=12)
        self.assertAlmostEqual(r["half_strain_volume_fraction"], 0.5,
                               delta=0.03)

    def test_band_of_six_cells(self):
        ep = np.full(40, 0.01)
        ep[10:16] = 0.5
        r = glass_localisation.localisation(self.cells(ep))
        w = 6 * 0.05
        total, sq = 34 * 0.01 + 6 * 0.5, 34 * 0.01 ** 2 + 6 * 0.25
        expected = total ** 2 / sq * 0.05 * 1.95 / 2.0
        self.assertAlmostEqual(r["effective_band_thickness"], expected,
                               places=9)
        self.assertAlmostEqual(r["band_thickness"], w * 1.95 / 2.0,
                               places=9)
        ep[:10] = ep[16:] = 0.0  # all the strain in the band: exactly w
        r = glass_localisation.localisation(self.cells(ep))
        self.assertAlmostEqual(r["effective_band_thickness"], w * 1.95 / 2.0,
                               places=9)


class ConvergenceOrder(unittest.TestCase):
    def test_uniform_ratio(self):
        for p in (1.0, 2.0, 0.5):
            h = [0.4, 0.2, 0.1, 0.05]
            q = [3000.0 + 50.0 * x ** p for x in h]
            ests = convergence.convergence_orders(q, h)
            self.assertEqual(len(ests), 2)
            for est in ests:
                self.assertAlmostEqual(est.p, p, places=9)
                self.assertAlmostEqual(est.extrapolated, 3000.0, places=6)
                self.assertFalse(est.oscillatory)

    def test_nonuniform_ratio_and_decreasing_error(self):
        h = [0.4, 0.25, 0.1]
        q = [3000.0 - 80.0 * x ** 1.5 for x in h]
        est = convergence.observed_order(q, h)
        self.assertAlmostEqual(est.p, 1.5, places=6)
        self.assertAlmostEqual(est.extrapolated, 3000.0, places=4)
        # order of the inputs does not matter
        est2 = convergence.observed_order(q[::-1], h[::-1])
        self.assertAlmostEqual(est2.p, 1.5, places=6)

    def test_degenerate(self):
        est = convergence.observed_order([1.0, 1.0, 1.0], [0.4, 0.2, 0.1])
        self.assertIsNone(est.p)
        est = convergence.observed_order([1.0, 2.0, 1.5], [0.4, 0.2, 0.1])
        self.assertTrue(est.oscillatory)
        self.assertAlmostEqual(est.p, 1.0, places=9)
        self.assertIsNone(convergence.convergence_orders(
            [1.0, None, 2.0], [0.4, 0.2, 0.1])[0].p)

    def test_mesh_info(self):
        log = ("step 0\nmesh_info: n_active_cells=4096 n_dofs=14739 "
               "h_min=0.031 h_max=6.2e-2\nmesh_info n_cells = 10 h=0.5\n")
        info = convergence.parse_mesh_info(log)
        self.assertEqual(info, {"n_cells": 10.0, "h": 0.5})
        info = convergence.parse_mesh_info(log.splitlines()[1])
        self.assertAlmostEqual(convergence.element_size_from_info(info), 0.062)
        self.assertEqual(convergence.parse_mesh_info("nothing"), {})

    def test_mpirun_command(self):
        self.assertEqual(convergence.mpirun_command("exe", "a.prm", 2),
                         ["mpirun", "-np", "2", "exe", "a.prm"])
        self.assertIn("--oversubscribe",
                      convergence.mpirun_command("exe", "a.prm", 4))
        env = convergence.mpi_env()
        self.assertEqual(env["OMPI_ALLOW_RUN_AS_ROOT"], "1")
        self.assertEqual(env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"], "1")


FAKE_MPIRUN = """#!/usr/bin/python3
import os, sys
args = sys.argv[1:]
assert os.environ.get("OMPI_ALLOW_RUN_AS_ROOT") == "1"
n = int(args[args.index("-np") + 1])
assert ("--oversubscribe" in args) == (n > 2), args
rest = [a for i, a in enumerate(args)
        if a != "--oversubscribe" and a != "-np"
        and not (i > 0 and args[i - 1] == "-np")]
os.execv(rest[0], rest)
"""

# Fake micropillar: curve whose yield converges as 3000 + 400 h^2 with
# h = 0.4 * 2^-level, and a mesh_info line on stdout.
FAKE_EXE = """#!/usr/bin/python3
import re, sys, pathlib
text = pathlib.Path(sys.argv[1]).read_text()
level = int(re.search(r"set Lateral refinement *= *(\\S+)", text).group(1))
out = pathlib.Path(re.search(r"^set Output directory *= *([^#]*?) *(#.*)?$",
                             text, re.M).group(1))
h = 0.4 * 2.0 ** -level
print(f"mesh_info: n_active_cells={64 * 4 ** level} h_max={h}")
sy, H, E = 3000.0 + 400.0 * h * h, 2000.0, 100e3
out.mkdir(parents=True, exist_ok=True)
rows = ["step,time,displacement,force,strain,stress,newton_iterations,dt"]
for i in range(401):
    e = 0.1 * i / 400
    s = E * e if e <= sy / E else sy + H * (e - sy / E)
    rows.append(f"{i},{i},{2.4 * e},{s},{e},{s},3,1")
(out / "stress_strain.csv").write_text("\\n".join(rows) + "\\n")
"""


def _script(path, text):
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path



class FractureSurface(unittest.TestCase):
    """postprocess/fracture_surface.py on synthetic cells: a ring of outer
    cells under pure hoop tension around an unstressed core."""

    def test_hoop_stress_and_surface_ring(self):
        t = np.linspace(0., 2. * np.pi, 8, endpoint=False) + 0.3
        outer = np.stack([0.5 * np.cos(t), 0.5 * np.sin(t), np.ones(8)], -1)
        inner = np.array([[0.1, 0.1, 1.], [-0.1, 0.1, 1.], [-0.1, -0.1, 1.],
                          [0.1, -0.1, 1.]])
        c = np.vstack([outer, inner])
        s0 = 300.
        # sigma = s0 e_t (x) e_t on the ring, 0 in the core
        tt = np.concatenate([t, np.zeros(4)])
        on = np.concatenate([np.ones(8), np.zeros(4)])
        cells = {"centre": c, "volume": np.ones(12),
                 "sigma_xx": s0 * on * np.sin(tt) ** 2,
                 "sigma_yy": s0 * on * np.cos(tt) ** 2,
                 "sigma_xy": -s0 * on * np.sin(tt) * np.cos(tt),
                 "sigma_zz": np.zeros(12), "sigma_xz": np.zeros(12),
                 "sigma_yz": np.zeros(12),
                 "driving_force": np.concatenate([np.ones(8), 5 * np.ones(4)])}
        m = fracture_surface.measures(cells)
        self.assertEqual((m["n_surface"], m["n_core"]), (8, 4))
        self.assertAlmostEqual(m["surface_hoop_mean"], s0)
        self.assertAlmostEqual(m["surface_radial_max"], 0.)
        self.assertAlmostEqual(m["surface_max_principal_mean"], s0)
        self.assertAlmostEqual(m["core_hoop_max"], 0.)
        self.assertAlmostEqual(m["argmax_driving_force"]["value"], 5.)
        self.assertLess(m["argmax_driving_force"]["r_over_R"], 0.5)


class BackusModulus(unittest.TestCase):
    """postprocess/backus_modulus.py against closed forms."""

    def test_identical_layers(self):
        L = backus_modulus.isotropic(100000.0, 0.3)
        eff = backus_modulus.backus([L, L], [0.6, 0.4])
        self.assertAlmostEqual(backus_modulus.axial_modulus(eff) / 1e5, 1.0,
                               places=12)

    def test_zero_poisson_layers_in_series(self):
        a = backus_modulus.isotropic(100000.0, 0.0)
        b = backus_modulus.isotropic(250000.0, 0.0)
        eff = backus_modulus.backus([a, b], [0.5, 0.5])
        series = 1 / (0.5 / 100000.0 + 0.5 / 250000.0)
        self.assertAlmostEqual(backus_modulus.axial_modulus(eff) / series,
                               1.0, places=12)

    def test_poisson_mismatch_stiffens(self):
        # Laterally constrained layers of different nu: above the series
        # value, below the parallel one.
        a = backus_modulus.isotropic(92000.0, 0.36)
        b = backus_modulus.isotropic(230000.0, 0.28)
        Ez = backus_modulus.axial_modulus(backus_modulus.backus([a, b],
                                                                [0.4, 0.6]))
        self.assertGreater(Ez, 1 / (0.4 / 92000.0 + 0.6 / 230000.0))
        self.assertLess(Ez, 0.4 * 92000.0 + 0.6 * 230000.0)

    def test_hexagonal_from_cubic_keeps_111_modulus(self):
        C11, C12, C44 = 250000.0, 150000.0, 140000.0
        D = (C11 - C12) * (C11 + 2 * C12)
        S11, S12, S44 = (C11 + C12) / D, -C12 / D, 1 / C44
        E111 = 1 / (S11 - 2 * (S11 - S12 - S44 / 2) / 3)
        h = backus_modulus.hexagonal_from_cubic(C11, C12, C44)
        self.assertAlmostEqual(backus_modulus.axial_modulus(h) / E111, 1.0,
                               places=12)

    def test_taper_factor(self):
        self.assertEqual(backus_modulus.taper_factor(1.2, 2.4, 0.0), 1.0)
        D, H, th = 1.2, 2.4, 1.0
        z = np.linspace(0, H, 200001)
        r = D / 2 + (H - z) * np.tan(np.radians(th))
        integral = np.trapz(1 / (np.pi * r * r), z)
        A0 = np.pi * (D / 2 + 0.2 * H * np.tan(np.radians(th))) ** 2
        self.assertAlmostEqual(backus_modulus.taper_factor(D, H, th),
                               H / A0 / integral, places=8)

class CommandLine(unittest.TestCase):
    def run_cli(self, *args, ok=True):
        r = subprocess.run([PY, *map(str, args)], capture_output=True,
                           text=True, cwd=ROOT)
        if ok:
            self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r

    def test_curves_plot_fields(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            e = np.linspace(0, 0.15, 301)
            (tmp / "lam").mkdir()
            write_csv(tmp / "lam" / "stress_strain.csv", e, bilinear(e),
                      extra={"fcc_fraction": np.clip(e * 3, 0, 1),
                             "layer_thickness_ratio": 1 - e})
            write_csv(tmp / "glass.csv", e, power_law(e))
            r = self.run_cli("postprocess/curves.py", tmp / "lam",
                             tmp / "glass.csv", "--at", "0.05", "0.2",
                             "--json")
            data = json.loads(r.stdout)
            self.assertEqual([d["label"] for d in data], ["lam", "glass"])
            self.assertAlmostEqual(data[0]["modulus"], E_TRUE, delta=1e-3)
            self.assertAlmostEqual(data[0]["flow_stress"]["0.05"], 3040.0,
                                   places=6)
            self.assertIsNone(data[0]["flow_stress"]["0.2"])
            r = self.run_cli("postprocess/curves.py", tmp / "lam", "--at",
                             "0.05")
            self.assertIn("sigma(0.05) [MPa]", r.stdout)
            self.assertIn("3040.0", r.stdout)
            r = self.run_cli("postprocess/curves.py", tmp / "missing", ok=False)
            self.assertNotEqual(r.returncode, 0)

            png = tmp / "c.png"
            self.run_cli("postprocess/plot_curves.py", tmp / "lam",
                         tmp / "glass.csv", "-o", png, "--measured",
                         "pillar 2=3550", "--offset-lines")
            self.assertGreater(png.stat().st_size, 1000)
            png = tmp / "f.png"
            r = self.run_cli("postprocess/fields.py", tmp / "lam",
                             tmp / "glass.csv", "-o", png)
            self.assertIn("fcc_fraction, layer_thickness_ratio", r.stdout)
            self.assertGreater(png.stat().st_size, 1000)
            r = self.run_cli("postprocess/fields.py", tmp / "glass.csv", "-o",
                             tmp / "none.png", ok=False)
            self.assertEqual(r.returncode, 1)
            self.assertFalse((tmp / "none.png").exists())

    def test_convergence_runner(self):
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            mpirun = _script(tmp / "mpirun", FAKE_MPIRUN)
            exe = _script(tmp / "micropillar", FAKE_EXE)
            prm = tmp / "base.prm"
            prm.write_text(PRM)
            work = tmp / "conv"
            self.run_cli("postprocess/convergence.py", prm, "--entry",
                         "Geometry/Lateral refinement", "--values", "0",
                         "1", "2", "3", "--np", "4", "--exe", exe,
                         "--mpirun", mpirun, "--workdir", work,
                         "--at", "0.05")
            copies = sorted(work.glob("*.prm"))
            self.assertEqual(len(copies), 4)
            t = copies[2].read_text()
            self.assertEqual(convergence.get_prm_entry(
                t, "Geometry/Lateral refinement"), "2")
            self.assertEqual(convergence.get_prm_entry(t, "Output directory"),
                             str((work / "lateral_refinement_2").resolve()))
            rows = (work / "convergence.csv").read_text().splitlines()
            self.assertTrue(rows[1].startswith("0,0.4,mesh_info,64,"))
            md = (work / "convergence.md").read_text()
            # yield sy(h) = 3000 + 400 h^2 -> offset yield converges with p=2
            ps = [float(m) for m in re.findall(
                r"\| yield stress \[MPa\] \| [0-9, ]+ \| ([-0-9.]+) \|", md)]
            self.assertEqual(len(ps), 2)
            for p in ps:
                self.assertAlmostEqual(p, 2.0, places=2)
            self.assertGreater((work / "convergence.png").stat().st_size,
                               1000)
            # user-given element sizes override mesh_info, no rerun
            self.run_cli("postprocess/convergence.py", prm, "--entry",
                             "Geometry/Lateral refinement", "--values", "0",
                             "1", "2", "--no-run", "--workdir", work,
                             "--element-size", "0=1", "1=0.5", "2=0.25")
            rows = (work / "convergence.csv").read_text().splitlines()
            self.assertTrue(rows[1].startswith("0,1,user,"))


if __name__ == "__main__":
    unittest.main(verbosity=2)
