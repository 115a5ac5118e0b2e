micropillar_regression(glass glass_test.py)
