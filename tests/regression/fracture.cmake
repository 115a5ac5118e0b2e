# Phase-field fracture verification beyond fracture_test.py (registered in
# solver.cmake): the pre-cracked strip against Griffith and the scaling of
# every length (with the crack-pattern script on its output), the AT1
# profile (bound-constrained solve), the ductile driving force and the
# spectral split under compression, the loop behind a machine spring.
micropillar_regression(fracture_griffith fracture_griffith_test.py)
micropillar_regression(fracture_scaled fracture_scaled_test.py)
micropillar_regression(fracture_profile fracture_profile_test.py)
micropillar_regression(fracture_ductile fracture_ductile_test.py)
micropillar_regression(fracture_spectral fracture_spectral_test.py)
# The orthogonal split on the compressed homogeneous bar: no damage at
# nu = 0, onset at its analytic lateral threshold at nu = 0.3, 2 ranks.
micropillar_regression(fracture_orthogonal fracture_orthogonal_test.py)
# The staggered loop behind a machine spring: the homogeneous AT2 bar on its
# analytic curve, through its load drop, and the warm-started passes (~4 s).
micropillar_regression(fracture_machine fracture_machine_test.py)
# Anderson acceleration of the staggered loop behind the spring: the plain
# AT2 curve in fewer passes; AT1 up to its drop and its broken end (~15 s).
micropillar_regression(fracture_staggered fracture_staggered_test.py)
# Relaxed damage updates: the AT1 bar's snap with every update capped at
# 0.05 per pass gives the plain curve in more passes (~10 s).
micropillar_regression(fracture_relaxation fracture_relaxation_test.py)
# Viscous damage evolution (Fracture/Viscosity): the bar's rows on the
# backward-Euler recursion of one point (AT2, AT1) and the AT1 snap behind
# the spring spread over steps (~20 s).
micropillar_regression(fracture_viscous fracture_viscous_test.py)
# Step control by the damage change (Time stepping/Target damage change per
# step): the viscous AT1 bar's crack in steps of at most twice the target,
# the increment growing back after the break, 1 and 2 ranks (~15 s).
micropillar_regression(fracture_step_control fracture_step_control_test.py)
# The cracking laminate pillar's CI sibling (prm/laminate_fracture_ci.prm):
# flow_end within +-3 % strain of the full-size orthogonal-split run and a
# load drop of at least 10 %, 2 ranks (~2 min).
micropillar_regression(laminate_fracture_ci laminate_fracture_ci_test.py)
# The orthogonal split's per-point metric cache on a crystal degraded whole:
# a run killed in its damage and restarted (empty cache) gives the same
# curve to 1e-10; fails with a cache that outlives its step (~25 s).
micropillar_regression(fracture_stiffness_cache fracture_stiffness_cache_test.py)
# The monolithic glass pillar with fracture on (prm/glass_fracture.prm):
# completes 30 %, fails by its band without damage, peaks at the measured
# 1.8 GPa, and gives the curve of Fracture/Model = none (~30 s).
micropillar_regression(glass_fracture glass_fracture_test.py)
# What a broken point carries in uniaxial compression: the spectral split's
# analytic 2G|ln(1-e)|/(1-e), nothing with the orthogonal and the
# volumetric-deviatoric splits (~6 s).
micropillar_regression(fracture_broken_compression
                       fracture_broken_compression_test.py)
# Why the laminate pillar's first drop is deep: one laminate point
# (build/laminate_point) intact confines its glass; with its crystal cracked
# the glass is uniaxial and the point carries < 20 % (~2 s).
micropillar_regression(laminate_confinement laminate_confinement_test.py)
