# gunicorn reads this file from the directory it is started in (the project root).
# Settings given on the command line win over it.

# Tokens in links (password reset, invitations) never reach the access log.
logger_class = "academy.request_logs.RedactingLogger"
