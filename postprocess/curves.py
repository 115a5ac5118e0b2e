#!/usr/bin/python3
"""Read micropillar stress-strain curves and extract the measured quantities.

A curve is the ``stress_strain.csv`` that every run writes into its output
directory, with at least the columns ``strain`` (engineering, ΔL/L0, [-]) and
``stress`` (engineering, F/A0, [MPa]); compression is positive. Any further
columns (``fcc_fraction``, ...) are read too and kept by name.

Quantities (all stresses in MPa, strains dimensionless, moduli in MPa):

* loading modulus E: slope of a least-squares line on the initial loading
  part. Automatic rule (``loading_modulus``), on the loading branch (start to
  the maximum stress):

    1. sigma_ref := maximum stress;
    2. fit a line to the points with lower*sigma_ref <= stress <= upper*sigma_ref
       (default 20 % ... 60 %) that lie before the departure point;
    3. the departure point is the first point at or after the start of the
       fit window that lies below the fitted line by more than
       tol*stress + 3*(rms residual of the fit) (default tol = 2 %);
    4. sigma_ref := stress at the departure point; repeat 2-4 until the
       departure point no longer moves.

  For a curve that is linear up to a proportional limit sigma_p this ends
  with a window of 20 % ... 60 % of (about) sigma_p, i.e. entirely in the
  elastic part. If the window holds fewer than two points (coarse output)
  the lower bound is dropped. Alternatively the user gives a strain window
  [a, b] and the line is fitted to the loading-branch points inside it.

* 0.2 % offset yield: first crossing (from above) of the curve with the line
  stress = E*(strain - offset), offset = 0.002, found on the piecewise-linear
  curve and linearly interpolated; None if the curve never crosses.

* flow stress at a strain: linear interpolation on the first segment that
  contains that strain; None if the strain is outside the data.

* load drop / localisation: the largest relative drop of stress after yield,
  (sigma_peak - sigma_trough)/sigma_peak with the peak preceding the trough
  (maximum draw-down), together with the largest drop between two successive
  points (an abrupt drop: crack, shear band).

CLI::

    /usr/bin/python3 postprocess/curves.py RUN_DIR_or_CSV ... [--at 0.05 0.10]
        [--window A B] [--offset 0.002] [--json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

CURVE_FILE = "stress_strain.csv"
STANDARD_COLUMNS = ("step", "time", "displacement", "force", "strain",
                    "stress", "newton_iterations", "dt")
DEFAULT_OFFSET = 0.002


# ---------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------
@dataclass
class Curve:
    """One stress-strain curve: columns by name (numpy arrays, equal length).

    ``strain`` [-] and ``stress`` [MPa] are always present; ``n_dropped_lines``
    counts trailing incomplete lines that were ignored.
    """

    columns: Dict[str, np.ndarray]
    label: str = ""
    source: Optional[Path] = None
    n_dropped_lines: int = 0

    @property
    def strain(self) -> np.ndarray:
        return self.columns["strain"]

    @property
    def stress(self) -> np.ndarray:
        return self.columns["stress"]

    def __len__(self) -> int:
        return len(self.strain)

    def extra_columns(self) -> List[str]:
        """Names of the columns beyond the standard ones, in file order."""
        return [c for c in self.columns if c not in STANDARD_COLUMNS]


def resolve_curve_path(path) -> Path:
    """A run directory (containing stress_strain.csv) or a CSV file -> CSV."""
    p = Path(path)
    if p.is_dir():
        p = p / CURVE_FILE
    if not p.is_file():
        raise FileNotFoundError(f"no curve file at {p}")
    return p


def default_label(path) -> str:
    """Run-directory name for .../RUN/stress_strain.csv, else the file stem."""
    p = Path(path)
    if p.is_dir():
        return p.resolve().name
    if p.name == CURVE_FILE:
        return p.resolve().parent.name
    return p.stem


def _parse_row(line: str, n_fields: int) -> Optional[List[float]]:
    parts = [x.strip() for x in line.split(",")]
    if len(parts) != n_fields:
        return None
    try:
        return [float(x) for x in parts]
    except ValueError:
        return None


def parse_curve_text(text: str, label: str = "",
                     source: Optional[Path] = None) -> Curve:
    """Parse the CSV text of a curve (see read_curve for the rules)."""
    pieces = text.split("\n")
    # The writer ends every row with a newline: a final piece without one is
    # a row still being written (or cut off) and is never trusted.
    n_dropped = 0
    if pieces and pieces[-1].strip() == "":
        pieces.pop()
    elif pieces:
        pieces.pop()
        n_dropped += 1
    lines = [(i + 1, ln.rstrip("\r")) for i, ln in enumerate(pieces)
             if ln.strip() != "" and not ln.lstrip().startswith("#")]
    if not lines:
        raise ValueError(f"{source or 'curve'}: empty file (no header)")
    header = [h.strip() for h in lines[0][1].split(",")]
    for required in ("strain", "stress"):
        if required not in header:
            raise ValueError(f"{source or 'curve'}: header has no column "
                             f"'{required}' (header: {','.join(header)})")
    rows: List[List[float]] = []
    body = lines[1:]
    for k, (lineno, ln) in enumerate(body):
        row = _parse_row(ln, len(header))
        if row is None:
            if k == len(body) - 1:
                n_dropped += 1  # trailing incomplete/garbled row
                continue
            raise ValueError(f"{source or 'curve'}:{lineno}: expected "
                             f"{len(header)} numeric fields, got '{ln}'")
        rows.append(row)
    data = np.array(rows, dtype=float).reshape(len(rows), len(header))
    columns = {name: data[:, j].copy() for j, name in enumerate(header)}
    return Curve(columns=columns, label=label, source=source,
                 n_dropped_lines=n_dropped)


def read_curve(path, label: Optional[str] = None) -> Curve:
    """Read a stress_strain.csv (or the one in run directory @p path).

    Rules: the first non-comment line is the header; columns are taken by
    name, so extra columns are fine; blank and '#' lines are skipped; the
    last row is dropped if it is not newline-terminated or does not have one
    number per header column (a run still writing, or killed); a malformed
    row anywhere else is an error.
    """
    csv_path = resolve_curve_path(path)
    text = csv_path.read_text(encoding="utf-8", errors="replace")
    return parse_curve_text(text, label=label or default_label(path),
                            source=csv_path)


# ---------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------
@dataclass
class ModulusFit:
    """Result of the loading-modulus fit stress = modulus*strain + intercept.

    modulus, intercept [MPa]; strain_min/strain_max: the strain range of the
    fitted points [-]; departure_strain/stress: first point off the line
    (None if the loading branch stays linear up to its maximum).
    """

    modulus: float
    intercept: float
    strain_min: float
    strain_max: float
    n_points: int
    rule: str
    departure_strain: Optional[float] = None
    departure_stress: Optional[float] = None


def finish_figure(fig, axes, output, labels) -> None:
    """Label the panels of a figure (labels: one (x label, y label) per
    axis), add legends and grids, save it at 120 dpi and print its path."""
    for ax, (xlabel, ylabel) in zip(axes, labels):
        ax.set_xlabel(xlabel)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=7)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(output, dpi=120)
    print(f"figure: {output}")


def _line_fit(x: np.ndarray, y: np.ndarray):
    slope, intercept = np.polyfit(x, y, 1)
    return float(slope), float(intercept)


def loading_branch_end(stress: np.ndarray) -> int:
    """Index of the maximum stress (end of the loading branch)."""
    return int(np.nanargmax(stress))


def loading_modulus(strain, stress, window: Optional[Sequence[float]] = None,
                    lower: float = 0.2, upper: float = 0.6,
                    tol: float = 0.02, max_iter: int = 50) -> ModulusFit:
    """Loading modulus E [MPa] of a curve strain [-], stress [MPa].

    @p window = (a, b): fit the loading-branch points with a <= strain <= b.
    Otherwise the automatic rule of the module docstring with the stress
    fractions @p lower, @p upper and the linearity tolerance @p tol.
    Raises ValueError if fewer than two points are available.
    """
    e = np.asarray(strain, dtype=float)
    s = np.asarray(stress, dtype=float)
    ok = np.isfinite(e) & np.isfinite(s)
    e, s = e[ok], s[ok]
    if len(e) < 2:
        raise ValueError("need at least two points to fit a modulus")
    i_peak = loading_branch_end(s)
    e, s = e[:i_peak + 1], s[:i_peak + 1]

    if window is not None:
        a, b = float(window[0]), float(window[1])
        mask = (e >= min(a, b)) & (e <= max(a, b))
        if mask.sum() < 2:
            raise ValueError(f"fewer than two loading points in the strain "
                             f"window [{a}, {b}]")
        E, b0 = _line_fit(e[mask], s[mask])
        return ModulusFit(E, b0, float(e[mask].min()), float(e[mask].max()),
                          int(mask.sum()), f"fit on strain window [{a}, {b}]")
    if len(e) < 2:
        raise ValueError("loading branch has fewer than two points "
                         "(maximum stress at the first point)")

    idx = np.arange(len(e))
    sigma_ref = float(s[-1])
    dep: Optional[int] = None   # departure index (None: linear to the peak)
    fit = None
    for _ in range(max_iter):
        limit = len(e) if dep is None else dep       # usable points: idx < limit
        mask = ((s >= lower * sigma_ref) & (s <= upper * sigma_ref)
                & (idx < limit))
        if mask.sum() < 2:                           # coarse output
            mask = (s <= upper * sigma_ref) & (idx < limit)
        if mask.sum() < 2:
            mask = idx < max(limit, 2)
        E, b0 = _line_fit(e[mask], s[mask])
        resid = s - (E * e + b0)
        n = int(mask.sum())
        rms = float(np.sqrt(np.sum(resid[mask] ** 2) / max(n - 2, 1))) \
            if n > 2 else 0.0
        first = int(idx[mask][0])
        below = (idx >= first) & (resid < -(tol * np.abs(s) + 3.0 * rms))
        new_dep = int(idx[below][0]) if below.any() else None
        fit = (E, b0, mask)
        if new_dep is None or new_dep == dep:
            dep = new_dep
            break
        dep = new_dep
        sigma_ref = float(s[dep])
    E, b0, mask = fit
    return ModulusFit(
        E, b0, float(e[mask].min()), float(e[mask].max()), int(mask.sum()),
        f"auto: {lower:g}-{upper:g} of the stress at departure from "
        f"linearity (tol {tol:g})",
        None if dep is None else float(e[dep]),
        None if dep is None else float(s[dep]))


@dataclass
class YieldPoint:
    strain: float   # [-]
    stress: float   # [MPa]


def offset_yield(strain, stress, modulus: float,
                 offset: float = DEFAULT_OFFSET,
                 strain_origin: float = 0.0) -> Optional[YieldPoint]:
    """0.2 % offset yield of a curve strain [-], stress [MPa].

    First crossing of the curve, from above, with the line
    stress = modulus*(strain - strain_origin - offset) (modulus [MPa]),
    linearly interpolated between the two bracketing points. None if the
    curve never crosses the line.
    """
    e = np.asarray(strain, dtype=float)
    s = np.asarray(stress, dtype=float)
    if len(e) < 2 or not np.isfinite(modulus) or modulus <= 0:
        return None
    f = s - modulus * (e - strain_origin - offset)
    above = np.nonzero(f > 0)[0]
    if len(above) == 0:
        return None
    for i in range(int(above[0]), len(e) - 1):
        if f[i] > 0 and f[i + 1] <= 0:
            t = f[i] / (f[i] - f[i + 1])
            return YieldPoint(float(e[i] + t * (e[i + 1] - e[i])),
                              float(s[i] + t * (s[i + 1] - s[i])))
    return None


def flow_stress(strain, stress, at: float) -> Optional[float]:
    """Stress [MPa] at strain @p at [-]: linear interpolation on the first
    segment of the curve that contains @p at; None outside the data."""
    e = np.asarray(strain, dtype=float)
    s = np.asarray(stress, dtype=float)
    for i in range(len(e) - 1):
        lo, hi = min(e[i], e[i + 1]), max(e[i], e[i + 1])
        if lo <= at <= hi:
            if hi == lo:
                return float(s[i])
            t = (at - e[i]) / (e[i + 1] - e[i])
            return float(s[i] + t * (s[i + 1] - s[i]))
    if len(e) == 1 and e[0] == at:
        return float(s[0])
    return None


@dataclass
class LoadDrop:
    """Largest stress drop after yield.

    relative_drop = (peak_stress - trough_stress)/peak_stress [-] with the
    peak the highest stress before the trough (maximum draw-down);
    step_drop: the largest relative drop between two successive points,
    (s[i] - s[i+1])/s[i], at strain step_drop_strain (strain of s[i+1]).
    """

    relative_drop: float
    peak_strain: float
    peak_stress: float
    trough_strain: float
    trough_stress: float
    step_drop: float
    step_drop_strain: float

    def localised(self, threshold: float = 0.05) -> bool:
        """True if the stress fell by more than @p threshold (relative)."""
        return self.relative_drop > threshold


def detect_load_drop(strain, stress,
                     start_strain: Optional[float] = None) -> Optional[LoadDrop]:
    """Largest relative stress drop of a curve strain [-], stress [MPa],
    counted from the first point with strain >= @p start_strain (normally
    the yield strain; the whole curve if None). None if fewer than two
    points remain."""
    e = np.asarray(strain, dtype=float)
    s = np.asarray(stress, dtype=float)
    i0 = 0
    if start_strain is not None:
        after = np.nonzero(e >= start_strain)[0]
        if len(after) == 0:
            return None
        i0 = int(after[0])
    e, s = e[i0:], s[i0:]
    if len(e) < 2:
        return None
    run_max = np.maximum.accumulate(s)
    with np.errstate(divide="ignore", invalid="ignore"):
        draw = np.where(run_max > 0, (run_max - s) / run_max, 0.0)
        step = np.where(s[:-1] > 0, (s[:-1] - s[1:]) / s[:-1], 0.0)
    k = int(np.argmax(draw))
    j = int(np.argmax(s[:k + 1]))
    m = int(np.argmax(step))
    return LoadDrop(float(draw[k]), float(e[j]), float(s[j]),
                    float(e[k]), float(s[k]),
                    float(max(step[m], 0.0)), float(e[m + 1]))


@dataclass
class CurveSummary:
    """Everything ``analyse`` extracts from one curve (units as above)."""

    label: str
    source: str
    n_points: int
    modulus: Optional[float] = None               # [MPa]
    modulus_fit: Optional[ModulusFit] = None
    yield_strain: Optional[float] = None          # [-]
    yield_stress: Optional[float] = None          # [MPa]
    max_stress: Optional[float] = None            # [MPa]
    max_stress_strain: Optional[float] = None     # [-]
    final_strain: Optional[float] = None          # [-]
    flow_stress: Dict[str, Optional[float]] = field(default_factory=dict)
    load_drop: Optional[LoadDrop] = None
    error: Optional[str] = None

    def to_dict(self) -> dict:
        return asdict(self)


def analyse(curve: Curve, at: Sequence[float] = (),
            window: Optional[Sequence[float]] = None,
            offset: float = DEFAULT_OFFSET) -> CurveSummary:
    """Modulus, offset yield, flow stresses at strains @p at, load drop."""
    out = CurveSummary(label=curve.label, source=str(curve.source or ""),
                       n_points=len(curve))
    e, s = curve.strain, curve.stress
    out.flow_stress = {f"{a:g}": flow_stress(e, s, a) for a in at}
    if len(curve) == 0:
        out.error = "no data rows"
        return out
    i = int(np.nanargmax(s))
    out.max_stress, out.max_stress_strain = float(s[i]), float(e[i])
    out.final_strain = float(e[-1])
    try:
        fit = loading_modulus(e, s, window=window)
    except ValueError as exc:
        out.error = str(exc)
        return out
    out.modulus, out.modulus_fit = fit.modulus, fit
    y = offset_yield(e, s, fit.modulus, offset=offset)
    if y is not None:
        out.yield_strain, out.yield_stress = y.strain, y.stress
        out.load_drop = detect_load_drop(e, s, start_strain=y.strain)
    return out


# ---------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------
def _fmt(x: Optional[float], fmt: str) -> str:
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) \
        else format(x, fmt)


def format_table(summaries: Sequence[CurveSummary]) -> str:
    """Plain-text table of the summaries (E in GPa, stresses in MPa)."""
    at_keys: List[str] = []
    for sm in summaries:
        for k in sm.flow_stress:
            if k not in at_keys:
                at_keys.append(k)
    head = (["run", "points", "E [GPa]", "eps_y", "sigma_y [MPa]",
             "sigma_max [MPa]", "eps_final"]
            + [f"sigma({k}) [MPa]" for k in at_keys]
            + ["drop [%]", "drop eps", "max step drop [%]"])
    rows = []
    for sm in summaries:
        d = sm.load_drop
        rows.append(
            [sm.label, str(sm.n_points),
             _fmt(None if sm.modulus is None else sm.modulus / 1e3, ".2f"),
             _fmt(sm.yield_strain, ".5f"), _fmt(sm.yield_stress, ".1f"),
             _fmt(sm.max_stress, ".1f"), _fmt(sm.final_strain, ".4f")]
            + [_fmt(sm.flow_stress.get(k), ".1f") for k in at_keys]
            + [_fmt(None if d is None else 100 * d.relative_drop, ".1f"),
               _fmt(None if d is None else d.trough_strain, ".4f"),
               _fmt(None if d is None else 100 * d.step_drop, ".1f")])
    widths = [max(len(h), *(len(r[j]) for r in rows)) if rows else len(h)
              for j, h in enumerate(head)]
    lines = ["  ".join(h.rjust(w) for h, w in zip(head, widths))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    notes = [f"{sm.label}: {sm.error}" for sm in summaries if sm.error]
    return "\n".join(lines + notes)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(
        description="Modulus, 0.2 %% offset yield, flow stress and load drop "
                    "of micropillar stress_strain.csv curves.")
    ap.add_argument("paths", nargs="+", metavar="RUN_DIR_or_CSV")
    ap.add_argument("--at", nargs="+", type=float, default=[],
                    metavar="STRAIN", help="strains for the flow stress [-]")
    ap.add_argument("--window", nargs=2, type=float, metavar=("A", "B"),
                    help="fit the modulus on this strain window instead of "
                         "the automatic rule")
    ap.add_argument("--offset", type=float, default=DEFAULT_OFFSET,
                    help="yield offset strain (default 0.002)")
    ap.add_argument("--labels", nargs="+", help="one label per path")
    ap.add_argument("--json", action="store_true", help="print JSON")
    args = ap.parse_args(argv)
    if args.labels and len(args.labels) != len(args.paths):
        ap.error("--labels needs one label per path")
    summaries = []
    status = 0
    for k, p in enumerate(args.paths):
        try:
            c = read_curve(p, label=args.labels[k] if args.labels else None)
        except (OSError, ValueError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        summaries.append(analyse(c, at=args.at, window=args.window,
                                 offset=args.offset))
    if args.json:
        print(json.dumps([s.to_dict() for s in summaries], indent=2))
    else:
        print(format_table(summaries))
    return status


if __name__ == "__main__":
    sys.exit(main())
