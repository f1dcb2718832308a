"""Final exams: attempts, drawing questions, grading."""
