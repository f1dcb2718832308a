"""Signals between domains (blinker, as Flask uses), so that no domain imports upward:
learning and exams announce, certificates and hr listen; privacy announces an erasure, and each
domain that keeps evidence answers without privacy having to know it.

Senders pass the Flask app as sender; receivers connect for their app in init_app().
"""

from blinker import Namespace

_signals = Namespace()

# kwargs: user (accounts.models.User), course (content.Course)
module_completed = _signals.signal("module-completed")
# kwargs: user, course, attempt (exams.models.ExamAttempt); final exams only, not re-checks
exam_passed = _signals.signal("exam-passed")

# A question to higher domains, answered by the receivers' return values:
# kwargs: attempt (exams.models.ExamAttempt); certificates returns the certificate the
# attempt earned, if any (the exam result page offers it).
certificate_of_attempt = _signals.signal("certificate-of-attempt")
# kwargs: user, course_slug; certificates returns True when it issues no new certificate
# in the course because the last one was revoked and no admin has allowed a new one yet.
certificate_withheld = _signals.signal("certificate-withheld")
# kwargs: user, course, certificate (certificates.models.Certificate); sent after the
# certificate row is flushed, in the transaction that issues it.
certificate_issued = _signals.signal("certificate-issued")
# kwargs: users (a list). People were created, or moved into another department (import,
# HR form, registration, invitation, single sign-on): rules that cover them may apply.
people_placed = _signals.signal("people-placed")
# kwargs: user, attempt (exams.models.ExamAttempt); a new attempt was drawn, final exam or
# re-check (not when an open one is resumed)
exam_started = _signals.signal("exam-started")
# kwargs: user, attempt, result (exams.models.ExamResult), course (None if gone); every
# attempt graded in time, passed or not, final exam or re-check
exam_graded = _signals.signal("exam-graded")

# Sent by trainer when a material change asks people certified on an older version to
# retrain, in the transaction that records it; hr turns it into retraining assignments.
# kwargs: people (list of User), course_slug, number (the version's number), modules (the
# slugs to re-read), by (the publisher, or None for the command line)
retraining_assigned = _signals.signal("retraining-assigned")
# Sent by trainer when a person's retraining is done (re-check passed, or the modules
# read when they have no questions); hr completes the retraining assignment.
# kwargs: user, course_slug
retraining_completed = _signals.signal("retraining-completed")

# Sent by privacy before a person's account and records are deleted, so that a domain can
# keep what must stay as evidence under a pseudonym (certificates) or remove what the
# foreign keys do not reach. kwargs: user, pseudonym (str). Receivers return the rows
# they kept as evidence (a list of model instances), which are deleted when the evidence
# retention ends.
person_erasing = _signals.signal("person-erasing")

# A question asked when a person signs out: where the browser goes next. Single sign-on
# answers with its provider's end-session address (RP-initiated logout) or None. No kwargs.
signing_out = _signals.signal("signing-out")
