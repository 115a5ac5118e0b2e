"""Why the cracking laminate pillar's first drop is deep (docs/fracture.md,
"What a broken point carries, and why the laminate's first drop is deep"):
one point of prm/laminate_fracture_orthogonal.prm in uniaxial stress along
the layer normal (build/laminate_point, the tool next to micropillar), to
10 %, intact and with its crystal cracked at d = 0.9 from the first step.
1. Intact, the crystal confines the glass: the glass's in-plane stresses
   are at least 80 % of the axial one, and the point carries more than
   1.8 GPa axially.
2. Cracked, the crystal's in-plane stresses fall below 5 % of the intact
   point's axial stress, the glass is in nearly uniaxial compression
   (in-plane below 20 % of its axial stress), and the point carries less
   than 20 % of the intact stress.
3. The axial stress is the same in crystal, glass and point (layers in
   series), intact and cracked (0.5 MPa).
~2 s.
"""
import csv
import io
import subprocess
import sys

import mp_test as t

exe, work = t.args()
tool = exe.parent / "laminate_point"
prm = t.ROOT / "prm" / "laminate_fracture_orthogonal.prm"


def point(d):
    p = subprocess.run([str(tool), str(prm), "0.1", "0.005", "0.1", "0.05",
                        str(d)], capture_output=True, text=True)
    t.check(p.returncode == 0, f"d = {d}: laminate_point exit "
            f"{p.returncode} {p.stderr.strip()[-200:]}")
    rows = [ln for ln in p.stdout.splitlines() if not ln.startswith("#")]
    return list(csv.DictReader(io.StringIO("\n".join(rows))))[-1]


intact, cracked = point(0.), point(0.9)
for name, r in (("intact", intact), ("cracked", cracked)):
    t.check(abs(float(r["strain"]) - 0.1) < 1e-9,
            f"{name}: reached 10 % ({r['strain']})")
    zz = [float(r[k]) for k in ("sigma_zz", "c_zz", "g_zz")]
    t.check(max(zz) - min(zz) <= 0.5,
            f"{name}: axial stress of point / crystal / glass {zz} MPa "
            f"equal (layers in series)")

s0 = float(intact["sigma_zz"])
g0 = [float(intact[k]) for k in ("g_inplane_max", "g_inplane_min")]
t.check(s0 < -1800. and all(g <= 0.8 * s0 for g in g0),
        f"intact: {s0:.0f} MPa axial, glass in-plane {g0} MPa (confined: "
        f"at least 80 % of the axial)")

s1 = float(cracked["sigma_zz"])
c1 = [float(cracked[k]) for k in ("c_inplane_max", "c_inplane_min")]
g1 = [float(cracked[k]) for k in ("g_inplane_max", "g_inplane_min")]
t.check(all(abs(c) <= 0.05 * abs(s0) for c in c1),
        f"cracked: crystal in-plane {c1} MPa (below 5 % of {abs(s0):.0f})")
t.check(all(abs(g) <= 0.2 * abs(s1) for g in g1) and
        abs(s1) < 0.2 * abs(s0),
        f"cracked: {s1:.0f} MPa axial (below 20 % of the intact "
        f"{s0:.0f}), glass in-plane {g1} MPa (nearly uniaxial)")
sys.exit(t.finish())
