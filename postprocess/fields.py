#!/usr/bin/python3
"""Plot the extra columns of micropillar curves against engineering strain.

Every column of stress_strain.csv beyond the standard ones
(step, time, displacement, force, strain, stress, newton_iterations, dt) is a
field history written by the run, e.g. ``fcc_fraction`` (volume fraction of
crystal transformed HCP -> FCC [-]) or ``layer_thickness_ratio`` (current /
initial crystal-layer thickness [-]). This script draws one panel per column,
all given runs overlaid, x = engineering strain [%].

Usage::

    /usr/bin/python3 postprocess/fields.py RUN_DIR_or_CSV ... -o fields.png
        [--columns fcc_fraction layer_thickness_ratio] [--labels A B ...]

Exits with status 1 (and writes nothing) if none of the requested/extra
columns exists in any of the curves.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import List, Optional, Sequence

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from postprocess import curves, plot_curves  # noqa: E402


def field_columns(curve_list: Sequence[curves.Curve],
                  requested: Optional[Sequence[str]] = None) -> List[str]:
    """Columns to plot: @p requested (those present in at least one curve),
    else the union of the extra columns of all curves, in file order."""
    present: List[str] = []
    for c in curve_list:
        for name in c.extra_columns():
            if name not in present:
                present.append(name)
    if requested:
        have = {n for c in curve_list for n in c.columns}
        return [n for n in requested if n in have]
    return present


def plot_fields(curve_list: Sequence[curves.Curve], out_png,
                columns: Sequence[str], title: Optional[str] = None) -> Path:
    """One panel per column vs strain [%]; returns the PNG path."""
    n = len(columns)
    ncol = 1 if n == 1 else 2
    nrow = math.ceil(n / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(6.0 * ncol, 3.6 * nrow),
                             squeeze=False, sharex=True)
    for k, name in enumerate(columns):
        ax = axes[k // ncol][k % ncol]
        for j, c in enumerate(curve_list):
            if name in c.columns:
                ax.plot(100 * c.strain, c.columns[name], color=f"C{j % 10}",
                        label=c.label)
        ax.set_ylabel(name)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    for k in range(n, nrow * ncol):
        axes[k // ncol][k % ncol].set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("engineering strain [%]")
    if n % ncol and nrow > 1:       # the lone last panel needs its own label
        axes[-2][-1].set_xlabel("engineering strain [%]")
        axes[-2][-1].xaxis.set_tick_params(labelbottom=True)
    if title:
        fig.suptitle(title)
    return plot_curves.save_figure(fig, out_png)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="+", metavar="RUN_DIR_or_CSV")
    ap.add_argument("-o", "--output", default="fields.png")
    ap.add_argument("--columns", nargs="+",
                    help="columns to plot (default: all non-standard ones)")
    ap.add_argument("--labels", nargs="+", help="one label per path")
    ap.add_argument("--title")
    args = ap.parse_args(argv)
    if args.labels and len(args.labels) != len(args.paths):
        ap.error("--labels needs one label per path")
    try:
        cl = [curves.read_curve(p, label=args.labels[k] if args.labels
                                else None)
              for k, p in enumerate(args.paths)]
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    cols = field_columns(cl, args.columns)
    if args.columns:
        missing = [n for n in args.columns if n not in cols]
        if missing:
            print(f"warning: no curve has column(s) {', '.join(missing)}",
                  file=sys.stderr)
    if not cols:
        print("error: nothing to plot (no extra columns beyond "
              f"{', '.join(curves.STANDARD_COLUMNS)})", file=sys.stderr)
        return 1
    out = plot_fields(cl, args.output, cols, title=args.title)
    print(f"wrote {out} ({', '.join(cols)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
