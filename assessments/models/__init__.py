from assessments.models.assignment import (  # noqa: F401
    AssignmentDueOverride,
    AssignmentPage,
    Attachment,
    Review,
    Submission,
)
from assessments.models.practicum import (  # noqa: F401
    PracticumSession,
    PracticumSupervision,
)
from assessments.models.quiz import QuizAttempt, QuizPage  # noqa: F401
from assessments.models.results import (  # noqa: F401
    AssessmentResult,
    AssessmentResultChange,
)
