"""Signals from lower domains to higher ones (blinker, as Flask uses), so that no domain
imports upward: learning and exams announce, certificates listen.

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
# kwargs: user, course, certificate (certificates.models.Certificate); sent after the
# certificate row is flushed, in the transaction that issues it.
certificate_issued = _signals.signal("certificate-issued")
# kwargs: users (a list). People were created, or moved into another department (import,
# HR form, registration, invitation, single sign-on): rules that cover them may apply.
people_placed = _signals.signal("people-placed")
# kwargs: user, attempt, result (exams.models.ExamResult), course (None if gone); every
# attempt graded in time, passed or not, final exam or re-check
exam_graded = _signals.signal("exam-graded")
