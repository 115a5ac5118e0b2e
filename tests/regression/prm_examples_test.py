"""Every example parameter file in prm/ is valid: `micropillar FILE --check`
reads it strictly, builds its models and its coarse mesh, and exits 0.
prm/default.prm (the flagship laminate pillar) has the same Geometry,
Materials and Finite element subsections as its CI sibling
prm/laminate_homogenised_ci.prm, so a recalibration of one reaches both."""
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


def subsection(path, name):
    """The entries of top-level subsection NAME (comments and blank lines
    dropped, whitespace normalised), as a list of lines."""
    lines, depth, inside = [], 0, False
    for raw in path.read_text().splitlines():
        line = " ".join(raw.split("#", 1)[0].split())
        if not line:
            continue
        if line.startswith("subsection "):
            depth += 1
            if depth == 1 and line == f"subsection {name}":
                inside = True
                continue
        elif line == "end":
            depth -= 1
            if depth == 0 and inside:
                inside = False
                continue
        if inside:
            lines.append(line)
    return lines


default = t.ROOT / "prm" / "default.prm"
sibling = t.ROOT / "prm" / "laminate_homogenised_ci.prm"
for name in ("Geometry", "Materials", "Finite element"):
    a, b = subsection(default, name), subsection(sibling, name)
    t.check(len(a) > 0 and a == b,
            f"default.prm and laminate_homogenised_ci.prm: subsection {name} "
            f"identical ({len(a)} / {len(b)} lines)")
sys.exit(t.finish())
