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
from safeguarding_course.grading.converter import use_course_autograde  # noqa: E402

# `nbgrader autograde` (and formgrader's autograde button) use the course's CourseAutograde: a
# submission is plain files or nothing (no links, pipes or devices; sizes checked before
# reading), only timestamp.txt and declared files are copied, one grading run at a time per
# course (a lock), and a plain reason for every submission it cannot grade.
use_course_autograde()
# Files trainees may hand in beside the notebook, per assessment (none so far); nothing else in
# a submission folder is ever copied into autograded/ or feedback/.
c.CourseAutograde.allowed_files = {}
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

# `nbgrader collect` keeps links in a submission as links (so the check above refuses them)
# rather than copying what they point to with your rights, keeps collected submissions private
# to the trainer (nbgrader leaves them mode 777) and, on a hub, refuses a submission filed under
# another trainee's name.
c.ExchangeFactory.collect = "safeguarding_course.exchange.PrivateCollect"

# This site's own settings (for example the gradebook on PostgreSQL: c.CourseDirectory.db_url),
# kept beside this file in nbgrader_local_config.py, which is never committed.
import os  # noqa: E402

load_subconfig("nbgrader_local_config.py", path=os.path.dirname(os.path.abspath(__file__)))  # noqa: F821
