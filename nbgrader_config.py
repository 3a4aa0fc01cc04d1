"""nbgrader settings for the course: run nbgrader's commands from the repository root.

Source notebooks (with solutions, hidden tests and mark schemes) live in solutions/;
`nbgrader generate_assignment` writes the trainee versions to assignments/.
"""

c = get_config()  # noqa: F821  (nbgrader provides get_config)

c.CourseDirectory.course_id = "online-grooming-awareness"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"

# What a trainee sees in place of a model answer. Code answers already have a line such as
# `answer_q1 = None  # replace None with ...` above the solution, so the code stub is empty.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "Write your answer here, in your own words."

# Tests that load the package's content data need a little longer than a bare cell.
c.Execute.timeout = 60

# Mark schemes sit in the read-only question cell of each written answer, so the trainer sees
# them beside the answer in formgrader; nbgrader strips them from the trainee version.
c.ClearMarkScheme.enforce_metadata = False
