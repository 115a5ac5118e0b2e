"""Faulty input (issue 12, items 4-6): every case is refused before anything
is built, with exit code 1, ONE line 'micropillar: error: ...' on stderr
naming the entry (full path, as the user wrote it), the value or the file,
no crash banner, no hang (each run is under `timeout`), and no output that
looks complete (no run_status.txt reading 'completed', no
stress_strain.csv). A few valid variants (a UTF-8 byte-order mark, an entry
set twice with the same value, the same entry name in two subsections) must
still pass `--check`.

Cases that need models or a mesh run the full executable (no --check) so
that the refusal is shown to come before the solver; each is an early exit.
"""
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import mp_test as t

exe, work = t.args()
exe = exe.resolve()
ROOT = t.ROOT
mesh = ROOT / "meshes" / "pillar_on_base.msh"
TIMEOUT = "60"  # s; every case is an early exit (well under a second)


def run(argv, cwd=None, n_ranks=1):
    """micropillar ARGV under timeout(1): a hang fails instead of blocking."""
    mpi = ["mpirun", "-np", str(n_ranks)] if n_ranks > 1 else []
    try:
        return subprocess.run(["timeout", "-s", "KILL", TIMEOUT] + mpi +
                              [str(exe)] + [str(a) for a in argv],
                              capture_output=True, text=True,
                              cwd=cwd or work, timeout=120,
                              env=t.convergence.mpi_env())
    except subprocess.TimeoutExpired as e:
        return subprocess.CompletedProcess(e.cmd, 124, "", "timeout")


# The runs go through a pool of two (each is mostly MPI start-up); the
# checks are made in order at the end.
POOL = ThreadPoolExecutor(max_workers=2)
PENDING = []


def refused(name, argv, expected, out=None, n_ranks=1):
    """Run ARGV; expect exit 1, one error line naming every string of
    @p expected, no crash, nothing in @p out that looks like a completed
    run."""
    PENDING.append((POOL.submit(run, argv, None, n_ranks), name, expected, out,
                    n_ranks))


def accepted(name, prm):
    """Run PRM --check; expect it to pass."""
    PENDING.append((POOL.submit(run, [prm, "--check"]), name, None, None,
                    0))


def check_refused(name, p, expected, out, n_ranks=1):
    msg = p.stderr.strip()
    if n_ranks > 1:
        # mpirun adds its own banner about the non-zero exit: keep only
        # the ranks' lines (only rank 0 prints the error).
        msg = "\n".join(l for l in msg.splitlines()
                        if l.startswith("micropillar"))
    t.check(p.returncode == 1, f"{name}: exit code {p.returncode} == 1"
            + ("" if p.returncode == 1 else f" ({msg[-300:]})"))
    missing = [s for s in expected if s not in msg]
    t.check(not missing, f"{name}: message names {expected} "
            f"(missing {missing}): '{msg[:400]}'")
    t.check(msg.startswith("micropillar: error:") and
            msg.count("micropillar: error:") == 1 and len(msg.splitlines()) == 1,
            f"{name}: exactly one error line")
    t.check("Stacktrace" not in p.stderr + p.stdout and
            "An error occurred in line" not in p.stderr + p.stdout and
            "Segmentation" not in p.stderr + p.stdout,
            f"{name}: no crash banner")
    if out is not None:
        status = out / "run_status.txt"
        t.check((not status.exists() or
                 "completed" not in status.read_text()) and
                not (out / "stress_strain.csv").exists(),
                f"{name}: no output that looks complete in {out.name}")


def finish_all():
    for future, name, expected, out, n_ranks in PENDING:
        p = future.result()
        if n_ranks == 0:
            t.check(p.returncode == 0 and ": OK" in p.stdout,
                    f"{name}: accepted by --check "
                    f"({(p.stdout + p.stderr).strip()[-200:]})")
        else:
            check_refused(name, p, expected, out, n_ranks)
    POOL.shutdown()


def prm_case(name, overrides, expected, template="elastic_pillar.prm",
             extra="", check=False, n_ranks=1):
    """Write TEMPLATE with overrides (+ extra text), run it, expect refusal."""
    out = work / name
    overrides = dict(overrides)
    overrides["Output directory"] = str(out)
    prm = t.write_prm(template, work / f"{name}.prm", overrides)
    if extra:
        prm.write_text(prm.read_text() + extra)
    refused(name, [prm] + (["--check"] if check else []), expected, out,
            n_ranks)


# --- 4. Every number finite and in range before anything is built.
prm_case("inf_height", {"Geometry/Height": "inf"}, ["Geometry/Height", "inf"])
prm_case("overflow_diameter", {"Geometry/Top diameter": "1e999"},
         ["Geometry/Top diameter", "1e999"])
prm_case("nan_in_model", {"Materials/pillar/Young's modulus": "nan"},
         ["Materials/pillar/Young's modulus", "nan"])
prm_case("underflow_rate", {"Loading/Strain rate": "1e-999"},
         ["Loading/Strain rate", "1e-999"])
prm_case("inf_layer_thickness", {"Geometry/Layer stack": "pillar:inf"},
         ["Geometry/Layer stack", "inf"])
prm_case("inf_in_vector",
         {"Materials/crystal/Microstructure/Fibre axis": "0, inf, 1"},
         ["Materials/crystal/Microstructure/Fibre axis", "inf"],
         template="crystal_pillar.prm")
prm_case("overflowing_vector",
         {"Materials/crystal/Microstructure/Fibre axis": "1e200, 1e200, 0"},
         ["Materials/crystal", "Fibre axis", "1e+200"],
         template="crystal_pillar.prm")
prm_case("zero_vector",
         {"Materials/crystal/Microstructure/Fibre crystal direction":
          "0, 0, 0"},
         ["Materials/crystal", "Fibre crystal direction", "0, 0, 0"],
         template="crystal_pillar.prm")
prm_case("huge_height", {"Geometry/Height": "1e6", "Geometry/Axial cells": "0"},
         ["Geometry/Height", "1e+06", "bound"])
prm_case("huge_axial_cells", {"Geometry/Axial cells": "2000000000"},
         ["Geometry/Axial cells", "2000000000", "bound"])
prm_case("axial_cells_not_integer", {"Geometry/Axial cells": "2e9"},
         ["Geometry/Axial cells", "2e9"])
prm_case("too_many_refinements", {"Geometry/Lateral refinement": "3",
                                  "Finite element/Global refinements": "6"},
         ["Finite element/Global refinements", "6", "Lateral refinement"])
prm_case("newton_tolerance_one", {"Newton/Relative tolerance": "1"},
         ["Newton/Relative tolerance", "1"])
prm_case("newton_tolerance_zero", {"Newton/Relative tolerance": "0"},
         ["Newton/Relative tolerance", "0"])
prm_case("fillet_degenerate", {"Geometry/Base": "true",
                               "Geometry/Fillet radius": "1e-12"},
         ["Geometry/Fillet radius", "1e-12"])
prm_case("base_radius_hair", {"Geometry/Base": "true",
                              "Geometry/Base radius": "0.5000001"},
         ["Geometry/Base radius", "0.5000001"])
prm_case("needle_cells", {"Geometry/Height": "500", "Geometry/Axial cells": "1"},
         ["Geometry/Height", "500", "Geometry/Axial cells"])

# The same refusals on two MPI ranks: every rank stops, rank 0 reports once,
# nothing hangs.
prm_case("inf_height_2_ranks", {"Geometry/Height": "inf"},
         ["Geometry/Height", "inf"], n_ranks=2)
prm_case("fillet_degenerate_2_ranks", {"Geometry/Base": "true",
                                       "Geometry/Fillet radius": "1e-12"},
         ["Geometry/Fillet radius", "1e-12"], n_ranks=2)

# --- 5. Files checked and named.
self_prm = work / "self_include.prm"
self_prm.write_text(f"set Output directory = {work / 'self_include'}\n"
                    f"INCLUDE {self_prm}\n")
refused("self_include", [self_prm], ["includes itself",
                                                "self_include.prm"],
              work / "self_include")
a, b = work / "loop_a.prm", work / "loop_b.prm"
a.write_text(f"set Output directory = {work / 'loop'}\nINCLUDE {b}\n")
b.write_text(f"subsection Geometry\n  set Height = 2\nend\nINCLUDE {a}\n")
refused("include_loop", [a], ["includes itself", "loop_a.prm",
                                         "loop_b.prm, line 4"], work / "loop")
missing_inc = work / "inc_missing.prm"
missing_inc.write_text(f"set Output directory = {work / 'inc_missing'}\n"
                       f"INCLUDE {work / 'nowhere.prm'}\n")
refused("include_missing", [missing_inc],
              ["nowhere.prm", "not found", "inc_missing.prm, line 2"],
              work / "inc_missing")
empty = work / "empty.prm"
empty.write_text("")
refused("empty_prm", [empty], ["empty.prm", "sets no entry"])
comments = work / "comments_only.prm"
comments.write_text("# nothing here\n\n   # still nothing\n")
refused("comments_only_prm", [comments],
              ["comments_only.prm", "sets no entry"])
refused("prm_is_directory", [work], [str(work), "is a directory"])
refused("prm_missing", [work / "nope.prm"],
              ["nope.prm", "not found"])
refused("unknown_option", [empty, "--restrat"],
              ["unknown option --restrat"])
refused("unknown_option_alone", ["--restrat"],
              ["unknown option --restrat"])

# An entry set twice with different values: both lines named (line 7 is
# 'set Height = 2.0' in elastic_pillar.prm; the second one is appended).
dup = t.write_prm("elastic_pillar.prm", work / "duplicate.prm",
                  {"Output directory": work / "duplicate"})
lines = dup.read_text().splitlines()
first = next(i for i, l in enumerate(lines, 1) if "set Height" in l)
dup.write_text("\n".join(lines) + "\nsubsection Geometry\n  set Height = \\\n"
               "     3.0   # continued\nend\n")
refused("duplicate_entry", [dup],
              ["Geometry/Height", "set twice", f"line {first}",
               f"line {len(lines) + 2}", "2.0", "3.0"], work / "duplicate")
# ... the same value twice, and the same name in two subsections, are fine.
same = t.write_prm("elastic_pillar.prm", work / "same_twice.prm",
                   {"Output directory": work / "same_twice"})
same.write_text(same.read_text() + "subsection Geometry\n  set Height = 2.0\n"
                "end\n")
accepted("same_value_twice", same)
accepted("same_name_two_subsections", t.write_prm(
    "elastic_pillar.prm", work / "two_sections.prm",
    {"Output directory": work / "two_sections",
     "Linear solver/Relative tolerance": "1e-10",
     "Newton/Relative tolerance": "1e-8"}))

# A UTF-8 byte-order mark: stripped from the main file (accepted) ...
bom = work / "bom.prm"
bom.write_bytes(b"\xef\xbb\xbf" + t.write_prm(
    "elastic_pillar.prm", work / "bom_plain.prm",
    {"Output directory": work / "bom"}).read_bytes())
accepted("bom_main_file", bom)
# ... refused, with a message, in an INCLUDEd file (deal.II reads those).
inc = work / "bom_included.prm"
inc.write_bytes(b"\xef\xbb\xbfsubsection Geometry\n  set Height = 2.0\nend\n")
incl = work / "includes_bom.prm"
incl.write_text(f"set Output directory = {work / 'inc_bom'}\nINCLUDE {inc}\n")
refused("bom_included_file", [incl],
              ["bom_included.prm", "byte-order mark"])

# Gmsh meshes: corrupt, truncated, 2D-only, tetrahedral, a directory.
text = mesh.read_text()
bad_meshes = {
    "corrupt": ("this is not a mesh\n", ["not a Gmsh .msh file"]),
    "cut": (text[:int(len(text) * 0.8)], ["truncated"]),
    "cut_at_line_end": (text[:text.rindex("\n", 0, int(len(text) * 0.5))],
                        ["truncated"]),
    "binary": ("$MeshFormat\n2.2 1 8\n$EndMeshFormat\n", ["binary"]),
    "surface_only": ("$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$Nodes\n4\n"
                     "1 0 0 0\n2 1 0 0\n3 1 1 0\n4 0 1 0\n$EndNodes\n"
                     "$Elements\n2\n1 2 2 0 1 1 2 3\n2 2 2 0 1 1 3 4\n"
                     "$EndElements\n", ["2D mesh"]),
    "tetrahedra": ("$MeshFormat\n2.2 0 8\n$EndMeshFormat\n$Nodes\n4\n"
                   "1 0 0 0\n2 1 0 0\n3 0 1 0\n4 0 0 1\n$EndNodes\n"
                   "$Elements\n2\n1 2 2 2 1 1 2 3\n2 4 2 0 1 1 2 3 4\n"
                   "$EndElements\n", ["1 tetrahedra", "hexahedra"]),
}
for kind, (content, expected) in bad_meshes.items():
    path = work / f"{kind}.msh"
    path.write_text(content)
    prm_case(f"mesh_{kind}", {"Geometry/Mesh file": path},
             ["Geometry/Mesh file", f"{kind}.msh"] + expected,
             template="gmsh_one_material.prm")
prm_case("mesh_is_directory", {"Geometry/Mesh file": work},
         ["Geometry/Mesh file", "is a directory"],
         template="gmsh_one_material.prm")

# --- 6. An error while setting up a model names the material as written.
prm_case("model_setup_names_material",
         {"Materials/pillar/Yield stress": "0"},
         ["Materials/pillar (J2 plasticity)",
          "Materials/pillar/Yield stress = 0"],
         template="j2_pillar.prm", check=True)
prm_case("crystal_setup_names_material",
         {"Materials/crystal/FCC/C12": "1e7"},
         ["Materials/crystal (crystal plasticity)",
          "Materials/crystal/FCC/C11, C12, C44"],
         template="crystal_pillar.prm", check=True)

finish_all()
sys.exit(t.finish())
