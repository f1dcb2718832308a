"""Certificates: issuing, numbering, PDF, public verification, revocation."""
