"""The CI-sized siblings of the full-size example pillars stay within a
stated band of the full-size runs' 0.2 %-offset yield.

Full-size figures (measured with `build/micropillar prm/FILE.prm` or
`mpirun -np 2 ...` and `postprocess/curves.py`, recorded in the prm comments):
  nanocrystalline_crconi.prm (lateral refinement 1, base): 3288 MPa
    (issue 14: no CLS barrier in a single-material pillar, grain
    coarsening on, time-step-converged increments; 3242 MPa before);
    band 3 % (the coarse mesh samples fewer grains per cross-section);
  glass_pillar.prm (lateral refinement 2, base, fillet; 2 ranks): 1791 MPa;
    band 4 % (the 96-cell sibling yields 3 % low; the glass mesh study
    in docs/glass-band.md gives 1736 / 1796 / 1801 MPa for 96 / 768 / 6144 cells);
  laminate.prm (every layer resolved, lateral refinement 2, base, 110 085
    DoFs, 2 ranks, to 3 %): 2804 MPa after issue 14 (interface barrier
    only in real layers and combined with Hall-Petch by the maximum rule,
    Cr-Co-Ni HCP constants; 3454 MPa before); band 5 % (the sibling, 0.3 µm
    wide cells and no base, yields 2850 MPa, +1.6 %; before issue 14 it was
    3.9 % lower)."""
import sys

import mp_test as t
from postprocess import curves

exe, work = t.args()
full_size = {"nanocrystalline_crconi_ci.prm": (3288.0, 0.03),
             "glass_pillar_ci.prm": (1791.0, 0.04),
             "laminate_ci.prm": (2804.0, 0.05)}
for prm, (reference, band) in full_size.items():
    out = work / prm.replace(".prm", "")
    src = (t.ROOT / "prm" / prm).read_text()
    path = work / prm
    src = t.convergence.set_prm_entry(src, "Output directory", str(out))
    # Only the yield is compared: the nanocrystalline (10 %) and glass (8 %)
    # siblings stop earlier here (their 0.2 % offset yields lie below 2 %
    # strain; the steps up to there are the prm's; the glass target counts
    # the machine spring's displacement too); laminate_ci.prm ends at 2 %.
    target = {"nanocrystalline_crconi_ci.prm": "0.03",
              "glass_pillar_ci.prm": "0.05"}.get(prm)
    if target:
        src = t.convergence.set_prm_entry(src, "Loading/Target strain", target)
    path.write_text(src)
    t.run(exe, path)
    c = curves.read_curve(out)
    E = curves.loading_modulus(c.strain, c.stress).modulus
    y = curves.offset_yield(c.strain, c.stress, E)
    t.check(y is not None and abs(y.stress / reference - 1) < band,
            f"{prm}: yield {y.stress if y else None} MPa vs full-size "
            f"{reference} MPa (band {band:.0%})")
sys.exit(t.finish())
