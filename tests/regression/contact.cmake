# Coulomb punch contact (docs/contact.md).
micropillar_regression(contact contact_test.py)
