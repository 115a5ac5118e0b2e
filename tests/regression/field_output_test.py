"""ParaView time series: fields.pvd and fields_by_strain.pvd.

1. On 1 and 2 ranks, fields.pvd lists one frame per field output (every
   3rd step and the last), with the time of that step in stress_strain.csv;
   fields_by_strain.pvd lists the same files by engineering strain; every
   frame's .pvtu names one piece per rank, and each piece's field data
   (TIME, CYCLE, engineering_strain, engineering_stress_MPa) equals the
   step's row of the curve.
2. A run killed after a checkpoint and restarted has the same frames (times
   and files) as an uninterrupted run: frames written after the checkpoint
   by the killed run are dropped and written again.
"""
import sys

import mp_test as t
from postprocess import curves, pvd

exe, work = t.args()
base = {"Loading/Target strain": 0.004,
        "Output/Field output interval": 3}


def check_series(name, out, n_ranks):
    c = curves.read_curve(out)
    steps = [int(s) for s in c.columns["step"]]
    ctime = c.columns["time"]
    frames = pvd.read_pvd(out / "fields.pvd")
    by_strain = pvd.read_pvd(out / "fields_by_strain.pvd")
    expected = [s for s in steps if s > 0 and (s % 3 == 0 or s == steps[-1])]
    t.check(len(frames) == len(expected) and len(expected) >= 3,
            f"{name}: {len(frames)} frames for field steps {expected}")
    t.check([f for _, f in frames] == [f for _, f in by_strain],
            f"{name}: both collections list the same files")
    for (tm, pvtu), (eps, _) in zip(frames, by_strain):
        pieces = pvd.pvtu_pieces(pvtu)
        ok = len(pieces) == n_ranks and all(p.exists() for p in pieces)
        fd = pvd.field_data(pieces[0]) if pieces else {}
        step = int(fd.get("CYCLE", -1))
        row = steps.index(step) if step in steps else None
        ok = ok and row is not None
        if ok:
            ok = (abs(tm - ctime[row]) <= 1e-5 * abs(ctime[row]) and
                  abs(fd["TIME"] - ctime[row]) <= 1e-6 * abs(ctime[row]) and
                  abs(eps - c.strain[row]) <= 1e-5 * abs(c.strain[row]) and
                  abs(fd["engineering_strain"] - c.strain[row]) <= 1e-12 and
                  abs(fd["engineering_stress_MPa"] - c.stress[row]) <=
                  1e-9 * abs(c.stress[row]))
        t.check(ok, f"{name}: {pvtu.name} (step {step}, t = {tm}, strain "
                f"{eps}) matches its curve row and has {n_ranks} piece(s)")
    return frames


ref = None
for n in (1, 2):
    out = work / f"np{n}"
    t.simulate(exe, work, f"np{n}", "j2_pillar.prm", base, n_ranks=n)
    frames = check_series(f"{n} rank(s)", out, n)
    if n == 1:
        ref = [(round(tm, 9), f.name) for tm, f in frames]

# 2. Kill after a checkpoint, restart: the same frames.
out = work / "killed"
prm = t.write_prm("j2_pillar.prm", work / "killed.prm",
                  dict(base, **{"Output directory": str(out),
                                "Checkpoint/Interval": 4}))
# step 6 written: checkpoint at 4, frame 6 written after it
r = t.kill_and_restart(exe, prm, out, 6)
t.check(r.returncode == 0, f"restart exits 0 ({r.returncode})")
frames = check_series("restarted", out, 1)
t.check([(round(tm, 9), f.name) for tm, f in frames] == ref,
        "restarted run: the same frames as the uninterrupted one")
sys.exit(t.finish())
