#!/usr/bin/python3
"""Single-edge-notched tension benchmark (Miehe, Hofacker & Welschinger
2010, CMAME 199, 2765-2778, section 5.1; not a CI test).

The specimen: a 1 x 1 square with a straight notch from the left edge to
the centre at mid-height; E = 210 GPa, nu = 0.3, Gc = 2.7 N/mm, l = 0.015
or 0.0075 mm; the bottom fixed, the top pulled up with no sideways motion;
plane strain. Here in micropillar's units with the same numbers: lengths in
µm (1 µm square), E = 210000 MPa, Gc = 2.7 MPa µm. Gc/E is the only
material length, so every length scaled by 1e-3 with Gc gives the same
stresses at the same strain (tests/regression/fracture_scaled_test.py), and
the force per thickness [µN/µm = MPa µm] is numerically Miehe's N/mm
(MPa mm); the top displacement [µm] is Miehe's [mm].

What differs from Miehe's: the notch is a damage band (Fracture/Initial
crack, d ~ 1 within l/2 of the segment, so ~l/2 longer at its tip) instead
of a slit in the mesh; Amor's volumetric-deviatoric split instead of the
spectral split (tension: Ambati, Gerasimov & De Lorenzis 2015 found the
splits' curves alike); AT2 as in Miehe's; finite strain (Hencky) at < 1 %
strain; one hexahedron through the thickness with u_y = 0 on its faces.
The mesh (meshes/fracture_strip.py): cells of l/2 in a window along the
crack path (x from -0.05 to 0.5, 4 l either side of it), graded to 0.05
elsewhere.

The run stops at the peak: the step in which the crack runs away (the
damage field does not settle in 30 staggered passes) is cut back three
times and the run then stops (exit 2), so the peak is bracketed to 1/8 of
the increment (default 5e-5 mm: 6e-6 mm). The post-peak branch (Miehe's
curve drops almost vertically) is not followed.

Prints, per l: cells, DoFs, steps, staggered iterations, the peak force
per thickness and the top displacement there, and the wall time.

Usage::

    /usr/bin/python3 benchmarks/fracture_sent.py [--exe build/micropillar]
        [--ell 0.015 0.0075] [--np 2] [--workdir output/fracture_sent]
        [--h-over-l 0.5]
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from postprocess import convergence, curves  # noqa: E402

PRM = """# Single-edge-notched tension (benchmarks/fracture_sent.py)
set Output directory = {out}
subsection Geometry
  set Mesh source  = gmsh
  set Mesh file    = {mesh}
  set Top diameter = 1
  set Height       = 1
  set Taper angle  = 0
end
subsection Materials
  set Models = plate: J2 plasticity
  subsection plate
    set Young's modulus   = 210000
    set Poisson's ratio   = 0.3
    set Yield stress      = 1e12
    set Hardening modulus = 0
  end
end
subsection Fracture
  set Model = AT2
  set Regularisation length = {ell}
  set Critical energy release rate = plate: 2.7
  set Initial crack = -0.6, 0, 0.5, 0, 0, 0.5
  set Staggered tolerance = 1e-3
  set Maximum staggered iterations = 30
end
subsection Finite element
  set Formulation = Q1
end
subsection Loading
  set Direction      = tension
  set Strain rate    = 1e-3
  set Target strain  = {target}
  set Punch contact  = stuck
  set Bottom support = fixed
end
subsection Time stepping
  set Initial strain increment = {inc}
  set Maximum strain increment = {inc}
  set Minimum strain increment = {inc_min}
end
subsection Linear solver
  set Package = Trilinos
  set Method  = AMG
end
"""

THICKNESS = 0.01


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--exe", default=str(ROOT / "build" / "micropillar"))
    p.add_argument("--ell", type=float, nargs="+", default=[0.015])
    p.add_argument("--h-over-l", type=float, default=0.5)
    p.add_argument("--np", type=int, default=1)
    p.add_argument("--increment", type=float, default=5e-5)
    p.add_argument("--target", type=float, default=0.01)
    p.add_argument("--workdir", default=str(ROOT / "output" /
                                            "fracture_sent"))
    a = p.parse_args(argv)
    work = Path(a.workdir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for ell in a.ell:
        h = a.h_over_l * ell
        name = f"l{ell:g}_h{h:g}"
        mesh = work / f"{name}.msh"
        subprocess.run([sys.executable, str(ROOT / "meshes" /
                                            "fracture_strip.py"),
                        str(mesh), "--width", "1", "--height", "1",
                        "--thickness", str(THICKNESS), "--h", str(h),
                        "--window", "-0.05", "0.5", str(0.5 - 4 * ell),
                        str(0.5 + 4 * ell), "--ratio", "1.2",
                        "--hmax", "0.05"], check=True)
        out = work / name
        prm = work / f"{name}.prm"
        prm.write_text(PRM.format(out=out, mesh=mesh, ell=ell,
                                  target=a.target, inc=a.increment,
                                  inc_min=a.increment / 8))
        cmd = [a.exe, str(prm)]
        env = dict(os.environ)
        if a.np > 1:
            env.update(convergence.mpi_env())
            cmd = ["mpirun", "-np", str(a.np)] + cmd
        t0 = time.time()
        r = subprocess.run(cmd, capture_output=True, text=True, env=env)
        wall = time.time() - t0
        (work / f"{name}.log").write_text(r.stdout + r.stderr)
        info = {}
        for line in r.stdout.splitlines():
            if line.startswith(("mesh_info:", "run_summary:")):
                info.update(dict(i.split("=", 1) for i in line.split()[1:]
                                 if "=" in i))
        c = curves.read_curve(out)
        force = abs(c.columns["force"]) / THICKNESS
        i = int(force.argmax())
        rows.append((ell, h, info.get("n_active_cells", "?"),
                     info.get("n_dofs", "?"), len(c),
                     info.get("staggered_iterations", "?"),
                     force[i], abs(c.columns["displacement"][i]), wall,
                     r.returncode, force[-1] / force[i]))
    print("| l [mm] | h [mm] | cells | DoFs | steps | staggered its | "
          "peak F/t [N/mm] | u at peak [mm] | F/F_peak at end | wall [s] "
          "| exit |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
          "| --- |")
    for r in rows:
        print(f"| {r[0]:g} | {r[1]:g} | {r[2]} | {r[3]} | {r[4]} | {r[5]} | "
              f"{r[6]:.1f} | {r[7]:.5f} | {r[10]:.2f} | {r[8]:.0f} | "
              f"{r[9]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
