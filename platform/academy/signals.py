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
# kwargs: user, attempt, result (exams.models.ExamResult), course (None if gone); every
# attempt graded in time, passed or not, final exam or re-check
exam_graded = _signals.signal("exam-graded")
