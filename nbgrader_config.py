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

# --- Grading that can be trusted (see src/safeguarding_course/grading/) -----------------------
# A submission earns marks only through its answer cells. The notebook is rebuilt from the
# released cells in the gradebook; answers are read as literal values, never run; only the
# trainer's own setup and test cells run, without a kernel.
from nbgrader.preprocessors import (  # noqa: E402
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    GetGrades,
    LimitOutput,
)

from safeguarding_course.grading.autograde import (  # noqa: E402
    GradeLiteralAnswers,
    RebuildFromGradebook,
)
from safeguarding_course.grading.keep_marks import SaveAutoGradesKeepingMarks  # noqa: E402

c.Autograde.sanitize_preprocessors = [RebuildFromGradebook]
c.Autograde.autograde_preprocessors = [
    GradeLiteralAnswers,
    LimitOutput,
    SaveAutoGradesKeepingMarks,  # nbgrader's SaveAutoGrades, but a regrade keeps trainers' marks
    AssignLatePenalties,
    CheckCellMetadata,
]
# Feedback is the course's plain-language page (grading/feedback.py): each question, the
# answer, the marks, why, the trainer's comment and what to read again; never code, hidden
# tests or mark schemes, so an assessment can be used again with the next cohort.
c.GenerateFeedback.exporter_class = "safeguarding_course.grading.feedback.FeedbackPage"
c.GenerateFeedback.preprocessors = [GetGrades, ClearHiddenTests, ClearMarkScheme]

# `nbgrader export` writes a status column, so a submission that could not be graded shows as
# "not graded" with its reason, never as a zero.
c.ExportApp.plugin_class = "safeguarding_course.grading.export.StatusCsvExportPlugin"
