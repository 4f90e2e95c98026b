"""From the records to the figures: each cohort, the total, and their tables."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.aggregate import (
    Person,
    Table,
    apply_small_cell_rule,
    breakdown_row,
    gender_key,
    plain_row,
)
from reports.selectors.facts import (
    FUNNEL,
    MINUTES_PER_HOUR,
    NOT_RECORDED,
    Facts,
    Kind,
    Membership,
    Stage,
    finished_courses,
    funnel_labels,
    learning_minutes,
    outcome_labels,
    programme_facts,
    was_placed,
)
from users.equality import age_band


@dataclass
class Scope:
    """The figures of one cohort, or of the whole programme ("total")."""

    key: str
    label: str
    cohort: dict | None
    planned: int | None
    stages: dict[str, list[Person]]
    learning_hours: dict[int, Decimal]
    practicum_hours: dict[int, Decimal]
    outcomes: dict[str, dict[int, str]]  # stage → user → kind
    tables: list[Table] = field(default_factory=list)

    @property
    def participants(self) -> int:
        return len(self.stages["participants"])


def _hours(minutes: int) -> Decimal:
    return Decimal(minutes) / MINUTES_PER_HOUR


def _scope_for_cohort(facts: Facts, cohort: dict, members: list[Membership]) -> Scope:
    courses = facts.courses.get(cohort["id"], set())

    def person(m: Membership) -> Person:
        return Person(
            id=m.user_id,
            gender=gender_key(m.gender),
            age_band=age_band(birth_year=m.birth_year, on=cohort["start_date"]),
        )

    joined = [m for m in members if m.participated]
    stages = {
        "invited": [person(m) for m in members],
        "participants": [person(m) for m in joined],
        "finished": [person(m) for m in joined if finished_courses(facts, m)],
        "certified": [person(m) for m in joined if m.user_id in facts.certified],
        "placed": [person(m) for m in joined if was_placed(facts, m.user_id)],
    }
    outcomes = {
        stage: {
            m.user_id: row["kind"]
            for m in joined
            if (row := facts.outcomes.get((m.user_id, cohort["id"], stage)))
        }
        for stage in Stage.values
    }
    return Scope(
        key=str(cohort["id"]),
        label=cohort["name"],
        cohort=cohort,
        planned=cohort["planned_participants"],
        stages=stages,
        learning_hours={
            m.user_id: _hours(learning_minutes(facts, m.user_id, courses))
            for m in joined
        },
        practicum_hours={
            m.user_id: Decimal(facts.practicum.get(m.user_id, 0)) for m in joined
        },
        outcomes=outcomes,
    )


def _scope_total(facts: Facts) -> Scope:
    starts = {c["id"]: c["start_date"] for c in facts.cohorts}
    by_user: dict[int, list[Membership]] = defaultdict(list)
    for m in facts.memberships:
        by_user[m.user_id].append(m)

    people: dict[int, Person] = {}
    for user_id, ms in by_user.items():
        first = min(ms, key=lambda m: (starts[m.cohort_id], m.cohort_id))
        people[user_id] = Person(
            id=user_id,
            gender=gender_key(first.gender),
            age_band=age_band(birth_year=first.birth_year, on=starts[first.cohort_id]),
        )
    joined = [u for u, ms in by_user.items() if any(m.participated for m in ms)]
    stages = {
        "invited": list(people.values()),
        "participants": [people[u] for u in joined],
        "finished": [
            people[u]
            for u in joined
            if any(finished_courses(facts, m) for m in by_user[u])
        ],
        "certified": [people[u] for u in joined if u in facts.certified],
        "placed": [people[u] for u in joined if was_placed(facts, u)],
    }
    learning = {}
    for u in joined:
        courses = set().union(
            *(facts.courses.get(m.cohort_id, set()) for m in by_user[u])
        )
        learning[u] = _hours(learning_minutes(facts, u, courses))
    outcomes: dict[str, dict[int, str]] = {}
    for stage in Stage.values:
        outcomes[stage] = {}
        for u in joined:
            latest = sorted(
                by_user[u],
                key=lambda m: (starts[m.cohort_id], m.cohort_id),
                reverse=True,
            )
            for m in latest:
                row = facts.outcomes.get((u, m.cohort_id, stage))
                if row:
                    outcomes[stage][u] = row["kind"]
                    break
    planned = [c["planned_participants"] for c in facts.cohorts]
    return Scope(
        key="total",
        label=_("All cohorts"),
        cohort=None,
        planned=sum(p for p in planned if p) if any(planned) else None,
        stages=stages,
        learning_hours=learning,
        practicum_hours={u: Decimal(facts.practicum.get(u, 0)) for u in joined},
        outcomes=outcomes,
    )


def _scope_tables(scope: Scope) -> list[Table]:
    labels = funnel_labels()
    funnel = Table(
        key="funnel",
        title=_("From invitation to placement"),
        rows=[
            breakdown_row(
                key=stage,
                label=labels[stage],
                people=scope.stages[stage],
                link=(scope.key, stage),
            )
            for stage in FUNNEL
        ],
    )
    participants = scope.stages["participants"]
    hours = Table(
        key="hours",
        title=_("Hours of learning and practice"),
        kind="hours",
        rows=[
            breakdown_row(
                key="learning",
                label=_("Learning hours (completed steps)"),
                people=participants,
                value=lambda p: scope.learning_hours.get(p.id, Decimal(0)),
            ),
            breakdown_row(
                key="practicum",
                label=_("Signed practicum hours"),
                people=participants,
                value=lambda p: scope.practicum_hours.get(p.id, Decimal(0)),
            ),
        ],
    )
    tables = [funnel, hours]
    kinds = [*Kind.values, NOT_RECORDED]
    names = outcome_labels()
    for stage, title in (
        (Stage.EXIT, _("Outcomes at exit")),
        (Stage.FOLLOW_UP, _("Outcomes at follow-up")),
    ):
        recorded = scope.outcomes[stage]
        by_kind: dict[str, list[Person]] = defaultdict(list)
        for person in participants:
            by_kind[recorded.get(person.id, NOT_RECORDED)].append(person)
        rows = [
            breakdown_row(key=kind, label=names[kind], people=by_kind[kind])
            for kind in kinds
        ]
        rows.append(
            breakdown_row(
                key="participants",
                label=_("Participants"),
                people=participants,
                link=(scope.key, "participants"),
            )
        )
        tables.append(
            Table(key=f"outcomes_{stage}", title=title, rows=rows, total_row=True)
        )
    return tables


def _overview(scopes: list[Scope]) -> Table:
    """One row per cohort (and the total): planned against the funnel's totals."""
    rows = []
    for scope in scopes:
        row = plain_row(
            key=scope.key,
            label=scope.label,
            values=[scope.planned, *(len(scope.stages[s]) for s in FUNNEL)],
        )
        for column, stage in enumerate(FUNNEL, start=1):
            row.cells[column].link = ((scope.key, stage), 0)
        rows.append(row)
    labels = funnel_labels()
    return Table(
        key="overview",
        title=_("Cohorts"),
        rows=rows,
        total_row=True,
        breakdown=False,
        columns=("planned", *FUNNEL),
        extra={"column_labels": [_("Planned"), *(labels[s] for s in FUNNEL)]},
    )


@dataclass
class ProgrammeReport:
    scopes: list[Scope]  # every cohort, then the total
    overview: Table
    practicum_available: bool

    def scope(self, key: str) -> Scope | None:
        return next((s for s in self.scopes if s.key == key), None)


def programme_report(*, facts: Facts | None = None) -> ProgrammeReport:
    """Every cohort's figures and the total, with the small-cell rule applied
    across everything published together. ``FIXED_QUERIES`` queries."""
    facts = facts or programme_facts()
    by_cohort: dict[int, list[Membership]] = defaultdict(list)
    for membership in facts.memberships:
        by_cohort[membership.cohort_id].append(membership)
    scopes = [
        _scope_for_cohort(facts, cohort, by_cohort[cohort["id"]])
        for cohort in facts.cohorts
    ]
    scopes.append(_scope_total(facts))
    for scope in scopes:
        scope.tables = _scope_tables(scope)
    overview = _overview(scopes)
    apply_small_cell_rule([overview, *(t for s in scopes for t in s.tables)])
    return ProgrammeReport(
        scopes=scopes, overview=overview, practicum_available=facts.practicum_available
    )
