"""Every example parameter file in prm/ is valid: `micropillar FILE --check`
reads it strictly, builds its models and its coarse mesh, and exits 0."""
import sys
import subprocess

import mp_test as t

exe, work = t.args()
prms = sorted((t.ROOT / "prm").glob("*.prm"))
t.check(len(prms) >= 5, f"{len(prms)} example prm files")
for prm in prms:
    p = subprocess.run([str(exe), str(prm), "--check"], capture_output=True,
                       text=True, cwd=t.ROOT)
    t.check(p.returncode == 0 and ": OK" in p.stdout,
            f"{prm.name}: {(p.stdout + p.stderr).strip()[-160:]}")
sys.exit(t.finish())
