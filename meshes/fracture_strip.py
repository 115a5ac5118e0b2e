#!/usr/bin/python3
"""Graded plane-strain strip of hexahedra for the fracture tests (Gmsh 2.2).

A rectangle x in [-W/2, W/2], z in [0, H], one cell through the thickness
y in [-t/2, t/2], structured (tensor product), with cells of edge h in a
window x in [x0, x1] times z in [z0, z1] (where the crack runs) that grow
geometrically (ratio r, at most h_max) towards the edges. Physical tags as
meshes/README.md says: volume 0 (the first material), surface 1 the top
(punch, z = H), 2 the bottom (z = 0), 3 the two y faces (plane strain,
u_y = 0); the x faces are untagged (free surface).

Used by tests/regression/fracture_griffith_test.py (the pre-cracked strip
against 1/sqrt(a)) and benchmarks/fracture_sent.py (Miehe et al. 2010's
single-edge-notched tension test). The crack itself is not in the mesh: it
is Fracture/Initial crack (a damage band).

Usage: fracture_strip.py OUT.msh --width W --height H --thickness t
           --h h --window x0 x1 z0 z1 [--ratio 1.3] [--hmax HM]
"""
import argparse
import math
import sys


def graded(lo, hi, f0, f1, h, ratio, hmax):
    """Node coordinates on [lo, hi]: uniform h on [f0, f1] (clipped to the
    interval), geometric growth by `ratio` (capped at hmax) outside."""
    f0, f1 = max(lo, f0), min(hi, f1)
    n = max(1, int(round((f1 - f0) / h)))
    inner = [f0 + (f1 - f0) * i / n for i in range(n + 1)]

    def side(length):
        if length <= 1e-12 * (hi - lo):
            return []
        sizes, s = [], h
        while sum(sizes) < length:
            s = min(s * ratio, hmax)
            sizes.append(s)
        # drop the last if that fits better, then scale to the exact length
        if len(sizes) > 1 and abs(sum(sizes[:-1]) - length) < \
                abs(sum(sizes) - length):
            sizes.pop()
        k = length / sum(sizes)
        out, x = [], 0.
        for s in sizes:
            x += s * k
            out.append(x)
        return out

    left = [f0 - x for x in side(f0 - lo)]
    right = [f1 + x for x in side(hi - f1)]
    nodes = sorted(left) + inner + right
    nodes[0], nodes[-1] = lo, hi
    return nodes


def write(path, xs, zs, t):
    ys = (-0.5 * t, 0.5 * t)
    nx, nz = len(xs), len(zs)

    def nid(i, j, k):  # x index i, y index j (0/1), z index k; 1-based
        return 1 + i + nx * (j + 2 * k)

    nodes = [(nid(i, j, k), xs[i], ys[j], zs[k])
             for k in range(nz) for j in range(2) for i in range(nx)]
    elements = []
    for k in range(nz - 1):
        for i in range(nx - 1):
            v = [nid(i, 0, k), nid(i + 1, 0, k), nid(i + 1, 1, k),
                 nid(i, 1, k), nid(i, 0, k + 1), nid(i + 1, 0, k + 1),
                 nid(i + 1, 1, k + 1), nid(i, 1, k + 1)]
            elements.append((5, 0, v))
    for i in range(nx - 1):  # top (1) and bottom (2)
        elements.append((3, 1, [nid(i, 0, nz - 1), nid(i + 1, 0, nz - 1),
                                nid(i + 1, 1, nz - 1), nid(i, 1, nz - 1)]))
        elements.append((3, 2, [nid(i, 0, 0), nid(i, 1, 0),
                                nid(i + 1, 1, 0), nid(i + 1, 0, 0)]))
    for k in range(nz - 1):  # the plane-strain faces y = -t/2, t/2 (3)
        for i in range(nx - 1):
            elements.append((3, 3, [nid(i, 0, k), nid(i + 1, 0, k),
                                    nid(i + 1, 0, k + 1), nid(i, 0, k + 1)]))
            elements.append((3, 3, [nid(i, 1, k), nid(i, 1, k + 1),
                                    nid(i + 1, 1, k + 1), nid(i + 1, 1, k)]))
    with open(path, "w") as f:
        f.write("$MeshFormat\n2.2 0 8\n$EndMeshFormat\n")
        f.write(f"$Nodes\n{len(nodes)}\n")
        for n in nodes:
            f.write("%d %.15g %.15g %.15g\n" % n)
        f.write("$EndNodes\n")
        f.write(f"$Elements\n{len(elements)}\n")
        for e, (kind, tag, v) in enumerate(elements, 1):
            f.write(f"{e} {kind} 2 {tag} {tag} " + " ".join(map(str, v)) +
                    "\n")
        f.write("$EndElements\n")
    return (nx - 1) * (nz - 1)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("out")
    p.add_argument("--width", type=float, required=True)
    p.add_argument("--height", type=float, required=True)
    p.add_argument("--thickness", type=float, required=True)
    p.add_argument("--h", type=float, required=True)
    p.add_argument("--window", type=float, nargs=4, required=True,
                   metavar=("X0", "X1", "Z0", "Z1"))
    p.add_argument("--ratio", type=float, default=1.3)
    p.add_argument("--hmax", type=float, default=math.inf)
    a = p.parse_args(argv)
    xs = graded(-0.5 * a.width, 0.5 * a.width, a.window[0], a.window[1],
                a.h, a.ratio, a.hmax)
    zs = graded(0., a.height, a.window[2], a.window[3], a.h, a.ratio,
                a.hmax)
    n = write(a.out, xs, zs, a.thickness)
    print(f"{a.out}: {n} hexahedra ({len(xs) - 1} x {len(zs) - 1}), "
          f"h = {a.h} in the window, largest cell "
          f"{max(max(b - c for b, c in zip(xs[1:], xs)), max(b - c for b, c in zip(zs[1:], zs))):.4g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
