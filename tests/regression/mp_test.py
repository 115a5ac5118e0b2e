"""Shared helpers of the regression tests (tests/regression/*_test.py).

Each regression test is a script run by ctest as
    /usr/bin/python3 SCRIPT.py MICROPILLAR_EXE WORKDIR
It writes prm files (a template from tests/regression/*.prm with entries
overridden by postprocess.convergence.set_prm_entry), runs the real
executable (directly for one rank, under mpirun for more), and asserts on
stress_strain.csv. A failed assertion exits non-zero.
"""
import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))

from postprocess import convergence, curves  # noqa: E402


def args():
    """(executable, work directory) from the command line."""
    if len(sys.argv) < 3:
        sys.exit("usage: SCRIPT.py MICROPILLAR_EXE WORKDIR")
    work = Path(sys.argv[2])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return Path(sys.argv[1]), work


def write_prm(template, path, overrides):
    """Copy tests/regression/TEMPLATE with 'Sub/Entry' -> value overrides."""
    text = (HERE / template).read_text()
    for entry, value in overrides.items():
        text = convergence.set_prm_entry(text, entry, str(value))
    Path(path).write_text(text)
    return Path(path)


def run(exe, prm, n_ranks=1, check=True):
    """Run micropillar on prm; returns the CompletedProcess."""
    cmd = [str(exe), str(prm)]
    env = dict(os.environ)
    if n_ranks > 1:
        env.update(convergence.mpi_env())
        cmd = ["mpirun", "-np", str(n_ranks)] + \
            (["--oversubscribe"] if n_ranks > 2 else []) + cmd
    p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                       timeout=1800)
    if check and p.returncode != 0:
        print(p.stdout[-4000:])
        print(p.stderr[-4000:])
        sys.exit(f"FAILED: {' '.join(cmd)} exited with {p.returncode}")
    return p


def simulate(exe, work, name, template, overrides, n_ranks=1):
    """Write a prm, run it, return its curve (postprocess.curves.Curve)."""
    out = work / name
    overrides = dict(overrides)
    overrides["Output directory"] = str(out)
    prm = write_prm(template, work / f"{name}.prm", overrides)
    run(exe, prm, n_ranks)
    status = (out / "run_status.txt").read_text().strip()
    check(status == "completed", f"{name}: run status is '{status}'")
    return curves.read_curve(out)


def compress_shipped_prm(exe, work, prm_name, overrides, target):
    """Run prm/PRM_NAME with 'Sub/Entry' overrides to Loading/Target strain
    = target; checks that it completed, reached the target and pushed at
    every step. Returns (CompletedProcess, curve)."""
    name = Path(prm_name).stem
    out = work / name
    text = (ROOT / "prm" / prm_name).read_text()
    overrides = dict(overrides)
    overrides.update({"Output directory": str(out),
                      "Loading/Target strain": str(target)})
    for entry, value in overrides.items():
        text = convergence.set_prm_entry(text, entry, str(value))
    prm = work / f"{name}.prm"
    prm.write_text(text)
    p = run(exe, prm)
    status = (out / "run_status.txt").read_text().strip()
    check(status == "completed", f"{name}: run status '{status}'")
    c = curves.read_curve(out)
    check(abs(c.strain[-1] - target) < 1e-9,
          f"reached {100 * c.strain[-1]:.2f} % (target {100 * target:g} %)")
    check(all(s > 0 for s in c.stress[1:]),
          "compressive punch force at every step")
    return p, c


def kill_and_restart(exe, prm, out, min_rows):
    """Run prm, SIGKILL it once stress_strain.csv in out has min_rows data
    rows, then run it again with --restart. Checks that the run was killed;
    returns the restart's CompletedProcess."""
    import signal
    import time
    p = subprocess.Popen([str(exe), str(prm)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    csv = Path(out) / "stress_strain.csv"
    while p.poll() is None:
        if csv.exists() and len(csv.read_text().splitlines()) >= min_rows + 2:
            p.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)
    p.communicate(timeout=600)
    check(p.returncode == -signal.SIGKILL,
          f"the run was killed after {min_rows} rows ({p.returncode})")
    return subprocess.run([str(exe), str(prm), "--restart"],
                          capture_output=True, text=True, timeout=600)


FAILURES = []


def check(condition, message):
    """Record a failed check (printed, and the script exits 1 at finish())."""
    print(("ok:     " if condition else "FAILED: ") + message)
    if not condition:
        FAILURES.append(message)


def check_bad_input(exe, work, template, entry, value, named):
    """Run TEMPLATE with ENTRY = VALUE: exit 1 with one error line on stderr
    that names the entry (its last path component) and NAMED."""
    prm = write_prm(template, work / "bad.prm",
                    {entry: value, "Output directory": str(work / "bad")})
    b = subprocess.run([str(exe), str(prm)], capture_output=True, text=True,
                       timeout=60)
    msg = b.stderr.strip()
    check(b.returncode == 1 and entry.split("/")[-1] in msg and named in msg
          and msg.count("micropillar: error:") == 1,
          f"{entry} = {value}: exit {b.returncode}, {msg}")


def finish():
    """Summary line; returns the exit code (1 if any check failed). Each
    test script ends with sys.exit(t.finish())."""
    n = len(FAILURES)
    print(f"{n} check(s) failed" if n else "all checks passed")
    return 1 if n else 0
