"""Grading that can be trusted: answers read as data, feedback that keeps tests hidden,
submissions that cannot be graded reported by name, and a fast cohort command."""
