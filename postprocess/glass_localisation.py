#!/usr/bin/python3
"""Localisation measures of a glass pillar from its PVTU fields.

Reads the ``fields_NNNNN.pvtu`` record of a micropillar run (and its
``.vtu`` pieces: deal.II XML, ascii or zlib-compressed base64 binary) with
numpy only, takes the cell values of ``equivalent_plastic_strain`` and
``free_volume`` (cell fields: every vertex of a cell carries the cell value;
the cell value is their mean) and the reference volume of every cell
(six tetrahedra of the hexahedron), over the cells of one material, and
computes

* ``ep_mean``: volume-weighted mean equivalent plastic strain,
* ``ep_max``, ``ep_ratio`` = ep_max / ep_mean (1 for homogeneous flow),
* ``half_strain_volume_fraction``: the smallest volume fraction of cells
  that carries half of the integral of the plastic strain (0.5 for
  homogeneous flow, small for a band),
* ``band_thickness``: volume of the cells with ep > ep_max/2 divided by the
  mean cross-section area V/H [µm] (the band thickness measured along the
  axis for a band crossing the whole pillar; its normal width is this times
  the cosine of the band's angle to the axis cross-section),
* ``effective_band_thickness``: (int ep dV)^2 / int ep^2 dV divided by the
  mean cross-section [µm]: the height for uniform flow, w for a band of
  thickness w carrying all the strain; threshold-free,
* ``xi_mean``, ``xi_max``, ``xi_min`` of the free volume.

CLI::

    /usr/bin/python3 postprocess/glass_localisation.py RUN_DIR
        [--step N | --strain S]
        [--material-id 0] [--json]

RUN_DIR holds fields_*.pvtu; without --step or --strain the last record is
used; --strain picks the record nearest that engineering strain.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import Dict, Optional, Sequence

import numpy as np

_TYPES = {"Float32": np.float32, "Float64": np.float64, "Int32": np.int32,
          "Int64": np.int64, "UInt8": np.uint8, "UInt32": np.uint32,
          "UInt64": np.uint64, "Int8": np.int8}


def _decode(array: ET.Element, compressed: bool, header_type) -> np.ndarray:
    dtype = _TYPES[array.get("type")]
    text = (array.text or "").strip()
    if array.get("format") == "ascii":
        return np.array(text.split(), dtype=dtype)
    if array.get("format") != "binary":
        raise ValueError(f"unsupported DataArray format {array.get('format')}")
    hsize = np.dtype(header_type).itemsize
    if not compressed:
        raw = base64.b64decode(text)
        n = int(np.frombuffer(raw[:hsize], dtype=header_type)[0])
        return np.frombuffer(raw[hsize:hsize + n], dtype=dtype)
    # deal.II / VTK: base64(header) base64(compressed blocks); the header is
    # [n_blocks, block_size, last_block_size, compressed sizes...]
    first = base64.b64decode(text[:((3 * hsize + 2) // 3) * 4])
    n_blocks = int(np.frombuffer(first[:hsize], dtype=header_type)[0])
    header_len = (3 + n_blocks) * hsize
    header_chars = ((header_len + 2) // 3) * 4
    header = np.frombuffer(base64.b64decode(text[:header_chars]),
                           dtype=header_type)[:3 + n_blocks]
    data = base64.b64decode(text[header_chars:])
    out, pos = [], 0
    for size in header[3:]:
        out.append(zlib.decompress(data[pos:pos + int(size)]))
        pos += int(size)
    return np.frombuffer(b"".join(out), dtype=dtype)


def read_vtu(path) -> Dict[str, np.ndarray]:
    """Points (n,3), connectivity, offsets and point-data arrays by name."""
    root = ET.parse(path).getroot()
    compressed = root.get("compressor") is not None
    header_type = np.uint64 if root.get("header_type") == "UInt64" \
        else np.uint32
    piece = root.find("UnstructuredGrid/Piece")
    out: Dict[str, np.ndarray] = {}
    pts = piece.find("Points/DataArray")
    out["points"] = _decode(pts, compressed, header_type).reshape(-1, 3)
    for a in piece.find("Cells"):
        out[a.get("Name")] = _decode(a, compressed, header_type)
    pd = piece.find("PointData")
    if pd is not None:
        for a in pd:
            v = _decode(a, compressed, header_type)
            nc = int(a.get("NumberOfComponents", "1"))
            out["point:" + a.get("Name")] = v.reshape(-1, nc) if nc > 1 else v
    return out


def _hex_volumes(points: np.ndarray, conn: np.ndarray) -> np.ndarray:
    """Volumes of VTK hexahedra (8 vertices each): six tetrahedra."""
    p = points[conn.reshape(-1, 8)].astype(float)
    tets = [(0, 1, 2, 6), (0, 2, 3, 6), (0, 3, 7, 6), (0, 7, 4, 6),
            (0, 4, 5, 6), (0, 5, 1, 6)]
    v = np.zeros(len(p))
    for a, b, c, d in tets:
        v += np.abs(np.einsum("ij,ij->i", p[:, b] - p[:, a],
                              np.cross(p[:, c] - p[:, a], p[:, d] - p[:, a])))
    return v / 6.


def read_cells(pvtu) -> Dict[str, np.ndarray]:
    """Cell volumes, centres and cell values of every point field, all
    pieces of a PVTU record concatenated."""
    pvtu = Path(pvtu)
    root = ET.parse(pvtu).getroot()
    pieces = [pvtu.parent / p.get("Source")
              for p in root.iter("Piece")]
    acc: Dict[str, list] = {}
    for piece in pieces:
        d = read_vtu(piece)
        conn = d["connectivity"].astype(np.int64)
        if np.any(np.diff(d["offsets"]) != 8) or d["offsets"][0] != 8:
            raise ValueError(f"{piece}: only hexahedral cells are supported")
        cells = conn.reshape(-1, 8)
        acc.setdefault("volume", []).append(_hex_volumes(d["points"], conn))
        acc.setdefault("centre", []).append(
            d["points"][cells].astype(float).mean(axis=1))
        for k, v in d.items():
            if k.startswith("point:") and v.ndim == 1:
                acc.setdefault(k[6:], []).append(v[cells].astype(float)
                                                 .mean(axis=1))
    return {k: np.concatenate(v) for k, v in acc.items()}


def localisation(cells: Dict[str, np.ndarray],
                 material_id: Optional[int] = None) -> Dict[str, float]:
    """The measures of the module comment over the cells of material_id
    (all cells if None)."""
    mask = np.ones(len(cells["volume"]), dtype=bool)
    if material_id is not None and "material_id" in cells:
        mask = np.abs(cells["material_id"] - material_id) < 0.5
    V = cells["volume"][mask]
    ep = cells["equivalent_plastic_strain"][mask]
    z = cells["centre"][mask][:, 2]
    res: Dict[str, float] = {"n_cells": int(mask.sum()),
                             "volume": float(V.sum())}
    total = float((ep * V).sum())
    res["ep_mean"] = total / V.sum()
    res["ep_max"] = float(ep.max())
    res["ep_ratio"] = res["ep_max"] / res["ep_mean"] \
        if res["ep_mean"] > 0 else float("nan")
    order = np.argsort(-ep)
    cum = np.cumsum((ep * V)[order])
    if total > 0:
        k = int(np.searchsorted(cum, 0.5 * total))
        res["half_strain_volume_fraction"] = float(V[order][:k + 1].sum()
                                                   / V.sum())
    else:
        res["half_strain_volume_fraction"] = float("nan")
    height = float(z.max() - z.min()) if len(z) else 0.
    band = ep > 0.5 * res["ep_max"]
    res["band_volume_fraction"] = float(V[band].sum() / V.sum())
    res["band_thickness"] = float(V[band].sum() / (V.sum() / height)) \
        if height > 0 else float("nan")
    # Participation volume (int ep)^2 / int ep^2 over the cross-section:
    # H for uniform ep, w for ep uniform in a layer of thickness w and zero
    # elsewhere; no threshold, so it varies smoothly with the mesh.
    ep2 = float((ep * ep * V).sum())
    res["effective_band_thickness"] = float(
        total * total / ep2 / (V.sum() / height)) \
        if ep2 > 0 and height > 0 else float("nan")
    if "free_volume" in cells:
        xi = cells["free_volume"][mask]
        res["xi_mean"] = float((xi * V).sum() / V.sum())
        res["xi_max"] = float(xi.max())
        res["xi_min"] = float(xi.min())
    return res


def last_record(run_dir, step: Optional[int] = None) -> Path:
    run_dir = Path(run_dir)
    if step is not None:
        return run_dir / f"fields_{step:05d}.pvtu"
    records = sorted(run_dir.glob("fields_*.pvtu"))
    if not records:
        raise FileNotFoundError(f"no fields_*.pvtu in {run_dir}")
    return records[-1]


def record_at_strain(run_dir, strain: float) -> Path:
    """The fields record whose step's engineering strain (from the run's
    stress_strain.csv) is closest to @p strain."""
    run_dir = Path(run_dir)
    records = sorted(run_dir.glob("fields_*.pvtu"))
    if not records:
        raise FileNotFoundError(f"no fields_*.pvtu in {run_dir}")
    strain_of = {}
    with open(run_dir / "stress_strain.csv") as f:
        header = f.readline().strip().split(",")
        i_step, i_strain = header.index("step"), header.index("strain")
        for line in f:
            cols = line.strip().split(",")
            if len(cols) == len(header):
                strain_of[int(cols[i_step])] = float(cols[i_strain])
    steps = [(abs(strain_of[int(r.stem.split("_")[1])] - strain), r)
             for r in records if int(r.stem.split("_")[1]) in strain_of]
    if not steps:
        raise ValueError(f"no fields record of {run_dir} is in its curve")
    return min(steps)[1]


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run_dir")
    ap.add_argument("--step", type=int)
    ap.add_argument("--strain", type=float,
                    help="use the record nearest this engineering strain")
    ap.add_argument("--material-id", type=int)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    rec = record_at_strain(a.run_dir, a.strain) if a.strain is not None \
        else last_record(a.run_dir, a.step)
    res = localisation(read_cells(rec), a.material_id)
    res["record"] = rec.name
    if a.json:
        print(json.dumps(res))
    else:
        for k, v in res.items():
            print(f"{k:28s} {v}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
