#!/usr/bin/python3
"""Resolved vs homogenised laminate pillar: run (optionally), compare, plot.

model-spec §0: with thin layers the resolved-layer pillar and the pillar of
"homogenised laminate" points must give the same curve. This script compares
a reference run (the resolved pillar, first argument) with one or more other
runs (the homogenised pillar, ...) on:

* loading modulus E (postprocess.curves.loading_modulus, automatic rule);
* stress at the --at strains (linear interpolation on each curve; note that
  a coarse curve, few output points, is interpolated linearly too, which
  under-estimates a concave curve between its points);
* 0.2 % offset yield, if the curve reaches it;
* steps, cut-backs and wall time: from the run's log (the ``run_summary:``
  line the executable prints, ``wall_s=``, and the ``step N failed`` lines),
  read from RUN_DIR/run.log (written by --run) if present.

Relative differences are (other - reference) / reference.

CLI::

    /usr/bin/python3 postprocess/compare_laminate.py RESOLVED_DIR HOM_DIR ...
        [--run RESOLVED.prm HOM.prm ...] [--exe build/micropillar]
        [--np N] [--labels L1 L2 ...] [--at 0.005 0.01 0.015 0.02]
        [-o postprocess/figures/laminate_resolved_vs_homogenised.png]
        [--json]

With --run, each prm is run with its 'Output directory' replaced by the
corresponding directory (stdout and stderr to DIR/run.log) before the
comparison. Example (the issue-5 comparison, from the repository root)::

    /usr/bin/python3 postprocess/compare_laminate.py \
        output/laminate_ci output/laminate_homogenised_ci \
        --run prm/laminate_ci.prm prm/laminate_homogenised_ci.prm \
        --exe build/micropillar \
        -o postprocess/figures/laminate_resolved_vs_homogenised.png
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from postprocess import convergence, curves  # noqa: E402

DEFAULT_AT = (0.005, 0.01, 0.015, 0.02)
LOG_NAME = "run.log"


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------
def run_case(exe, prm, out_dir, n_ranks: int = 1,
             timeout: Optional[float] = None) -> int:
    """Run micropillar on a copy of @p prm writing into @p out_dir; the
    copy is out_dir/input.prm, the log out_dir/run.log. Returns the exit
    code."""
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    text = Path(prm).read_text()
    text = convergence.set_prm_entry(text, "Output directory", str(out))
    copy = out / "input.prm"
    copy.write_text(text)
    cmd = [str(exe), str(copy)]
    env = dict(os.environ)
    if n_ranks > 1:
        env.update(convergence.mpi_env())
        cmd = ["mpirun", "-np", str(n_ranks)] + \
            (["--oversubscribe"] if n_ranks > 2 else []) + cmd
    t0 = time.monotonic()
    with open(out / LOG_NAME, "w") as log:
        p = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT,
                           env=env, timeout=timeout)
    print(f"ran {' '.join(cmd)}: exit {p.returncode}, "
          f"{time.monotonic() - t0:.1f} s", file=sys.stderr)
    return p.returncode


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
def read_log(run_dir) -> Dict[str, Optional[float]]:
    """steps, cut-backs and wall time [s] from RUN_DIR/run.log (None if
    there is no log or no run_summary line)."""
    info: Dict[str, Optional[float]] = {"wall_s": None, "steps": None,
                                        "cutbacks": None,
                                        "assemblies": None}
    log = Path(run_dir) / LOG_NAME
    if not log.is_file():
        return info
    text = log.read_text(errors="replace")
    info["cutbacks"] = float(len(re.findall(r"^\s*step \d+ failed", text,
                                            flags=re.M)))
    for line in text.splitlines():
        if line.startswith("run_summary:"):
            kv = dict(re.findall(r"(\w+)=([-+0-9.eE]+)", line))
            for k in ("wall_s", "steps", "assemblies"):
                if k in kv:
                    info[k] = float(kv[k])
    return info


def analyse(run_dir, label: str, at: Sequence[float]) -> dict:
    """Curve quantities of one run (see the module docstring)."""
    c = curves.read_curve(run_dir, label)
    fit = curves.loading_modulus(c.strain, c.stress)
    y = curves.offset_yield(c.strain, c.stress, fit.modulus)
    status_file = curves.resolve_curve_path(run_dir).parent / "run_status.txt"
    status = status_file.read_text().strip() if status_file.is_file() else "?"
    r = {"label": label, "source": str(run_dir), "status": status,
         "points": len(c), "E": fit.modulus,
         "stress_at": {f"{a:g}": curves.flow_stress(c.strain, c.stress, a)
                       for a in at},
         "yield_strain": y.strain if y else None,
         "yield_stress": y.stress if y else None,
         "final_strain": float(c.strain[-1]),
         "final_stress": float(c.stress[-1]),
         "curve": c}
    r.update(read_log(run_dir))
    return r


def rel(a: Optional[float], ref: Optional[float]) -> Optional[float]:
    if a is None or ref is None or ref == 0:
        return None
    return (a - ref) / ref


# ---------------------------------------------------------------------------
# Table and plot
# ---------------------------------------------------------------------------
def table(results: List[dict], at: Sequence[float]) -> str:
    ref = results[0]
    rows = [("loading modulus E [GPa]", "E", 1e-3, "{:.2f}")]
    for a in at:
        rows.append((f"stress at {100 * a:g} % [MPa]", ("stress_at", f"{a:g}"),
                     1.0, "{:.1f}"))
    rows += [("0.2 % yield stress [MPa]", "yield_stress", 1.0, "{:.1f}"),
             ("0.2 % yield strain [%]", "yield_strain", 100.0, "{:.3f}"),
             ("final strain [%]", "final_strain", 100.0, "{:.3f}"),
             ("curve points", "points", 1.0, "{:.0f}"),
             ("steps (run_summary)", "steps", 1.0, "{:.0f}"),
             ("cut-backs", "cutbacks", 1.0, "{:.0f}"),
             ("wall time [s]", "wall_s", 1.0, "{:.3g}")]

    def get(r, key):
        if isinstance(key, tuple):
            return r[key[0]].get(key[1])
        return r.get(key)

    head = ["quantity"] + [r["label"] for r in results] + \
        [f"{r['label']} vs {ref['label']}" for r in results[1:]]
    lines = []
    for name, key, scale, fmt in rows:
        vals = [get(r, key) for r in results]
        cells = [name] + [("-" if v is None else fmt.format(v * scale))
                          for v in vals]
        for v in vals[1:]:
            d = rel(v, vals[0])
            if key in ("points", "steps", "cutbacks", "final_strain",
                       "yield_strain"):
                cells.append("")
            elif key == "wall_s":
                cells.append("-" if v is None or not vals[0] else
                             f"x{v / vals[0]:.3g}")
            else:
                cells.append("-" if d is None else f"{100 * d:+.2f} %")
        lines.append(cells)
    widths = [max(len(str(x)) for x in col)
              for col in zip(head, *lines)]
    out = ["  ".join(h.ljust(w) if i == 0 else h.rjust(w)
                     for i, (h, w) in enumerate(zip(head, widths)))]
    out.append("  ".join("-" * w for w in widths))
    for cells in lines:
        out.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(cells, widths))))
    return "\n".join(out)


def plot(results: List[dict], path, title: Optional[str] = None) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, (ax, bx) = plt.subplots(1, 2, figsize=(9, 3.6),
                                 gridspec_kw={"width_ratios": [3, 2]})
    markers = ["o", "s", "^", "v", "D"]
    ref = results[0]["curve"]
    for k, r in enumerate(results):
        c = r["curve"]
        ax.plot(100 * c.strain, 1e-3 * c.stress, marker=markers[k % 5],
                ms=3.5, lw=1.2, label=r["label"] + (
                    f" ({r['wall_s']:.3g} s)" if r.get("wall_s") else ""))
        if r["yield_stress"] is not None:
            ax.plot(100 * r["yield_strain"], 1e-3 * r["yield_stress"],
                    marker="o", mfc="none", mec="k", ms=8, ls="none")
        if k > 0:
            # difference at the other run's own points (no interpolation of
            # the coarse curve), against the reference interpolated there
            e = c.strain[(c.strain > 0) & (c.strain <= ref.strain[-1])]
            s = np.interp(e, c.strain, c.stress)
            s0 = np.interp(e, ref.strain, ref.stress)
            bx.plot(100 * e, 100 * (s - s0) / s0, marker=markers[k % 5],
                    ms=3.5, lw=1.0, label=r["label"])
    ax.set_xlabel("engineering strain [%]")
    ax.set_ylabel("engineering stress [GPa]")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    bx.axhline(0, color="k", lw=0.6)
    bx.set_xlabel("engineering strain [%]")
    bx.set_ylabel(f"stress vs {results[0]['label']} [%]")
    bx.grid(alpha=0.3)
    bx.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


# ---------------------------------------------------------------------------
def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("runs", nargs="+",
                    help="run directories: reference (resolved) first")
    ap.add_argument("--run", nargs="+", metavar="PRM",
                    help="run these prm files into the run directories first "
                         "(one per directory, same order)")
    ap.add_argument("--exe", default="build/micropillar")
    ap.add_argument("--np", type=int, default=1, help="MPI ranks per run")
    ap.add_argument("--labels", nargs="+")
    ap.add_argument("--at", nargs="+", type=float, default=list(DEFAULT_AT))
    ap.add_argument("-o", "--output", help="PNG plot")
    ap.add_argument("--title")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if len(a.runs) < 2:
        ap.error("need a reference run and at least one other")
    if a.run is not None and len(a.run) != len(a.runs):
        ap.error("--run needs one prm per run directory")
    if a.labels is not None and len(a.labels) != len(a.runs):
        ap.error("--labels needs one label per run directory")
    labels = a.labels or [curves.default_label(r) for r in a.runs]
    failed = 0
    if a.run:
        for prm, out in zip(a.run, a.runs):
            failed += run_case(a.exe, prm, out, a.np) != 0
    results = [analyse(r, lab, a.at) for r, lab in zip(a.runs, labels)]
    if a.json:
        print(json.dumps([{k: v for k, v in r.items() if k != "curve"}
                          for r in results], indent=1))
    else:
        print(table(results, a.at))
        for r in results:
            if r["status"] != "completed":
                print(f"warning: {r['label']}: run status '{r['status']}'")
    if a.output:
        plot(results, a.output, a.title)
        print(f"wrote {a.output}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
