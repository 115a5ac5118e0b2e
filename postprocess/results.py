#!/usr/bin/python3
"""Run the CI-sized pillars and write the measured-vs-simulated results.

One command (from the repository root, one core, ~4 min; ~6 min with
``--sensitivity``)::

    /usr/bin/python3 postprocess/results.py --exe build/micropillar \\
        [--workdir output/results] [--no-run] [--sensitivity]
        [--cases nanocrystalline glass laminate_ci laminate_homogenised_ci]
        [--markdown postprocess/RESULTS.md] [--figures postprocess/figures]

For each case it writes a copy of the prm file with the overrides below
(prm rewriter ``set_prm_entry`` of postprocess/convergence.py) and
``Output directory = WORKDIR/<case>`` (absolute), runs
``EXE copy.prm`` serially (log in WORKDIR/<case>/run.log), then reads
WORKDIR/<case>/stress_strain.csv (``--no-run``: only reads existing run
directories) and writes

* ``--markdown`` (default postprocess/RESULTS.md): measured vs simulated
  0.2 %-offset yield, flow stress at 5 % and 10 % (where reached), loading
  modulus, the largest load drop after yield (postprocess/curves.py's
  detector) and, from the last field record, the localisation of the
  plastic strain (postprocess/glass_localisation.py: max/mean equivalent
  plastic strain and the volume fraction carrying half of it, over the
  glass cells or over all cells);
* ``FIGURES/results_references.png`` (nanocrystalline and glass curves),
  ``FIGURES/results_laminate.png`` (resolved and homogenised laminate),
  each with the measured yield strengths (postprocess/plot_curves.py), and
  ``FIGURES/results_laminate_fields.png``: FCC fraction and current/initial
  crystal-layer thickness vs strain (postprocess/fields.py).

Hand-written text below the line ``<!-- notes below are hand-written;
results.py keeps them -->`` of an existing markdown file is kept.

Cases (prm file, overrides):

=========================  ==================================  ===========
case                       prm                                 overrides
=========================  ==================================  ===========
nanocrystalline            prm/nanocrystalline_crconi.prm      Geometry/Lateral refinement = 0, Geometry/Base = false, Output/Field output interval = 1000 (last step only)
glass                      prm/glass_pillar_ci.prm             none (8 %, machine spring, fields every 5 steps)
laminate_ci                prm/laminate_ci.prm                 Loading/Target strain = 0.10 (prm: 0.02), Output/Field output interval = 1000
laminate_homogenised_ci    prm/laminate_homogenised_ci.prm     Loading/Target strain = 0.10 (prm: 0.02), Output/Field output interval = 1000
=========================  ==================================  ===========

``--sensitivity`` also runs the homogenised laminate (the cheap one, ~10 s
each) with one interface / HCP entry changed at a time (CLS core parameter
alpha_c, the beta mu b/h coefficient, the <c+a> CRSS, the transformation
CRSS, the HCP Hall-Petch coefficient) and adds a table to the markdown.

Exit status 1 if a run failed or a curve could not be read (the table is
still written with what exists).
"""

from __future__ import annotations

import argparse
import re
import math
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from postprocess import curves, fields, glass_localisation  # noqa: E402
from postprocess import plot_curves  # noqa: E402
from postprocess.convergence import set_prm_entry  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
AT = (0.05, 0.10, 0.15)
LAST_ONLY = ("Output/Field output interval", "1000")
#: Text from this line on in an existing markdown file is kept on rewrite.
NOTES_MARKER = "<!-- notes below are hand-written; results.py keeps them -->"


@dataclass
class Case:
    name: str
    label: str
    prm: str
    overrides: List[Tuple[str, str]]
    measured_yield: float          # [MPa], shared/experiments.md
    measured_note: str             # the measured plastic response
    glass_material: Optional[int] = None  # material id of the glass cells
    group: str = "references"
    #: > 1: a companion run to dt_target with both strain increments divided by
    #: this, whose 0.2 % yield is reported as the time-step-converged
    #: estimate (issue 14 item 4; docs/after-yield.md (d) has the full
    #: halving study). 0: the prm's increments are converged already.
    dt_factor: int = 0
    #: Target strain of the companion run (past the yield; with a machine
    #: spring the pillar strain lags the programme's).
    dt_target: float = 0.03


CASES: List[Case] = [
    Case("nanocrystalline", "nc CrCoNi (coarse, no base)", "prm/nanocrystalline_crconi.prm",
         [("Geometry/Lateral refinement", "0"), ("Geometry/Base", "false"),
          ("Loading/Target strain", "0.20"), LAST_ONLY],
         3300., "flat engineering flow, localises (shear features)"),
    Case("glass", "glass (glass_pillar_ci)",
         "prm/glass_pillar_ci.prm", [], 1800.,
         "fails soon after yield, shear-band serrations", dt_factor=4,
         dt_target=0.05),
    Case("laminate_ci", "laminate resolved (laminate_ci)",
         "prm/laminate_ci.prm",
         [("Loading/Target strain", "0.15"), LAST_ONLY], 3600.,
         "~15 % homogeneous flow, no shear bands; then plateau and cracks",
         glass_material=1, group="laminate", dt_factor=4),
    Case("laminate_homogenised_ci",
         "laminate homogenised (laminate_homogenised_ci)",
         "prm/laminate_homogenised_ci.prm",
         [("Loading/Target strain", "0.15"), LAST_ONLY], 3600.,
         "~15 % homogeneous flow, no shear bands; then plateau and cracks",
         group="laminate", dt_factor=8),
]

_C = "Materials/laminate/Crystal/"
#: One-at-a-time variations of the homogenised laminate (--sensitivity).
SENSITIVITY: List[Tuple[str, List[Tuple[str, str]]]] = [
    ("argued set (prm as committed)", []),
    ("alpha_c = 1 (CLS core parameter)",
     [(_C + "Interface barrier/CLS core parameter", "1")]),
    ("alpha_c = 0 (CLS term off)",
     [(_C + "Interface barrier/CLS core parameter", "0")]),
    ("beta = 0.25 (extra beta mu b/h)",
     [(_C + "Interface barrier/Interface strength coefficient", "0.25")]),
    ("<c+a> tau0 = 3x basal (180 MPa)",
     [(_C + "HCP/Pyramidal c+a I/Critical resolved shear stress", "180"),
      (_C + "HCP/Pyramidal c+a I/Saturation strength", "420"),
      (_C + "HCP/Pyramidal c+a II/Critical resolved shear stress", "180"),
      (_C + "HCP/Pyramidal c+a II/Saturation strength", "420")]),
    ("<c+a> tau0 = 10x basal (600 MPa)",
     [(_C + "HCP/Pyramidal c+a I/Critical resolved shear stress", "600"),
      (_C + "HCP/Pyramidal c+a I/Saturation strength", "840"),
      (_C + "HCP/Pyramidal c+a II/Critical resolved shear stress", "600"),
      (_C + "HCP/Pyramidal c+a II/Saturation strength", "840")]),
    ("tau_c,tr = 75 MPa",
     [(_C + "Transformation kinetics/Critical resolved shear stress",
       "75")]),
    ("tau_c,tr = 300 MPa",
     [(_C + "Transformation kinetics/Critical resolved shear stress",
       "300")]),
    ("HCP Hall-Petch k = 100 (2/3 of the reference's)",
     [(_C + "HCP/Hall-Petch coefficient", "100")]),
]


@dataclass
class Result:
    name: str
    label: str
    run_dir: Path
    prm_copy: Optional[Path] = None
    wall_s: Optional[float] = None
    returncode: Optional[int] = None
    status: str = ""
    summary: Optional[curves.CurveSummary] = None
    curve: Optional[curves.Curve] = None
    local: Dict[str, float] = field(default_factory=dict)
    fcc_end: Optional[float] = None
    #: 0.2 % yield of the companion run with smaller increments [MPa].
    converged_yield: Optional[float] = None
    h_ratio_end: Optional[float] = None


def write_prm(prm: str, overrides: Sequence[Tuple[str, str]],
              out_dir: Path, prm_copy: Path) -> Path:
    text = (ROOT / prm).read_text()
    for key, value in overrides:
        text = set_prm_entry(text, key, value)
    text = set_prm_entry(text, "Output directory", str(out_dir.resolve()))
    prm_copy.parent.mkdir(parents=True, exist_ok=True)
    prm_copy.write_text(text)
    return prm_copy


def increments(prm: str) -> Tuple[float, float]:
    """(Initial, Maximum strain increment) set in prm, else the defaults."""
    text = (ROOT / prm).read_text()
    values = []
    for entry, default in (("Initial strain increment", 1e-3),
                           ("Maximum strain increment", 5e-3)):
        m = re.search(r"^\s*set\s+" + entry + r"\s*=\s*([^\s#]+)", text,
                      re.MULTILINE)
        values.append(float(m.group(1)) if m else default)
    return values[0], values[1]


def dt_overrides(case: "Case") -> List[Tuple[str, str]]:
    """Overrides of the time-step companion run of @p case."""
    first, largest = increments(case.prm)
    return list(case.overrides) + [
        ("Loading/Target strain", repr(case.dt_target)),
        ("Time stepping/Initial strain increment",
         repr(first / case.dt_factor)),
        ("Time stepping/Maximum strain increment",
         repr(largest / case.dt_factor))]


def run(exe: Path, prm_copy: Path, out_dir: Path,
        timeout: Optional[float]) -> Tuple[int, float]:
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    with open(out_dir / "run.log", "w") as log:
        try:
            rc = subprocess.run([str(exe), str(prm_copy)], cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT,
                                timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            rc = -9
        except OSError as exc:
            log.write(f"micropillar: could not start {exe}: {exc}\n")
            rc = -1
    return rc, time.time() - t0


def run_status(out_dir: Path) -> str:
    """Last line of run.log starting with 'micropillar:' or 'Run
    completed', else ''."""
    log = out_dir / "run.log"
    if not log.exists():
        return ""
    msg = ""
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("micropillar:") or line.startswith("Run completed"):
            msg = line.strip()
    return msg


def solver_wall_time(out_dir: Path) -> Optional[float]:
    """wall_s of the solver's last 'run_summary:' line in run.log."""
    log = out_dir / "run.log"
    if not log.exists():
        return None
    wall = None
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("run_summary:"):
            for item in line.split():
                if item.startswith("wall_s="):
                    wall = float(item[len("wall_s="):])
    return wall


def analyse(res: Result, glass_material: Optional[int]) -> None:
    try:
        res.curve = curves.read_curve(res.run_dir, label=res.label)
    except (OSError, ValueError) as exc:
        res.status = f"no curve: {exc}"
        return
    res.summary = curves.analyse(res.curve, at=AT)
    cols = res.curve.columns
    if "fcc_fraction" in cols and len(cols["fcc_fraction"]):
        res.fcc_end = float(cols["fcc_fraction"][-1])
    if "layer_thickness_ratio" in cols and len(cols["layer_thickness_ratio"]):
        res.h_ratio_end = float(cols["layer_thickness_ratio"][-1])
    try:
        rec = glass_localisation.last_record(res.run_dir)
        cells = glass_localisation.read_cells(rec)
        res.local = glass_localisation.localisation(cells, glass_material)
        # Where the most strained cell lies: height z/H over the pillar
        # (z >= 0) and radius r/r_max of that height's cells.
        mask = np.ones(len(cells["volume"]), dtype=bool)
        if glass_material is not None and "material_id" in cells:
            mask = np.abs(cells["material_id"] - glass_material) < 0.5
        xyz = cells["centre"]
        pillar = xyz[:, 2] >= 0.
        sel = mask & pillar
        if sel.any():
            k = np.flatnonzero(sel)[np.argmax(
                cells["equivalent_plastic_strain"][sel])]
            r = np.hypot(xyz[:, 0], xyz[:, 1])
            res.local["z_max_rel"] = float(xyz[k, 2] / xyz[pillar, 2].max())
            res.local["r_max_rel"] = float(r[k] / r[pillar].max())
        res.local["record"] = rec.name
        res.local["over"] = ("glass cells" if glass_material is not None
                             else "all cells")
    except (OSError, ValueError, KeyError) as exc:
        res.local = {"error": str(exc)}


def without_step0(c: curves.Curve) -> curves.Curve:
    keep = c.strain > 0.
    return curves.Curve({k: v[keep] for k, v in c.columns.items()},
                        label=c.label, source=c.source)


def _mpa(x: Optional[float]) -> str:
    return "–" if x is None or not math.isfinite(x) else f"{x / 1e3:.2f}"


def localisation_text(res: Result) -> str:
    s = res.summary
    parts = []
    if s is not None and s.load_drop is not None:
        d = s.load_drop
        if d.relative_drop > 0.05:
            parts.append(f"load drop {100 * d.relative_drop:.0f} % "
                         f"({d.peak_stress / 1e3:.2f} → "
                         f"{d.trough_stress / 1e3:.2f} GPa, "
                         f"{100 * d.peak_strain:.1f} → "
                         f"{100 * d.trough_strain:.1f} %)")
        else:
            parts.append(f"no load drop (largest {100 * d.relative_drop:.1f}"
                         " %)")
    loc = res.local
    if "ep_ratio" in loc and math.isfinite(loc.get("ep_ratio", math.nan)):
        parts.append(f"{loc['over']}: max/mean ε_p {loc['ep_ratio']:.1f}, "
                     f"half of ε_p in {100 * loc['half_strain_volume_fraction']:.0f}"
                     f" % of the volume"
                     + (f", max at z/H {loc['z_max_rel']:.2f}, r/R "
                        f"{loc['r_max_rel']:.2f}" if "z_max_rel" in loc
                        else "") + f" ({loc['record']})")
    return "; ".join(parts) if parts else "–"


def results_table(results: Sequence[Result],
                  cases: Dict[str, Case]) -> str:
    lines = [
        "| pillar | measured yield [GPa] | simulated 0.2 % yield [GPa] "
        "| 0.2 % yield, time-step converged [GPa] "
        "| σ at 5 % [GPa] | σ at 10 % [GPa] | σ at 15 % [GPa] "
        "| loading modulus [GPa] "
        "| end strain | localisation (simulated) | measured response "
        "| wall [s] |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- "
        "| --- | --- |",
    ]
    for r in results:
        c = cases[r.name]
        s = r.summary
        if s is None:
            lines.append(f"| {r.label} | {c.measured_yield / 1e3:.2f} "
                         f"| {r.status} | | | | | | | | {c.measured_note} "
                         f"| |")
            continue
        y = s.yield_stress
        dev = (f" ({100 * (y / c.measured_yield - 1):+.0f} %)"
               if y is not None else "")
        if c.dt_factor <= 1:
            conv = "as simulated (converged increments)"
        elif r.converged_yield is None or y is None:
            conv = "–"
        else:
            yc = r.converged_yield
            conv = (f"{_mpa(yc)} at Δε/{c.dt_factor} "
                    f"({100 * (yc / c.measured_yield - 1):+.0f} % of measured; "
                    f"shipped increments {100 * (y / yc - 1):+.1f} %)")
        lines.append(
            f"| {r.label} | {c.measured_yield / 1e3:.2f} | {_mpa(y)}{dev} "
            f"| {conv} "
            f"| {_mpa(s.flow_stress.get('0.05'))} "
            f"| {_mpa(s.flow_stress.get('0.1'))} "
            f"| {_mpa(s.flow_stress.get('0.15'))} "
            f"| {s.modulus / 1e3:.0f} | {100 * s.final_strain:.1f} %"
            f"{'' if r.returncode in (None, 0) else ' (stopped)'} "
            f"| {localisation_text(r)} | {c.measured_note} "
            f"| {'–' if r.wall_s is None else f'{r.wall_s:.0f}'} |")
    return "\n".join(lines)


def sensitivity_table(rows: Sequence[Result]) -> str:
    lines = ["| variation (homogenised laminate) | 0.2 % yield [GPa] "
             "| σ at 5 % [GPa] | σ at 10 % [GPa] | FCC fraction at end "
             "| end strain |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        s = r.summary
        if s is None:
            lines.append(f"| {r.label} | {r.status} | | | | |")
            continue
        stop = "" if r.returncode in (None, 0) else " (stopped)"
        lines.append(
            f"| {r.label} | {_mpa(s.yield_stress)} "
            f"| {_mpa(s.flow_stress.get('0.05'))} "
            f"| {_mpa(s.flow_stress.get('0.1'))} "
            f"| {'–' if r.fcc_end is None else f'{100 * r.fcc_end:.1f} %'} "
            f"| {100 * s.final_strain:.1f} %{stop} |")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--exe", default=None,
                    help="micropillar executable (default: build/micropillar "
                         "of the repository, else ../build/micropillar)")
    ap.add_argument("--workdir", default="output/results")
    ap.add_argument("--cases", nargs="+", choices=[c.name for c in CASES],
                    default=[c.name for c in CASES])
    ap.add_argument("--no-run", action="store_true",
                    help="only read existing WORKDIR/<case> directories")
    ap.add_argument("--sensitivity", action="store_true",
                    help="also run the homogenised-laminate sensitivity "
                         "study (~1.5 min)")
    ap.add_argument("--timeout", type=float, default=900.,
                    help="per run [s]")
    ap.add_argument("--markdown", default="postprocess/RESULTS.md")
    ap.add_argument("--figures", default="postprocess/figures")
    a = ap.parse_args(argv)

    exe_given = a.exe is not None
    if a.exe is None:
        cands = [ROOT / "build" / "micropillar",
                 ROOT.parent / "build" / "micropillar"]
        a.exe = str(next((c for c in cands if c.exists()), cands[0]))
    exe = Path(a.exe)
    if not exe.is_absolute():
        exe = (Path.cwd() / exe).resolve()
    work = Path(a.workdir).resolve()
    figs = Path(a.figures)
    cases = {c.name: c for c in CASES}
    ok = True
    t_start = time.time()

    results: List[Result] = []
    for name in a.cases:
        c = cases[name]
        res = Result(name, c.label, work / name)
        res.prm_copy = work / f"{name}.prm"
        if not a.no_run:
            write_prm(c.prm, c.overrides, res.run_dir, res.prm_copy)
            print(f"running {name} ...", flush=True)
            res.returncode, res.wall_s = run(exe, res.prm_copy, res.run_dir,
                                             a.timeout)
            print(f"  rc={res.returncode} {res.wall_s:.1f} s", flush=True)
        res.status = run_status(res.run_dir)
        if res.wall_s is None:
            res.wall_s = solver_wall_time(res.run_dir)
        analyse(res, c.glass_material)
        ok &= res.summary is not None and res.returncode in (None, 0)
        if c.dt_factor > 1:
            dt_dir = work / f"{name}_dt"
            if not a.no_run:
                write_prm(c.prm, dt_overrides(c), dt_dir,
                          work / f"{name}_dt.prm")
                print(f"running {name} with increments / {c.dt_factor} "
                      f"to {100 * c.dt_target:g} % ...", flush=True)
                run(exe, work / f"{name}_dt.prm", dt_dir, a.timeout)
            try:
                dc = curves.read_curve(dt_dir)
                res.converged_yield = curves.analyse(dc, at=()).yield_stress
            except (OSError, ValueError):
                res.converged_yield = None
        results.append(res)

    sens: List[Result] = []
    if a.sensitivity:
        base = cases["laminate_homogenised_ci"]
        for k, (label, ov) in enumerate(SENSITIVITY):
            res = Result(f"sens_{k}", label, work / f"sensitivity_{k}")
            res.prm_copy = work / f"sensitivity_{k}.prm"
            if not a.no_run:
                write_prm(base.prm, list(base.overrides) + ov, res.run_dir,
                          res.prm_copy)
                print(f"sensitivity: {label} ...", flush=True)
                res.returncode, res.wall_s = run(exe, res.prm_copy,
                                                 res.run_dir, a.timeout)
            res.status = run_status(res.run_dir)
            if res.wall_s is None:
                res.wall_s = solver_wall_time(res.run_dir)
            analyse(res, None)
            sens.append(res)

    # Figures.
    cmd = ("/usr/bin/python3 postprocess/results.py"
           + (f" --exe {a.exe}" if exe_given else "")
           + ("" if a.workdir == "output/results" else f" --workdir {a.workdir}")
           + (" --sensitivity" if a.sensitivity else ""))
    fig_lines = []
    groups = {"references": ("results_references.png",
                             ["crconi", "glass"],
                             "Reference pillars (CI siblings)"),
              "laminate": ("results_laminate.png", ["laminate"],
                           "Crystal-glass laminate (CI siblings)")}
    for g, (png, keys, title) in groups.items():
        cl = [r.curve for r in results
              if r.curve is not None and cases[r.name].group == g]
        if not cl:
            continue
        out = plot_curves.plot_curves(
            cl, figs / png,
            measured=[plot_curves.MEASURED_YIELD[k] for k in keys],
            title=title)
        dirs = " ".join(str(Path(a.workdir) / r.name) for r in results
                        if r.curve is not None and cases[r.name].group == g)
        fig_lines.append(
            f"- `{out}`: `{cmd}`; equivalently `/usr/bin/python3 "
            f"postprocess/plot_curves.py {dirs} --experiments "
            f"{' '.join(keys)} -o {out}`")
    # The step-0 row of stress_strain.csv carries zeros for the state
    # averages (no state yet): left out of the field plot.
    lam = [without_step0(r.curve) for r in results
           if r.curve is not None and cases[r.name].group == "laminate"]
    cols = fields.field_columns(lam, ["fcc_fraction",
                                      "layer_thickness_ratio"]) if lam else []
    if cols:
        out = fields.plot_fields(lam, figs / "results_laminate_fields.png",
                                 cols, title="Laminate: FCC fraction and "
                                 "crystal-layer thickness h/h0")
        dirs = " ".join(str(Path(a.workdir) / r.name) for r in results
                        if r.curve is not None
                        and cases[r.name].group == "laminate")
        fig_lines.append(
            f"- `{out}`: `{cmd}`; equivalently `/usr/bin/python3 "
            f"postprocess/fields.py {dirs} --columns {' '.join(cols)} "
            f"-o {out}` (which also draws the step-0 row, whose state "
            f"averages are 0 before the first step)")

    # Markdown.
    md = ["# Results: measured vs simulated (CI-sized pillars)", "",
          f"Produced by `{cmd}` (one core; "
          + (f"read existing runs with --no-run; their solver wall times "
             f"sum to {sum(r.wall_s or 0. for r in results + sens):.0f} s"
             if a.no_run else
             f"total wall time {time.time() - t_start:.0f} s") + ").", "",
          "Runs and overrides (prm rewriter of postprocess/convergence.py):",
          ""]
    for r in results:
        c = cases[r.name]
        ov = ", ".join(f"`{k} = {v}`" for k, v in c.overrides) or "none"
        md.append(f"- **{r.name}**: `{c.prm}`, overrides {ov} → "
                  f"`{Path(a.workdir) / r.name}`"
                  + (f" ({r.status})" if r.status else ""))
    md += ["", results_table(results, cases), "",
           "Yield: 0.2 % offset on the engineering curve; modulus: the "
           "loading-branch fit of postprocess/curves.py; σ at 5 %/10 %: "
           "engineering stress (– where the run ends earlier). "
           "Localisation: the largest relative load drop after yield "
           "(postprocess/curves.py) and, from the last field record, "
           "max/mean equivalent plastic strain and the volume fraction "
           "that carries half of it (postprocess/glass_localisation.py; "
           "1 and 50 % for homogeneous flow).", ""]
    for r in results:
        if cases[r.name].group == "laminate" and r.summary is not None \
                and r.fcc_end is not None and r.h_ratio_end is not None:
            md.append(f"- {r.label}: at the end "
                      f"({100 * r.summary.final_strain:.1f} %) FCC fraction "
                      f"{100 * (r.fcc_end or 0):.2f} %, crystal-layer "
                      f"thickness h/h0 = {r.h_ratio_end:.3f} "
                      f"(18 → {18 * r.h_ratio_end:.1f} nm).")
    md += ["", "## Figures", ""] + fig_lines + [""]
    out_md = Path(a.markdown)
    for line in fig_lines:
        png = line.split("`")[1]
        rel = os.path.relpath(Path(png).resolve(), out_md.resolve().parent)
        md.append(f"![{Path(png).stem}]({rel})")
    if sens:
        md += ["", "## Sensitivity of the laminate to the interface and "
               "HCP entries", "",
               "Homogenised laminate (prm/laminate_homogenised_ci.prm to "
               "10 %), one entry changed at a time from the committed "
               f"set; `{cmd}`:", "", sensitivity_table(sens), ""]
    # Hand-written notes below NOTES_MARKER in an existing file are kept.
    notes = ""
    if out_md.exists():
        old = out_md.read_text()
        if NOTES_MARKER in old:
            notes = old[old.index(NOTES_MARKER):]
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text("\n".join(md) + "\n" + ("\n" + notes if notes else ""))
    print(f"wrote {out_md}")
    for line in fig_lines:
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
