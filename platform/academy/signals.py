"""Signals from lower domains to higher ones (blinker, as Flask uses), so that no domain
imports upward: learning and exams announce, certificates listen.

Senders pass the Flask app as sender; receivers connect for their app in init_app().
"""

from blinker import Namespace

_signals = Namespace()

# kwargs: user (accounts.models.User), course (content.Course)
module_completed = _signals.signal("module-completed")
# kwargs: user, course, attempt (exams.models.ExamAttempt)
exam_passed = _signals.signal("exam-passed")
