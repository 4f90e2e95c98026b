"""The programme's figures, per cohort and in total, in a fixed number of queries.

``programme_facts`` reads whole sets as ``values()`` rows (about ten queries,
whatever the number of participants; see ``FIXED_QUERIES``) and everything
else is computed in Python from them. Nothing is stored: the figures are
always as fresh as the records.

Definitions (the dashboard says them in words too):

- **Invited**: every membership of the cohort, whatever became of it.
- **Participant** (the "active" stage): joined the cohort (a join date, or
  active or completed), including those who withdrew later.
- **Finished courses**: a participant whose membership is completed or who
  completed every course of the cohort.
- **Certified**: a participant ever issued a certificate that was not revoked.
- **Placed**: a participant whose placement has started (active, completed,
  or ended early after starting).
- **Learning hours**: estimated minutes of the steps a participant completed
  in the cohort's courses (the step's current estimate), ÷ 60.
- **Practicum hours**: signed practicum hours (assessments' ledger). They are
  not tied to a cohort: someone in two cohorts counts them in both.
- **Outcome**: recorded per participant and cohort at exit and at follow-up;
  a participant without a record is "not recorded".
- **Age band**: at the start of the cohort (in the total: of their first
  cohort). Gender "prefer not to say" and empty are "not stated".
- **Total**: distinct people. Someone in two cohorts counts once; their
  outcome is the one recorded for their latest cohort that has one.
"""

from reports.selectors.facts import (
    FIXED_QUERIES,
    FUNNEL,
    NOT_RECORDED,
    PRACTICUM_CHUNK,
    Facts,
    Membership,
    finished_courses,
    funnel_labels,
    learning_minutes,
    outcome_labels,
    programme_facts,
    steps_done,
    was_placed,
)
from reports.selectors.figures import ProgrammeReport, Scope, programme_report

__all__ = [
    "FIXED_QUERIES",
    "FUNNEL",
    "NOT_RECORDED",
    "PRACTICUM_CHUNK",
    "Facts",
    "Membership",
    "ProgrammeReport",
    "Scope",
    "finished_courses",
    "funnel_labels",
    "learning_minutes",
    "outcome_labels",
    "programme_facts",
    "programme_report",
    "steps_done",
    "was_placed",
]
