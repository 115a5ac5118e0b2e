"""Checkpoint and restart.

1. A run killed with SIGKILL in the middle and restarted from its last
   checkpoint ends with the same curve as an uninterrupted run (1e-10
   relative).
2. SIGTERM makes a run write a checkpoint and stop with exit code 3 and
   status 'interrupted'; the restart completes with the same curve.
3. A restart on 2 ranks from a 1-rank checkpoint agrees to solver tolerance.
4. Under mpirun, SIGUSR1 sent to mpirun (which forwards it to every rank)
   stops a 2-rank run the same way: exit code 3, status 'interrupted', a
   checkpoint that restarts to the uninterrupted curve.
"""
import sys
import os
import signal
import subprocess
import time

import numpy as np

import mp_test as t
from postprocess import curves

exe, work = t.args()
base = {"Loading/Punch contact": "stuck",
        "Loading/Bottom support": "fixed",
        "Loading/Target strain": 0.03,
        "Time stepping/Initial strain increment": 0.001,
        "Time stepping/Maximum strain increment": 0.0015,
        "Geometry/Lateral refinement": 2,
        "Geometry/Axial cells": 8,
        "Newton/Relative tolerance": 1e-10,
        "Linear solver/Relative tolerance": 1e-12}

ref = t.simulate(exe, work, "reference", "j2_pillar.prm", base)
print(f"reference: {len(ref)} rows")


def interrupted_run(name, sig, min_rows, launcher=(), env=None):
    """Start a run with checkpoints every step (under launcher, e.g.
    mpirun); send sig to the started process once the curve has min_rows
    data rows. Returns (prm, output dir, exit code)."""
    out = work / name
    prm = t.write_prm("j2_pillar.prm", work / f"{name}.prm",
                      dict(base, **{"Output directory": str(out),
                                    "Checkpoint/Interval": 1}))
    p = subprocess.Popen([*launcher, str(exe), str(prm)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=env)
    csv = out / "stress_strain.csv"
    while p.poll() is None:
        if csv.exists() and len(csv.read_text().splitlines()) >= min_rows + 2:
            p.send_signal(sig)
            break
        time.sleep(0.02)
    p.communicate(timeout=600)
    return prm, out, p.returncode


def compare(c, label, tol):
    t.check(len(c) == len(ref), f"{label}: {len(c)} rows vs {len(ref)}")
    if len(c) == len(ref):
        rel = np.max(np.abs(c.stress - ref.stress)) / np.max(np.abs(ref.stress))
        t.check(rel <= tol, f"{label}: max relative stress difference "
                f"{rel:.1e} <= {tol:.0e}")


# 1. SIGKILL, then restart on the same rank count.
prm, out, rc = interrupted_run("killed", signal.SIGKILL, len(ref) // 2)
t.check(rc == -signal.SIGKILL, f"the run was killed (exit {rc})")
t.check((out / "checkpoint" / "state.txt").exists(), "a checkpoint exists")
p = subprocess.run([str(exe), str(prm), "--restart"], capture_output=True,
                   text=True)
t.check(p.returncode == 0 and "Restarted from" in p.stdout,
        f"restart after SIGKILL exits 0 ({p.returncode})")
compare(curves.read_curve(out), "SIGKILL + restart", 1e-10)

# 2. SIGTERM writes a checkpoint and stops with exit code 3.
prm, out, rc = interrupted_run("terminated", signal.SIGTERM, len(ref) // 3)
status = (out / "run_status.txt").read_text()
t.check(rc == 3 and status.startswith("interrupted"),
        f"SIGTERM: exit {rc}, status '{status.strip()[:40]}'")
p = subprocess.run([str(exe), str(prm), "--restart"], capture_output=True,
                   text=True)
t.check(p.returncode == 0, f"restart after SIGTERM exits 0 ({p.returncode})")
compare(curves.read_curve(out), "SIGTERM + restart", 1e-10)

# 3. Restart on 2 ranks from a 1-rank checkpoint.
prm, out, rc = interrupted_run("ranks", signal.SIGKILL, len(ref) // 2)
env = dict(os.environ)
env.update(t.convergence.mpi_env())
p = subprocess.run(["mpirun", "-np", "2", str(exe), str(prm), "--restart"],
                   capture_output=True, text=True, env=env)
t.check(p.returncode == 0, f"restart on 2 ranks exits 0 ({p.returncode})")
compare(curves.read_curve(out), "1-rank checkpoint, 2-rank restart", 1e-6)

# 4. SIGUSR1 to mpirun reaches every rank: checkpoint, exit 3.
prm, out, rc = interrupted_run("mpirun_usr1", signal.SIGUSR1, len(ref) // 3,
                               ["mpirun", "-np", "2"], env)
status = (out / "run_status.txt").read_text()
t.check(rc == 3 and status.startswith("interrupted"),
        f"SIGUSR1 to mpirun: exit {rc}, status '{status.strip()[:40]}'")
p = subprocess.run(["mpirun", "-np", "2", str(exe), str(prm), "--restart"],
                   capture_output=True, text=True, env=env)
t.check(p.returncode == 0, f"restart after SIGUSR1 exits 0 ({p.returncode})")
compare(curves.read_curve(out), "SIGUSR1 + 2-rank restart", 1e-6)
sys.exit(t.finish())
