# Regression runs of the pillar solver (see mp_test.py).
micropillar_regression(elastic_stiffness elastic_stiffness_test.py)
micropillar_regression(j2_pillar j2_pillar_test.py)
micropillar_regression(bad_input bad_input_test.py)
micropillar_regression(cutback cutback_test.py)
micropillar_regression(restart restart_test.py)
micropillar_regression(nan_guard nan_test.py)
micropillar_regression(prm_examples prm_examples_test.py)
micropillar_regression(ci_siblings ci_siblings_test.py)
