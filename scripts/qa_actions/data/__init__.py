"""Test data: anonymisation (`qa data anonymize`) and the check for unmasked personal data (`qa data check`)."""
