"""Signals from lower domains to higher ones (blinker, as Flask uses), so that no domain
imports upward: learning and exams announce, certificates listen."""

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; kwargs: user_id, course (content.Course)
module_completed = _signals.signal("module-completed")
# sender: the Flask app; kwargs: attempt (exams.models.ExamAttempt), course
exam_passed = _signals.signal("exam-passed")
