from decimal import Decimal

import pytest

from reports.aggregate import AGE_COLUMNS, GENDER_COLUMNS
from reports.selectors import FIXED_QUERIES, programme_facts, programme_report
from tests.placements.helpers import cohort_create, join

pytestmark = pytest.mark.django_db


def values(table, key):
    return [cell.value for cell in table.row(key).cells]


def shown(table, key):
    return [cell.shown for cell in table.row(key).cells]


def test_the_funnel_of_a_cohort(world):
    scope = programme_report().scope(str(world["cohort"].pk))
    funnel = scope.tables[0]

    assert scope.planned == 20
    assert scope.participants == 12
    # total | woman man other not-stated | under-25 25-54 55+ not-stated
    assert values(funnel, "invited") == [14, 7, 4, 1, 2, 3, 8, 2, 1]
    assert values(funnel, "participants") == [12, 7, 4, 1, 0, 2, 7, 2, 1]
    assert values(funnel, "finished") == [9, 6, 3, 0, 0, 2, 5, 2, 0]
    assert values(funnel, "certified") == [6, 5, 1, 0, 0, 1, 4, 1, 0]
    assert values(funnel, "placed") == [2, 2, 0, 0, 0, 0, 2, 0, 0]


def test_small_cells_show_less_than_five(world):
    funnel = programme_report().scope(str(world["cohort"].pk)).tables[0]

    # Men 4 and other 1 are hidden; 0 stays 0; 7 is shown.
    assert shown(funnel, "participants") == [
        "12",
        "7",
        "<5",
        "<5",
        "0",
        "<5",
        "7",
        "<5",
        "<5",
    ]
    # Women 6 would give away the one hidden man (7 - 6), so it goes too.
    assert shown(funnel, "certified") == [
        "6",
        "<5",
        "<5",
        "0",
        "0",
        "<5",
        "<5",
        "<5",
        "0",
    ]
    # A total under 5 hides the whole row but its zeros.
    assert shown(funnel, "placed") == ["<5", "<5", "0", "0", "0", "0", "<5", "0", "0"]


def test_a_small_cohort_is_not_given_away_by_the_total(world, make_user, course):
    tiny = cohort_create(
        courses=[course], name="Tiny", start=world["cohort"].start_date
    )
    for n in range(2):
        join(cohort=tiny, user=make_user("trainee", legal_name=f"Tiny {n}"))

    report = programme_report()
    rows = {row.key: row for row in report.overview.rows}
    # total minus the other cohorts would be the tiny cohort's 2: the next smallest
    # cohort (six participants) is hidden as well, here and in its own funnel.
    assert rows[str(tiny.pk)].cells[2].shown == "<5"
    assert rows[str(world["later"].pk)].cells[2].shown == "<5"
    later = report.scope(str(world["later"].pk)).tables[0]
    assert later.row("participants").cells[0].shown == "<5"
    assert rows[str(world["cohort"].pk)].cells[2].shown == "12"
    assert rows["total"].cells[2].shown == "19"


def test_every_breakdown_adds_up_to_its_total(world):
    report = programme_report()
    for scope in report.scopes:
        for table in scope.tables:
            for row in table.rows:
                total = row.cells[0].value
                assert sum(row.cells[c].value for c in GENDER_COLUMNS) == total
                assert sum(row.cells[c].value for c in AGE_COLUMNS) == total
            if table.total_row:
                for c in range(len(table.rows[-1].cells)):
                    assert (
                        sum(row.cells[c].value for row in table.rows[:-1])
                        == table.rows[-1].cells[c].value
                    )


def test_outcomes_partition_the_participants(world):
    scope = programme_report().scope(str(world["cohort"].pk))
    exit_table = next(t for t in scope.tables if t.key == "outcomes_exit")

    assert values(exit_table, "in_work")[0] == 3
    assert values(exit_table, "in_placement")[0] == 2
    # Two of the ten records are for people who never joined: not counted.
    assert values(exit_table, "not_recorded")[0] == 12 - 10 + 0
    assert values(exit_table, "participants")[0] == 12
    follow_up = next(t for t in scope.tables if t.key == "outcomes_follow_up")
    assert values(follow_up, "in_work")[0] == 1
    assert values(follow_up, "not_recorded")[0] == 11


def test_learning_hours_count_the_completed_steps(world):
    scope = programme_report().scope(str(world["cohort"].pk))
    hours = scope.tables[1]
    # Nine people finished both 30-minute lessons.
    assert values(hours, "learning")[0] == Decimal(9)
    assert values(hours, "practicum")[0] == Decimal(0)


def test_practicum_hours_come_from_the_assessments_ledger(world, monkeypatch):
    import assessments.selectors.practicum as practicum

    first = world["users"][0]
    monkeypatch.setattr(
        practicum,
        "signed_practicum_hours",
        lambda *, user_ids: {
            u: Decimal("12.5") if u == first.pk else Decimal(0) for u in user_ids
        },
    )
    scope = programme_report().scope("total")
    assert values(scope.tables[1], "practicum")[0] == Decimal("12.5")


def test_the_total_counts_people_once(world):
    report = programme_report()
    total = report.scope("total").tables[0]
    later = report.scope(str(world["later"].pk)).tables[0]

    assert values(later, "participants")[0] == 6
    # 12 in the first cohort, one of whom is also in the second, and five more.
    assert values(total, "participants")[0] == 17
    assert values(total, "invited")[0] == 19
    assert report.scope("total").planned == 20


def test_the_overview_matches_each_cohort(world):
    report = programme_report()
    rows = {row.key: row for row in report.overview.rows}
    first = rows[str(world["cohort"].pk)]
    assert [cell.shown for cell in first.cells] == ["20", "14", "12", "9", "6", "<5"]
    later = rows[str(world["later"].pk)]
    assert [cell.shown for cell in later.cells] == ["", "6", "6", "0", "0", "0"]
    assert [cell.shown for cell in rows["total"].cells] == [
        "20",
        "19",
        "17",
        "9",
        "6",
        "<5",
    ]


def many(make_user, course, count, cohort):
    for n in range(count):
        user = make_user(
            "trainee",
            gender=["woman", "man", "other", ""][n % 4],
            birth_year=1970 + n % 40,
        )
        join(cohort=cohort, user=user)


def test_the_report_reads_a_fixed_number_of_queries(
    make_user, course, django_assert_num_queries
):
    small = cohort_create(courses=[course], name="Small", planned_participants=10)
    many(make_user, course, 10, small)
    with django_assert_num_queries(FIXED_QUERIES):
        programme_report()

    large = cohort_create(courses=[course], name="Large", planned_participants=100)
    many(make_user, course, 100, large)
    with django_assert_num_queries(FIXED_QUERIES):
        report = programme_report()
    assert report.scope("total").participants == 110


def test_facts_of_one_cohort_only(world):
    facts = programme_facts(cohort_ids=[world["later"].pk])
    assert {m.cohort_id for m in facts.memberships} == {world["later"].pk}
    assert len(facts.memberships) == 6
