"""KI-Akademie: the application package.

Importing it imports nothing else, so that the pure parts (`academy.content`,
`academy.exams.grading`, `academy.exams.rules`) load without Flask or SQLAlchemy.
The application factory is `academy.factory.create_app`.
"""
