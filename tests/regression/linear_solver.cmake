# The iterative (ML) solver on a resolved laminate: same curve as the direct
# solver and on 1 and 8 ranks; Krylov iterations per solve bounded.
micropillar_regression(laminate_amg_ranks laminate_amg_test.py)
