# Regression runs of the pillar solver (see mp_test.py).
micropillar_regression(elastic_stiffness elastic_stiffness_test.py)
micropillar_regression(j2_pillar j2_pillar_test.py)
# Finite element/Plain Q1 materials: per-material F-bar off (a few seconds).
micropillar_regression(plain_q1_materials plain_q1_materials_test.py)
micropillar_regression(bad_input bad_input_test.py)
micropillar_regression(cutback cutback_test.py)
micropillar_regression(newton_control newton_control_test.py)
micropillar_regression(restart restart_test.py)
micropillar_regression(field_output field_output_test.py)
micropillar_regression(run_faults run_faults_test.py)
micropillar_regression(nan_guard nan_test.py)
micropillar_regression(prm_examples prm_examples_test.py)
micropillar_regression(ci_siblings ci_siblings_test.py)
micropillar_regression(fracture fracture_test.py)
micropillar_regression(faults faults_test.py)
# Taylor test of the assembled tangent (MICROPILLAR_DEBUG_TANGENT_FD=restore)
# on the laminate pillar with per-phase damage, F-bar, the Coulomb punch and
# the machine spring: first-order decay at every Newton iterate, R
# reproduced at u, no stress that jumps with F (~10 s).
micropillar_regression(pillar_tangent pillar_tangent_test.py)
# Newton/Viscous stabilisation against the exact solution of the lumped
# Q1 bar and, extrapolated, the continuum's kH coth(kH) (a few seconds).
micropillar_regression(stabilisation stabilisation_test.py)
