"""The learner's view of where they stand: the start page and each course's overview."""
