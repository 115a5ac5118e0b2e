#!/usr/bin/python3
"""Mesh-convergence study of a micropillar prm file.

For each value of one refinement setting (a prm entry given by its path,
e.g. ``Geometry/Lateral refinement``) this script

1. writes a copy of the prm file with that entry set and a separate
   ``Output directory`` (WORKDIR/<slug>_<value>, absolute path), using the
   small prm rewriter ``set_prm_entry`` below;
2. runs ``mpirun -np N [--oversubscribe if N > 2] EXE copy.prm`` from the
   current directory (so relative paths in the prm, e.g. mesh files, resolve
   as for the original), with OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM)=1, capturing
   stdout+stderr in <output directory>/run.log;
3. reads each run's stress_strain.csv and extracts the 0.2 % offset yield
   and the flow stress at the ``--at`` strains (postprocess.curves).

Element size h [µm] per level, first match wins:
  * ``--element-size``: either one h per value (same order) or VALUE=h pairs;
  * a line of the run log (run.log, or any *.log in the output directory)
    containing ``mesh_info`` followed by key=value pairs; the last such line
    is used and h is taken from the key ``h``, else ``h_max``, else
    ``element_size``, else ``h_min`` (``n_cells``/``n_active_cells`` and
    ``n_dofs`` are reported when present), e.g.
    ``mesh_info: n_active_cells=4096 n_dofs=14739 h_min=0.031 h_max=0.062``;
  * otherwise a relative size h = 2^-value (only for integer values, marked
    "assumed" in the table).

Observed order of convergence from three successive levels h1 > h2 > h3
(Richardson): with e1 = q1 - q2, e2 = q2 - q3 and r = h1/h2 = h2/h3,
p = ln|e1/e2| / ln r; for unequal ratios the generalised equation
|e1/e2| = r23^p (r12^p - 1)/(r23^p - 1) is solved by bisection. The
Richardson-extrapolated value is q3 + (q3 - q2)/(r23^p - 1).

Outputs in WORKDIR: convergence.csv, convergence.md, convergence.png.

Usage::

    /usr/bin/python3 postprocess/convergence.py PRM --entry "Geometry/Lateral refinement"
        --values 0 1 2 --np 2 --exe build/micropillar [--workdir DIR]
        [--at 0.05 0.10] [--element-size 0.2 0.1 0.05 | 0=0.2 1=0.1 2=0.05]
        [--mpirun mpirun] [--timeout SECONDS] [--no-run] [--window A B]
        [--set "Sub/Entry=value" ...]   (applied to every level)
"""

from __future__ import annotations

import argparse
import csv
import math
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from postprocess import curves, plot_curves  # noqa: E402

OUTPUT_DIRECTORY_ENTRY = "Output directory"


# ---------------------------------------------------------------------------
# prm rewriter (deal.II ParameterHandler format)
# ---------------------------------------------------------------------------
def _norm(name: str) -> str:
    """Entry/subsection names compare with runs of whitespace collapsed."""
    return " ".join(name.split())


def _split_path(path) -> Tuple[List[str], str]:
    parts = path.split("/") if isinstance(path, str) else list(path)
    parts = [_norm(p) for p in parts if _norm(p)]
    if not parts:
        raise ValueError(f"empty prm entry path '{path}'")
    return parts[:-1], parts[-1]


def _strip_comment(line: str) -> str:
    k = line.find("#")
    return line if k < 0 else line[:k]


@dataclass
class _Logical:
    """One logical prm line: physical lines [first, last] joined by '\\'."""

    first: int
    last: int
    text: str          # joined, comment removed, stripped
    comment: str       # trailing '# ...' of the last physical line, or ''
    stack: Tuple[str, ...]


_SET_RE = re.compile(r"^set\s+(.*?)\s*=\s*(.*)$", re.IGNORECASE | re.DOTALL)
_SUB_RE = re.compile(r"^subsection\s+(.*)$", re.IGNORECASE)


def _scan(lines: Sequence[str]):
    """Logical lines with their subsection stack, and the subsection blocks
    as (path tuple, index of the physical 'end' line)."""
    logical: List[_Logical] = []
    blocks: List[Tuple[Tuple[str, ...], int]] = []
    stack: List[str] = []
    i, n = 0, len(lines)
    while i < n:
        first = i
        pieces = []
        while True:
            raw = lines[i].rstrip("\r\n")
            body = raw.rstrip()
            if body.endswith("\\") and i + 1 < n:
                pieces.append(body[:-1])
                i += 1
                continue
            pieces.append(raw)
            break
        last = i
        i += 1
        joined = " ".join(pieces)
        k = lines[last].find("#")
        comment = lines[last][k:].rstrip("\r\n") if k >= 0 else ""
        text = _strip_comment(joined).strip()
        logical.append(_Logical(first, last, text, comment, tuple(stack)))
        m = _SUB_RE.match(text)
        if m:
            stack.append(_norm(m.group(1)))
        elif text.lower() == "end":
            if stack:
                blocks.append((tuple(stack), first))
                stack.pop()
    return logical, blocks


def get_prm_entry(text: str, path) -> Optional[str]:
    """Value of entry @p path ('Sub/Sub/Entry') in prm @p text; the last
    occurrence wins, as in ParameterHandler; None if absent."""
    subs, entry = _split_path(path)
    value = None
    for ll in _scan(text.splitlines(keepends=True))[0]:
        m = _SET_RE.match(ll.text)
        if m and list(ll.stack) == subs and _norm(m.group(1)) == entry:
            value = " ".join(m.group(2).split())
    return value


def set_prm_entry(text: str, path, value) -> str:
    """Return prm @p text with entry @p path ('Sub/Sub/Entry') set to
    @p value.

    Every ``set Entry = ...`` line inside exactly that subsection nesting is
    replaced (indentation and trailing comment kept; continued lines are
    collapsed). If there is none, the entry is inserted before the ``end``
    of the last block of its subsection, creating the missing inner
    subsections there (or at the end of the file when even the outermost
    one is missing; top-level entries are appended at the end).
    """
    subs, entry = _split_path(path)
    value = str(value)
    lines = text.splitlines(keepends=True)
    logical, blocks = _scan(lines)
    nl = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    out = list(lines)
    replaced = False
    # Replace from the bottom so that earlier indices stay valid.
    for ll in reversed(logical):
        m = _SET_RE.match(ll.text)
        if m and list(ll.stack) == subs and _norm(m.group(1)) == entry:
            indent = re.match(r"\s*", lines[ll.first]).group(0)
            new = f"{indent}set {entry} = {value}"
            if ll.comment:
                new += f"  {ll.comment}"
            out[ll.first:ll.last + 1] = [new + nl]
            replaced = True
    if replaced:
        return "".join(out)

    # Absent: find the deepest existing enclosing subsection.
    depth, where = 0, None
    for k in range(len(subs), 0, -1):
        hits = [end for path_, end in blocks if list(path_) == subs[:k]]
        if hits:
            depth, where = k, hits[-1]
            break
    if where is not None:
        base = re.match(r"\s*", lines[where]).group(0) + "  "
    else:
        base = ""
    new_lines = []
    for j, name in enumerate(subs[depth:]):
        new_lines.append(f"{base}{'  ' * j}subsection {name}{nl}")
    inner = base + "  " * (len(subs) - depth)
    new_lines.append(f"{inner}set {entry} = {value}{nl}")
    for j in reversed(range(len(subs) - depth)):
        new_lines.append(f"{base}{'  ' * j}end{nl}")
    if where is None:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += nl
        out.extend(new_lines)
    else:
        out[where:where] = new_lines
    return "".join(out)


# ---------------------------------------------------------------------------
# Convergence order (Richardson)
# ---------------------------------------------------------------------------
@dataclass
class OrderEstimate:
    """Observed order p from q on h1 > h2 > h3 (see module docstring)."""

    p: Optional[float]
    extrapolated: Optional[float]
    oscillatory: bool


def observed_order(q: Sequence[float], h: Sequence[float]) -> OrderEstimate:
    """Order of convergence from three values @p q [any unit] on element
    sizes @p h [µm] (any order; sorted coarse -> fine internally).
    p is None if a difference vanishes or the generalised equation has no
    root in [-20, 20]."""
    pairs = sorted(zip(h, q), key=lambda t: -t[0])
    (h1, q1), (h2, q2), (h3, q3) = pairs
    if not (h1 > h2 > h3 > 0):
        raise ValueError(f"need three distinct positive element sizes, got "
                         f"{list(h)}")
    e1, e2 = q1 - q2, q2 - q3
    oscillatory = e1 * e2 < 0
    if e1 == 0 or e2 == 0:
        return OrderEstimate(None, None, oscillatory)
    ratio = abs(e1 / e2)
    r12, r23 = h1 / h2, h2 / h3
    if abs(r12 - r23) <= 1e-9 * r23:
        p: Optional[float] = math.log(ratio) / math.log(r23)
    else:
        def g(pp: float) -> float:
            if abs(pp) < 1e-12:
                return math.log(r12) / math.log(r23) - ratio
            return (r23 ** pp * (r12 ** pp - 1) / (r23 ** pp - 1)) - ratio
        lo, hi = -20.0, 20.0
        if g(lo) * g(hi) > 0:
            p = None
        else:
            for _ in range(200):
                mid = 0.5 * (lo + hi)
                if g(lo) * g(mid) <= 0:
                    hi = mid
                else:
                    lo = mid
            p = 0.5 * (lo + hi)
    ext = None
    if p is not None and p > 0:
        ext = q3 + (q3 - q2) / (r23 ** p - 1)
    return OrderEstimate(p, ext, oscillatory)


def convergence_orders(q: Sequence[Optional[float]],
                       h: Sequence[float]) -> List[OrderEstimate]:
    """observed_order for each run of three successive levels (inputs
    ordered coarse -> fine); None entries in q give p = None."""
    out = []
    for k in range(len(q) - 2):
        qs = q[k:k + 3]
        if any(v is None for v in qs):
            out.append(OrderEstimate(None, None, False))
        else:
            out.append(observed_order(qs, h[k:k + 3]))
    return out


# ---------------------------------------------------------------------------
# Runs
# ---------------------------------------------------------------------------
_KV_RE = re.compile(r"([A-Za-z_]\w*)\s*[=:]\s*([-+]?(?:\d+\.?\d*|\.\d+)"
                    r"(?:[eE][-+]?\d+)?)")


def parse_mesh_info(log_text: str) -> Dict[str, float]:
    """key=value pairs of the last line containing 'mesh_info' ({} if none)."""
    info: Dict[str, float] = {}
    for line in log_text.splitlines():
        if "mesh_info" in line:
            tail = line.split("mesh_info", 1)[1]
            info = {k: float(v) for k, v in _KV_RE.findall(tail)}
    return info


def element_size_from_info(info: Dict[str, float]) -> Optional[float]:
    for key in ("h", "h_max", "element_size", "h_min"):
        if key in info:
            return info[key]
    return None


def parse_element_sizes(items: Sequence[str],
                        values: Sequence[str]) -> Dict[str, float]:
    """--element-size items: one h per value, or VALUE=h pairs."""
    if not items:
        return {}
    if all("=" in it for it in items):
        out = {}
        for it in items:
            k, _, v = it.partition("=")
            out[k.strip()] = float(v)
        return out
    if len(items) != len(values):
        raise ValueError("--element-size needs one size per value or "
                         "VALUE=h pairs")
    return {v: float(h) for v, h in zip(values, items)}


def slugify(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").lower()


def mpirun_command(exe, prm, n_ranks: int, mpirun: str = "mpirun") -> List[str]:
    cmd = [mpirun, "-np", str(n_ranks)]
    if n_ranks > 2:
        cmd.append("--oversubscribe")
    return cmd + [str(exe), str(prm)]


def mpi_env() -> Dict[str, str]:
    env = dict(os.environ)
    env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
    env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return env


@dataclass
class Level:
    value: str
    prm: Path
    output_dir: Path
    h: Optional[float] = None
    h_source: str = ""
    n_cells: Optional[float] = None
    n_dofs: Optional[float] = None
    summary: Optional[curves.CurveSummary] = None
    status: str = "not run"
    flow: Dict[str, Optional[float]] = field(default_factory=dict)

    @property
    def yield_stress(self) -> Optional[float]:
        return None if self.summary is None else self.summary.yield_stress


def parse_overrides(items: Sequence[str]) -> List[Tuple[str, str]]:
    """'Path/Entry=value' strings -> (path, value) pairs (ValueError if an
    item has no '=' or an empty path)."""
    pairs = []
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise ValueError(f"--set {item!r}: expected 'Sub/Entry=value'")
        pairs.append((path.strip(), value.strip()))
    return pairs


def write_level_prms(prm_path, entry: str, values: Sequence[str],
                     workdir,
                     overrides: Sequence[Tuple[str, str]] = ()) -> List[Level]:
    """Write one prm copy per value into @p workdir, with the @p overrides
    (path, value) applied to every copy; return the levels."""
    prm_path, workdir = Path(prm_path), Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    text = prm_path.read_text()
    for path, value in overrides:
        text = set_prm_entry(text, path, value)
    slug = slugify(_split_path(entry)[1])
    levels = []
    for v in values:
        out_dir = workdir / f"{slug}_{v}"
        t = set_prm_entry(text, entry, v)
        t = set_prm_entry(t, OUTPUT_DIRECTORY_ENTRY, str(out_dir))
        copy = workdir / f"{prm_path.stem}_{slug}_{v}.prm"
        copy.write_text(t)
        levels.append(Level(value=str(v), prm=copy, output_dir=out_dir))
    return levels


def run_level(level: Level, exe, n_ranks: int, mpirun: str = "mpirun",
              timeout: Optional[float] = None) -> None:
    level.output_dir.mkdir(parents=True, exist_ok=True)
    cmd = mpirun_command(exe, level.prm, n_ranks, mpirun)
    print("running:", " ".join(cmd), flush=True)
    with open(level.output_dir / "run.log", "w") as log:
        try:
            rc = subprocess.run(cmd, stdout=log, stderr=subprocess.STDOUT,
                                env=mpi_env(), timeout=timeout).returncode
        except subprocess.TimeoutExpired:
            level.status = f"timeout after {timeout} s"
            return
        except OSError as exc:
            level.status = f"could not start: {exc}"
            return
    level.status = "ok" if rc == 0 else f"exit code {rc}"


def analyse_level(level: Level, at: Sequence[float],
                  sizes: Dict[str, float],
                  window: Optional[Sequence[float]] = None) -> None:
    logs = [level.output_dir / "run.log"] + sorted(
        p for p in level.output_dir.glob("*.log") if p.name != "run.log")
    info: Dict[str, float] = {}
    for p in logs:
        if p.is_file():
            info = parse_mesh_info(p.read_text(errors="replace")) or info
    level.n_cells = info.get("n_active_cells", info.get("n_cells"))
    level.n_dofs = info.get("n_dofs")
    if level.value in sizes:
        level.h, level.h_source = sizes[level.value], "user"
    elif element_size_from_info(info) is not None:
        level.h, level.h_source = element_size_from_info(info), "mesh_info"
    elif re.fullmatch(r"-?\d+", level.value):
        level.h, level.h_source = 2.0 ** -int(level.value), "assumed 2^-value"
    try:
        c = curves.read_curve(level.output_dir, label=level.value)
    except (OSError, ValueError) as exc:
        if level.status in ("ok", "not run"):
            level.status = f"no curve: {exc}"
        return
    level.summary = curves.analyse(c, at=at, window=window)
    level.flow = level.summary.flow_stress
    if level.status == "not run":
        level.status = "ok (existing output)"


def _f(x, fmt=".1f") -> str:
    return "" if x is None else format(x, fmt)


def order_rows(levels: Sequence[Level], at: Sequence[float]):
    """Rows (quantity, values triple, OrderEstimate) coarse -> fine."""
    good = [lv for lv in levels if lv.h is not None]
    good.sort(key=lambda lv: -lv.h)
    h = [lv.h for lv in good]
    quantities = [("yield stress [MPa]", [lv.yield_stress for lv in good])]
    for a in at:
        key = f"{a:g}"
        quantities.append((f"flow stress at {key} [MPa]",
                           [lv.flow.get(key) for lv in good]))
    rows = []
    for name, q in quantities:
        if len(set(h)) != len(h):
            continue
        for k, est in enumerate(convergence_orders(q, h)):
            rows.append((name, [good[k + j].value for j in range(3)], est))
    return rows


def write_tables(levels: Sequence[Level], at: Sequence[float], entry: str,
                 workdir) -> Tuple[Path, Path]:
    workdir = Path(workdir)
    keys = [f"{a:g}" for a in at]
    head = ([entry, "h [um]", "h source", "n_cells", "n_dofs", "E [GPa]",
             "yield strain", "yield stress [MPa]"]
            + [f"flow stress at {k} [MPa]" for k in keys] + ["status"])
    rows = []
    for lv in levels:
        s = lv.summary
        rows.append([lv.value, _f(lv.h, ".6g"), lv.h_source,
                     _f(lv.n_cells, ".0f"), _f(lv.n_dofs, ".0f"),
                     _f(None if s is None or s.modulus is None
                        else s.modulus / 1e3, ".3f"),
                     _f(None if s is None else s.yield_strain, ".6f"),
                     _f(lv.yield_stress, ".2f")]
                    + [_f(lv.flow.get(k), ".2f") for k in keys]
                    + [lv.status])
    csv_path = workdir / "convergence.csv"
    with open(csv_path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(head)
        w.writerows(rows)
    orders = order_rows(levels, at)
    md = [f"# Mesh convergence: {entry}", "",
          "| " + " | ".join(head) + " |",
          "|" + "---|" * len(head)]
    md += ["| " + " | ".join(r) + " |" for r in rows]
    md += ["", "## Observed order (Richardson, three successive levels)", "",
           "| quantity | levels (coarse -> fine) | p | extrapolated | "
           "oscillatory |", "|---|---|---|---|---|"]
    for name, vals, est in orders:
        md.append(f"| {name} | {', '.join(vals)} | {_f(est.p, '.3f')} | "
                  f"{_f(est.extrapolated, '.2f')} | "
                  f"{'yes' if est.oscillatory else 'no'} |")
    if not orders:
        md.append("| (fewer than three levels with a size and a result) "
                  "| | | | |")
    md_path = workdir / "convergence.md"
    md_path.write_text("\n".join(md) + "\n")
    # Orders also go into the CSV, below a blank line, for spreadsheets.
    with open(csv_path, "a", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([])
        w.writerow(["quantity", "levels", "p", "extrapolated", "oscillatory"])
        for name, vals, est in orders:
            w.writerow([name, " ".join(vals), _f(est.p, ".6g"),
                        _f(est.extrapolated, ".6g"), int(est.oscillatory)])
    return csv_path, md_path


def plot_convergence(levels: Sequence[Level], at: Sequence[float],
                     entry: str, out_png) -> Path:
    """Yield and flow stresses [MPa] vs element size h (log axis)."""
    good = sorted([lv for lv in levels if lv.h is not None],
                  key=lambda lv: lv.h)
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    series = [("0.2 % yield", [lv.yield_stress for lv in good])]
    series += [(f"flow at {a:g}", [lv.flow.get(f"{a:g}") for lv in good])
               for a in at]
    for k, (name, q) in enumerate(series):
        pts = [(lv.h, v) for lv, v in zip(good, q) if v is not None]
        if not pts:
            continue
        ax.plot([p[0] for p in pts], [p[1] for p in pts], "o-",
                color=f"C{k}", label=name)
        if len(pts) >= 3:
            # Richardson value of the three finest levels, if it exists.
            fine = sorted(pts, key=lambda t: -t[0])[-3:]
            try:
                est = observed_order([t[1] for t in fine],
                                     [t[0] for t in fine])
            except ValueError:          # repeated element sizes
                est = OrderEstimate(None, None, False)
            if est.extrapolated is not None:
                ax.axhline(est.extrapolated, ls="--", lw=1, color=f"C{k}",
                           label=f"{name}, extrapolated (p = {est.p:.2f})")
    ax.set_xscale("log")
    ax.set_xlabel("element size h [µm]" if all(
        lv.h_source != "assumed 2^-value" for lv in good)
        else "element size h (relative, 2^-level)")
    ax.set_ylabel("engineering stress [MPa]")
    ax.set_title(f"mesh convergence: {entry}")
    ax.grid(alpha=0.3, which="both")
    if ax.lines:
        ax.legend(fontsize=8)
    return plot_curves.save_figure(fig, out_png)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("prm", help="base parameter file")
    ap.add_argument("--entry", required=True,
                    help='prm entry path, e.g. "Geometry/Lateral refinement"')
    ap.add_argument("--values", nargs="+", required=True,
                    help="values of the entry, coarse to fine")
    ap.add_argument("--np", type=int, default=1, dest="n_ranks",
                    help="MPI ranks (default 1)")
    ap.add_argument("--exe", default="build/micropillar",
                    help="micropillar executable (default build/micropillar)")
    ap.add_argument("--mpirun", default="mpirun", help="MPI launcher")
    ap.add_argument("--workdir",
                    help="directory for prm copies, outputs and tables "
                         "(default convergence_<prm stem>_<entry>)")
    ap.add_argument("--at", nargs="+", type=float, default=[0.05],
                    help="strains for the flow stress (default 0.05)")
    ap.add_argument("--element-size", nargs="+", default=[],
                    metavar="H_or_VALUE=H", help="element size [µm] per level")
    ap.add_argument("--window", nargs=2, type=float, metavar=("A", "B"),
                    help="strain window for the modulus fit")
    ap.add_argument("--set", action="append", default=[], metavar="PATH=V",
                    help='extra entry for every level, e.g. "Linear '
                         'solver/Method=AMG" (repeatable)')
    ap.add_argument("--timeout", type=float, help="per run [s]")
    ap.add_argument("--no-run", action="store_true",
                    help="only write the prm copies and analyse existing "
                         "outputs")
    args = ap.parse_args(argv)

    prm = Path(args.prm)
    if not prm.is_file():
        ap.error(f"no prm file {prm}")
    try:
        sizes = parse_element_sizes(args.element_size, args.values)
        overrides = parse_overrides(args.set)
    except ValueError as exc:
        ap.error(str(exc))
    workdir = Path(args.workdir or
                   f"convergence_{prm.stem}_{slugify(args.entry)}")
    levels = write_level_prms(prm, args.entry, args.values, workdir,
                              overrides)
    if not args.no_run:
        exe = Path(args.exe)
        if not exe.exists():
            ap.error(f"no executable {exe}")
        for lv in levels:
            run_level(lv, exe.resolve(), args.n_ranks, args.mpirun,
                      args.timeout)
    for lv in levels:
        analyse_level(lv, args.at, sizes, args.window)
    csv_path, md_path = write_tables(levels, args.at, args.entry, workdir)
    png = plot_convergence(levels, args.at, args.entry,
                           workdir / "convergence.png")
    print(md_path.read_text())
    print(f"wrote {csv_path}, {md_path}, {png}")
    return 0 if all(lv.status.startswith("ok") for lv in levels) else 1


if __name__ == "__main__":
    sys.exit(main())
