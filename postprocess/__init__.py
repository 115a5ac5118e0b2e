"""Post-processing of micropillar output files (stress_strain.csv, logs).

Modules:
  curves       read curves; loading modulus, 0.2 % offset yield, flow stress,
               load-drop detector (importable + CLI)
  plot_curves  stress-strain plot with the measured yield strengths
  convergence  mesh-convergence runner (prm rewriter, mpirun, Richardson order)
  fields       extra curve columns (fcc_fraction, ...) vs strain

Only the standard library, numpy and matplotlib (Agg backend) are used; run
the scripts with Debian's /usr/bin/python3.
"""
