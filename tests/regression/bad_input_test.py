"""Bad input: one clear message naming the entry and the value, a non-zero
exit, no crash (no deal.II banner or stack trace), and no output that looks
complete (no run_status.txt reading 'completed')."""
import sys
from pathlib import Path

import mp_test as t

exe, work = t.args()
mesh = str(t.ROOT / "meshes" / "pillar_on_base.msh")

# (name, overrides, extra prm lines, substrings the message must contain)
cases = [
    ("unknown_entry", {}, "subsection Geometry\n  set Hieght = 2\nend\n",
     ["Hieght"]),
    ("wrong_type", {"Geometry/Height": "two"}, "", ["two", "Height"]),
    ("negative_friction", {"Loading/Punch contact": "Coulomb",
                           "Loading/Friction coefficient": "-0.2"}, "",
     ["Friction coefficient", "-0.2"]),
    ("coulomb_tension", {"Loading/Punch contact": "Coulomb",
                         "Loading/Direction": "tension"}, "",
     ["Punch contact", "Coulomb", "Direction"]),
    ("negative_height", {"Geometry/Height": "-1"}, "", ["Height", "-1"]),
    ("zero_diameter", {"Geometry/Top diameter": "0"}, "", ["Top diameter"]),
    ("closing_taper", {"Geometry/Taper angle": "-40"}, "",
     ["Taper angle", "-40"]),
    ("small_base", {"Geometry/Base": "true", "Geometry/Base radius": "0.3"},
     "", ["Base radius", "0.3"]),
    ("missing_mesh", {"Geometry/Mesh source": "gmsh",
                      "Geometry/Mesh file": "no_such_mesh.msh"}, "",
     ["Mesh file", "no_such_mesh.msh"]),
    ("unknown_model", {"Materials/Models": "pillar: neo-Hookan"}, "",
     ["neo-Hookan", "Models"]),
    ("unknown_stack_material", {"Geometry/Layer stack": "pilar:0.1"}, "",
     ["Layer stack", "pilar"]),
    ("material_without_model", {"Geometry/Mesh file": mesh}, "",
     ["physical volume tag 1", "Materials"], "gmsh_one_material.prm"),
    ("unknown_substep_rule", {},
     "subsection Materials\n  subsection crystal\n    subsection Numerics\n"
     "      set Sub-step rule = sometimes\n    end\n  end\nend\n",
     ["Sub-step rule", "sometimes"], "crystal_pillar.prm"),
    ("same_fallback_smoother", {"Linear solver/AMG smoother": "ILU",
                                "Linear solver/AMG fallback smoother": "ILU"},
     "", ["AMG fallback smoother", "ILU"]),
    ("bad_time_stepping",
     {"Time stepping/Minimum strain increment": "0.01"}, "",
     ["Minimum strain increment"]),
]

for name, overrides, extra, expected, *template in cases:
    out = work / name
    overrides = dict(overrides)
    overrides["Output directory"] = str(out)
    prm = t.write_prm(template[0] if template else "elastic_pillar.prm", work / f"{name}.prm", overrides)
    if extra:
        prm.write_text(prm.read_text() + extra)
    p = t.run(exe, prm, check=False)
    msg = p.stderr.strip()
    t.check(p.returncode == 1, f"{name}: exit code {p.returncode} == 1")
    t.check(all(s in msg for s in expected),
            f"{name}: message names {expected}: '{msg}'")
    t.check(msg.startswith("micropillar: error:") and
            msg.count("micropillar: error:") == 1,
            f"{name}: exactly one error message")
    t.check("Stacktrace" not in p.stderr + p.stdout and
            "An error occurred in line" not in p.stderr + p.stdout,
            f"{name}: no crash banner")
    status = out / "run_status.txt"
    t.check((not status.exists() or
             "completed" not in status.read_text()) and
            not (out / "stress_strain.csv").exists(),
            f"{name}: no output that looks complete")

# A missing parameter file and an unknown option.
for name, argv in [("missing_prm", [str(work / "nope.prm")]),
                   ("unknown_option", ["--frobnicate"])]:
    import subprocess
    p = subprocess.run([str(exe)] + argv, capture_output=True, text=True,
                       timeout=120)
    t.check(p.returncode == 1 and argv[0].split("/")[-1] in p.stderr,
            f"{name}: exit {p.returncode}, message '{p.stderr.strip()[:80]}'")

# --print-parameters documents every entry.
import subprocess
p = subprocess.run([str(exe), "--print-parameters"], capture_output=True,
                   text=True)
t.check(p.returncode == 0 and "Layer stack" in p.stdout and
        "Strain rate" in p.stdout and "Yield stress" in p.stdout,
        "--print-parameters prints the entries of every subsection")
sys.exit(t.finish())
