# Coulomb punch contact (docs/contact.md).
micropillar_regression(contact contact_test.py)
# The CI-sized Coulomb nanocrystalline pillar reaches 30 % (~30 s).
micropillar_regression(contact_pillar contact_pillar_test.py)
