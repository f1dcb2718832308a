"""Users, roles, sign-in, invitations, password reset."""
