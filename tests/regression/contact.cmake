# Coulomb punch contact (docs/contact.md).
micropillar_regression(contact contact_test.py)
# The CI-sized Coulomb nanocrystalline pillar reaches 30 % (~30 s).
micropillar_regression(contact_pillar contact_pillar_test.py)
# Step control Time stepping/Maximum volume loss per step (a few seconds).
micropillar_regression(contact_step_control contact_step_control_test.py)
# The CI-sized Coulomb homogenised laminate pillar reaches 30 % (~70 s CPU).
micropillar_regression(contact_laminate_pillar contact_laminate_pillar_test.py)
# Coulomb contact behind a machine spring (a few seconds).
micropillar_regression(contact_machine contact_machine_test.py)
# Contact pressure, area and stick/slip in the field output (a few seconds).
micropillar_regression(contact_fields contact_fields_test.py)
# The small resolved laminate with the Coulomb punch reaches 30 % (~15 s CPU).
micropillar_regression(contact_laminate_resolved contact_laminate_resolved_test.py)
# A block pressed on the punch, then sheared: stick, then slip at mu N (~3 s).
micropillar_regression(contact_slide contact_slide_test.py)
