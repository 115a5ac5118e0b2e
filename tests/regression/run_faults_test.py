"""Faults inside a run, and restarts that must be refused (issue 12).

1. A fault injected on ONE rank of a 2-rank run (MICROPILLAR_TEST_FAULT,
   solver/faults.h) at each site (a material point in the assembly, the
   curve, the field output, the checkpoint, and an exception outside every
   guarded part) ends the run on every rank with exit code 4, one
   "micropillar: error:" line naming the site and the rank, run_status.txt
   "stopped: fault...", no hang (every run under a timeout), and the last
   checkpoint intact: a restart from it completes with the uninterrupted
   curve.
2. --restart refuses (exit 1, the entry or the file named, nothing resumed)
   a checkpoint written for another Height, Taper angle, Lateral
   refinement, element, material entry; and a checkpoint with a truncated
   or corrupted file or without its manifest. A restart with a changed
   Target strain (allowed) completes.
"""
import os
import shutil
import subprocess
import sys

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
base = {"Loading/Target strain": 0.004,
        "Checkpoint/Interval": 3,
        "Output/Field output interval": 2,
        "Newton/Relative tolerance": 1e-10,
        "Linear solver/Relative tolerance": 1e-12}
env = dict(os.environ)
env.update(t.convergence.mpi_env())
TIMEOUT = 120

ref = t.simulate(exe, work, "reference", "j2_pillar.prm", base, n_ranks=2)


def mpirun(prm, extra_env=None, restart=False):
    e = dict(env)
    e.update(extra_env or {})
    cmd = ["mpirun", "-np", "2", str(exe), str(prm)] + \
        (["--restart"] if restart else [])
    try:
        return subprocess.run(cmd, capture_output=True, text=True, env=e,
                              timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None


def same_curve(out, label):
    c = curves.read_curve(out)
    ok = len(c) == len(ref)
    if ok:
        ok = np.max(np.abs(c.stress - ref.stress)) <= \
            1e-8 * np.max(np.abs(ref.stress))
    t.check(ok, f"{label}: the curve equals the uninterrupted run's")


# 1. Faults on one rank.
for site in ("assembly:1:5", "curve:0:5", "fields:1:4", "checkpoint:1:6",
             "uncaught:1:5"):
    name = "fault_" + site.split(":")[0]
    out = work / name
    prm = t.write_prm("j2_pillar.prm", work / f"{name}.prm",
                      dict(base, **{"Output directory": str(out)}))
    p = mpirun(prm, {"MICROPILLAR_TEST_FAULT": site})
    if p is None:
        t.check(False, f"{site}: the run hung (killed after {TIMEOUT} s)")
        continue
    err = [l for l in p.stderr.splitlines() if l.startswith("micropillar:")]
    status = (out / "run_status.txt").read_text().strip()
    rank = "rank " + site.split(":")[1]
    t.check(p.returncode == 4, f"{site}: exit code {p.returncode} == 4")
    t.check(len(err) == 1 and "error:" in err[0] and rank in err[0] and
            "injected fault at " + site.split(":")[0] in err[0],
            f"{site}: one message naming the site and the rank: {err}")
    t.check(status.startswith("stopped: fault"), f"{site}: status '{status}'")
    t.check((out / "checkpoint" / "manifest.txt").exists(),
            f"{site}: the last checkpoint is kept")
    # The kept checkpoint is complete: resume without the fault.
    r = mpirun(prm, restart=True)
    t.check(r is not None and r.returncode == 0,
            f"{site}: restart from the kept checkpoint exits 0")
    if r is not None and r.returncode == 0:
        same_curve(out, f"{site}: restarted")

# 2. Restarts that must be refused.
src = work / "source"
prm_src = t.write_prm("j2_pillar.prm", work / "source.prm",
                      dict(base, **{"Output directory": str(src)}))
t.check(mpirun(prm_src).returncode == 0, "source run for the checkpoints")


def refused(label, changes=None, damage=None, must_name=""):
    out = work / label
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(src, out)
    if damage:
        damage(out / "checkpoint")
    prm = t.write_prm("j2_pillar.prm", work / f"{label}.prm",
                      dict(base, **dict({"Output directory": str(out)},
                                        **(changes or {}))))
    before = (out / "stress_strain.csv").read_text()
    p = mpirun(prm, restart=True)
    if p is None:
        t.check(False, f"{label}: the restart hung")
        return
    err = [l for l in p.stderr.splitlines() if l.startswith("micropillar:")]
    t.check(p.returncode == 1 and len(err) == 1 and must_name in err[0],
            f"{label}: exit {p.returncode} == 1, one line naming "
            f"'{must_name}': {err}")
    t.check((out / "stress_strain.csv").read_text() == before,
            f"{label}: the curve is untouched")


refused("height", {"Geometry/Height": 2.2}, must_name="Geometry/Height")
refused("taper", {"Geometry/Taper angle": 2}, must_name="Geometry/Taper angle")
refused("refinement", {"Geometry/Lateral refinement": 2},
        must_name="Geometry/Lateral refinement")
refused("element", {"Finite element/Formulation": "Q1"},
        must_name="Finite element/Formulation")
refused("material", {"Materials/pillar/Yield stress": 123},
        must_name="Materials/pillar/Yield stress")


def truncate(name):
    def f(d):
        data = (d / name).read_bytes()
        (d / name).write_bytes(data[: len(data) // 2])
    return f


def corrupt(name):
    def f(d):
        data = bytearray((d / name).read_bytes())
        data[len(data) // 2] ^= 0xFF
        (d / name).write_bytes(bytes(data))
    return f


refused("truncated_mesh", damage=truncate("mesh"), must_name="mesh>")
refused("truncated_data", damage=truncate("mesh_fixed.data"),
        must_name="mesh_fixed.data")
refused("corrupted_data", damage=corrupt("mesh_variable.data"),
        must_name="mesh_variable.data")
refused("truncated_state", damage=truncate("state.txt"),
        must_name="state.txt")
refused("no_manifest", damage=lambda d: (d / "manifest.txt").unlink(),
        must_name="manifest.txt")

# An allowed change: a longer load programme.
out = work / "longer"
shutil.copytree(src, out)
prm = t.write_prm("j2_pillar.prm", work / "longer.prm",
                  dict(base, **{"Output directory": str(out),
                                "Loading/Target strain": 0.005}))
p = mpirun(prm, restart=True)
c = curves.read_curve(out)
t.check(p is not None and p.returncode == 0 and
        abs(c.strain[-1] - 0.005) < 1e-12,
        "a changed Target strain restarts and runs to the new target")
sys.exit(t.finish())
