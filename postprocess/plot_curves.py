#!/usr/bin/python3
"""Plot micropillar engineering stress-strain curves against the measurements.

Each curve (a run directory or a stress_strain.csv) is drawn with its 0.2 %
offset yield point marked (computed by postprocess.curves). The measured
compressive yield strengths of /work/shared/experiments.md are drawn as
horizontal dashed lines:

    laminate (crystal-glass nanolaminate)   3600 MPa
    nanocrystalline CrCoNi                  3300 MPa
    Ti-Zr-Nb-Hf metallic glass              1800 MPa

``--experiments`` selects which of them to show (default: all), and
``--measured LABEL=MPa`` adds further values (e.g. another test).

Usage::

    /usr/bin/python3 postprocess/plot_curves.py RUN_DIR_or_CSV ... -o curves.png
        [--labels A B ...] [--experiments laminate glass | none]
        [--measured "pillar 2=3550"] [--offset-lines] [--title TEXT]
        [--legend "upper left"]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from postprocess import curves  # noqa: E402

#: Measured compressive yield strengths [MPa] (shared/experiments.md).
MEASURED_YIELD: Dict[str, Tuple[str, float]] = {
    "laminate": ("laminate (measured)", 3600.0),
    "crconi": ("nc CrCoNi (measured)", 3300.0),
    "glass": ("metallic glass (measured)", 1800.0),
}


def save_figure(fig, out_png, dpi: int = 150) -> Path:
    """Tight layout, create the parent directory, write @p fig as PNG to
    @p out_png, close it; return the path."""
    fig.tight_layout()
    out = Path(out_png)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=dpi)
    plt.close(fig)
    return out


def parse_measured(items: Sequence[str]) -> List[Tuple[str, float]]:
    """'LABEL=MPa' strings -> [(label, stress [MPa])]; ValueError if bad."""
    out = []
    for item in items:
        label, sep, value = item.rpartition("=")
        if not sep or not label.strip():
            raise ValueError(f"--measured expects LABEL=MPa, got '{item}'")
        out.append((label.strip(), float(value)))
    return out


def plot_curves(curve_list: Sequence[curves.Curve], out_png,
                measured: Sequence[Tuple[str, float]] = (),
                offset: float = curves.DEFAULT_OFFSET,
                offset_lines: bool = False,
                title: Optional[str] = None,
                legend: str = "lower right") -> Path:
    """Write a PNG of the curves (strain in %, stress in GPa) with their
    offset-yield points and horizontal lines at the @p measured yield
    strengths [(label, MPa)]; @p legend is matplotlib's legend location.
    Returns the PNG path."""
    fig, ax = plt.subplots(figsize=(7.0, 5.0))
    strain_max = 0.0
    for k, c in enumerate(curve_list):
        color = f"C{k % 10}"
        ax.plot(100 * c.strain, c.stress / 1e3, color=color, lw=1.5,
                label=c.label)
        if len(c):
            strain_max = max(strain_max, float(np.nanmax(c.strain)))
        s = curves.analyse(c, offset=offset)
        if s.yield_stress is not None:
            ax.plot(100 * s.yield_strain, s.yield_stress / 1e3, "o",
                    color=color, mfc="white", ms=7,
                    label=f"{c.label}: 0.2 % yield {s.yield_stress:.0f} MPa")
            if offset_lines and s.modulus:
                e_line = np.array([offset, s.yield_strain * 1.05])
                ax.plot(100 * e_line, s.modulus * (e_line - offset) / 1e3,
                        ":", color=color, lw=1)
    for k, (label, value) in enumerate(measured):
        ax.axhline(value / 1e3, ls="--", lw=1, color=f"C{(k + 5) % 10}",
                   label=f"{label}: {value:.0f} MPa")
    ax.set_xlabel("engineering strain [%]")
    ax.set_ylabel("engineering stress [GPa]")
    ax.set_xlim(left=0, right=100 * strain_max * 1.02 if strain_max > 0
                else None)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8, loc=legend)
    return save_figure(fig, out_png)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", metavar="RUN_DIR_or_CSV")
    ap.add_argument("-o", "--output", default="stress_strain.png",
                    help="PNG file to write (default stress_strain.png)")
    ap.add_argument("--labels", nargs="+", help="one label per path")
    ap.add_argument("--experiments", nargs="+", default=["all"],
                    choices=["all", "none"] + sorted(MEASURED_YIELD),
                    help="measured yield strengths to draw (default all)")
    ap.add_argument("--measured", nargs="+", default=[], metavar="LABEL=MPa",
                    help="further measured yield strengths [MPa]")
    ap.add_argument("--offset", type=float, default=curves.DEFAULT_OFFSET)
    ap.add_argument("--offset-lines", action="store_true",
                    help="draw the offset lines used for the yield points")
    ap.add_argument("--title")
    ap.add_argument("--legend", default="lower right",
                    help="legend location (matplotlib loc, e.g. 'upper "
                    "left')")
    args = ap.parse_args(argv)
    if args.labels and len(args.labels) != len(args.paths):
        ap.error("--labels needs one label per path")
    try:
        extra = parse_measured(args.measured)
        cl = [curves.read_curve(p, label=args.labels[k] if args.labels
                                else None)
              for k, p in enumerate(args.paths)]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    keys = [] if "none" in args.experiments else (
        sorted(MEASURED_YIELD) if "all" in args.experiments
        else args.experiments)
    measured = [MEASURED_YIELD[k] for k in keys] + extra
    out = plot_curves(cl, args.output, measured=measured, offset=args.offset,
                      offset_lines=args.offset_lines, title=args.title,
                      legend=args.legend)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
