#!/usr/bin/python3
"""Read micropillar's ParaView time series (fields.pvd) and the field data
of its frames.

Each run with `Output/Field output interval` > 0 writes
``fields_NNNNN.pvtu`` (one ``.vtu`` piece per MPI rank) and two collections
of the same frames: ``fields.pvd`` (keyed by time [s]) and
``fields_by_strain.pvd`` (keyed by engineering strain). Every piece carries
VTK field data: TIME [s], CYCLE (the step), engineering_strain and
engineering_stress_MPa.

Usage::

    /usr/bin/python3 postprocess/pvd.py RUN_DIR

prints one line per frame: step, time, strain, stress, file.
"""

from __future__ import annotations

import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict, List, Tuple


def read_pvd(path) -> List[Tuple[float, Path]]:
    """(timestep, file) of every DataSet of a .pvd, file resolved against
    the .pvd's directory."""
    path = Path(path)
    root = ET.parse(path).getroot()
    return [(float(d.get("timestep")), path.parent / d.get("file"))
            for d in root.iter("DataSet")]


def pvtu_pieces(path) -> List[Path]:
    """The .vtu pieces a .pvtu names."""
    path = Path(path)
    root = ET.parse(path).getroot()
    return [path.parent / p.get("Source") for p in root.iter("Piece")
            if p.get("Source")]


_ARRAY = re.compile(r'<DataArray[^>]*Name="([^"]+)"[^>]*format="ascii"\s*>'
                    r'\s*([^<]*)</DataArray>')


def field_data(vtu) -> Dict[str, float]:
    """The one-tuple ascii arrays of a .vtu's FieldData block (read from the
    XML header only; the appended binary data is not parsed)."""
    text = Path(vtu).read_text(errors="replace")
    start, end = text.find("<FieldData>"), text.find("</FieldData>")
    if start < 0 or end < 0:
        return {}
    return {m.group(1): float(m.group(2).split()[0])
            for m in _ARRAY.finditer(text[start:end])}


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print(__doc__)
        return 1
    pvd = Path(args[0]) / "fields.pvd"
    if not pvd.exists():
        print(f"pvd.py: no {pvd}", file=sys.stderr)
        return 1
    print("step,time,strain,stress,file")
    for time, pvtu in read_pvd(pvd):
        fd = field_data(pvtu_pieces(pvtu)[0])
        print(f"{int(fd.get('CYCLE', -1))},{time:.6g},"
              f"{fd.get('engineering_strain', float('nan')):.6g},"
              f"{fd.get('engineering_stress_MPa', float('nan')):.6g},"
              f"{pvtu.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
