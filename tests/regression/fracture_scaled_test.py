"""Size enters only through named lengths (issue 13, item 5's scaling test).

fracture_scaled.prm, a pre-cracked plane-strain strip (AT1, elastic), is
run as it is (1 rank) and with every length times s = 3 (2 ranks): Top
diameter, Height, Strip thickness, Regularisation length l, the Initial
crack's coordinates, and Gc (Gc/E is a length: the material's only other
one). The stress-strain curve, the maximum damage and the cracked volume
fraction must be the same to the solver's tolerances (1e-4 of the peak
stress and in d: the staggered loop stops when d changes by at most 1e-4;
measured: 2.4e-6 in stress, 1e-12 in d), and the curve must show the crack
running (a load drop to below half the peak, the cracked volume fraction
more than twice the pre-crack's): a test that can fail.
The crack-pattern script (postprocess/crack_pattern.py) on the last field
record of the unscaled run: a PNG, and the fitted crack plane is the
pre-crack's, z = 0.4 µm (normal within 10 degrees of z, centre within 2 h).
"""
import subprocess
import sys

import numpy as np

import mp_test as t

exe, work = t.args()
s = 3.


def scaled(f, also_l=True, also_gc=True):
    o = {"Geometry/Top diameter": 0.4 * f, "Geometry/Height": 0.8 * f,
         "Geometry/Strip thickness": 0.05 * f,
         "Fracture/Initial crack":
             ", ".join(f"{v * f:.12g}" for v in (-0.25, 0, 0.4, -0.1, 0, 0.4))}
    if also_l:
        o["Fracture/Regularisation length"] = 0.05 * f
    if also_gc:
        o["Fracture/Critical energy release rate"] = f"strip: {0.01 * f:.12g}"
    return o


ref = t.simulate(exe, work, "s1", "fracture_scaled.prm",
                 {"Output/Field output interval": 1})
big = t.simulate(exe, work, "s3", "fracture_scaled.prm", scaled(s), 2)
peak = np.max(-ref.stress)
i = int(np.argmax(-ref.stress))
cvf = ref.columns["cracked_volume_fraction"]
t.check(-ref.stress[-1] < 0.5 * peak and cvf[-1] > 2 * cvf[1] > 0.,
        f"the crack runs: peak {peak:.2f} MPa at strain {-ref.strain[i]:.2e}, "
        f"final {-ref.stress[-1]:.2f} MPa, cracked volume fraction "
        f"{cvf[1]:.4f} (pre-crack) -> {cvf[-1]:.4f}")
same = len(big) == len(ref)
dev = {}
if same:
    dev = {"strain": np.max(np.abs(big.strain - ref.strain)) /
           np.max(np.abs(ref.strain)),
           "stress": np.max(np.abs(big.stress - ref.stress)) / peak,
           "max_damage": np.max(np.abs(big.columns["max_damage"] -
                                       ref.columns["max_damage"])),
           "cracked_volume_fraction":
               np.max(np.abs(big.columns["cracked_volume_fraction"] -
                             ref.columns["cracked_volume_fraction"]))}
t.check(same and max(dev.values()) <= 1e-4,
        f"every length x {s:g} (2 ranks) gives the same curve: rows "
        f"{len(big)} vs {len(ref)}, largest deviations "
        + ", ".join(f"{k} {v:.1e}" for k, v in dev.items()))
# crack_pattern.py on the last record
out = work / "s1"
p = subprocess.run(["/usr/bin/python3", str(t.ROOT / "postprocess" /
                                            "crack_pattern.py"),
                    str(out), "--json"], capture_output=True, text=True)
ok = p.returncode == 0
if ok:
    import json
    summary = json.loads(p.stdout.strip().splitlines()[-1])
    angle = summary.get("angle_normal_to_axis_deg", 90.)
    zc = summary.get("centre", [0, 0, 0])[2]
    ok = angle < 10. and abs(zc - 0.4) < 0.05 and \
        summary["cracked_volume_fraction"] > 0. and \
        (out / "crack_pattern.png").stat().st_size > 1000
    msg = (f"crack_pattern.py: normal at {angle:.1f} deg to z, centre z "
           f"{zc:.3f}, cracked volume fraction "
           f"{summary['cracked_volume_fraction']:.4f}, PNG written")
else:
    msg = f"crack_pattern.py failed: {p.stderr[-500:]}"
t.check(ok, msg)
sys.exit(t.finish())
