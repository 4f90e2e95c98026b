"""Table-driven tests for certification eligibility (no database)."""

from decimal import Decimal

import pytest

from certificates.eligibility import (
    TEMPLATES,
    AssessmentReq,
    CourseReq,
    Eligibility,
    Message,
    Rule,
    TraineeRecord,
    check_eligibility,
    format_hours,
    message,
)

D = Decimal
WELLBEING = CourseReq(
    course_id=1, title="Person-centred wellbeing coaching", steps_total=16
)
ETHICS = CourseReq(course_id=2, title="Ethics and confidentiality", steps_total=4)
QUIZ = AssessmentReq(assessment_id=31, title="Module 3 quiz")
ESSAY = AssessmentReq(assessment_id=32, title="Final assignment")
RULE = Rule(
    required_courses=[WELLBEING, ETHICS],
    required_assessments=[QUIZ, ESSAY],
    min_practicum_hours=D(10),
)
COMPLETE = TraineeRecord(
    courses_done={1: 16, 2: 4},
    passed_assessments={31, 32},
    signed_practicum_hours=D("10.00"),
)


def record(**changes):
    values = {
        "courses_done": COMPLETE.courses_done,
        "passed_assessments": COMPLETE.passed_assessments,
        "signed_practicum_hours": COMPLETE.signed_practicum_hours,
    }
    return TraineeRecord(**(values | changes))


def checklist(result: Eligibility):
    return [(item.kind, item.met, item.detail.default) for item in result.items]


def test_all_met():
    result = check_eligibility(rule=RULE, record=COMPLETE)
    assert result.met is True
    assert result.missing == ()
    assert checklist(result) == [
        ("course", True, "Person-centred wellbeing coaching: completed"),
        ("course", True, "Ethics and confidentiality: completed"),
        ("assessment", True, "Module 3 quiz passed"),
        ("assessment", True, "Final assignment passed"),
        ("practicum", True, "10 of 10 practicum hours signed"),
    ]
    assert [item.label.default for item in result.items] == [
        "Complete Person-centred wellbeing coaching",
        "Complete Ethics and confidentiality",
        "Pass Module 3 quiz",
        "Pass Final assignment",
        "10 practicum hours signed off",
    ]


@pytest.mark.parametrize(
    ("trainee", "index", "code", "params", "text"),
    [
        (
            record(courses_done={1: 12, 2: 4}),
            0,
            "course_incomplete",
            {"title": WELLBEING.title, "done": 12, "total": 16},
            "Person-centred wellbeing coaching: 12 of 16 steps done",
        ),
        (
            record(courses_done={1: 16}),  # no progress row at all
            1,
            "course_incomplete",
            {"title": ETHICS.title, "done": 0, "total": 4},
            "Ethics and confidentiality: 0 of 4 steps done",
        ),
        (
            record(courses_done={1: 15, 2: 4}),
            0,
            "course_incomplete",
            {"title": WELLBEING.title, "done": 15, "total": 16},
            "Person-centred wellbeing coaching: 15 of 16 steps done",
        ),
        (
            record(courses_done={1: -3, 2: 4}),
            0,
            "course_incomplete",
            {"title": WELLBEING.title, "done": 0, "total": 16},
            "Person-centred wellbeing coaching: 0 of 16 steps done",
        ),
        (
            record(passed_assessments={32}),
            2,
            "assessment_not_passed",
            {"title": "Module 3 quiz"},
            "Module 3 quiz not passed",
        ),
        (
            record(passed_assessments={31, 99}),
            3,
            "assessment_not_passed",
            {"title": "Final assignment"},
            "Final assignment not passed",
        ),
        (
            record(signed_practicum_hours=D(6)),
            4,
            "practicum_hours",
            {"signed": "6", "required": "10"},
            "6 of 10 practicum hours signed",
        ),
        (
            record(signed_practicum_hours=D("9.99")),
            4,
            "practicum_hours",
            {"signed": "9.99", "required": "10"},
            "9.99 of 10 practicum hours signed",
        ),
        (
            record(signed_practicum_hours=D("9.999")),  # shown rounded down
            4,
            "practicum_hours",
            {"signed": "9.99", "required": "10"},
            "9.99 of 10 practicum hours signed",
        ),
        (
            record(signed_practicum_hours=D(0)),
            4,
            "practicum_hours",
            {"signed": "0", "required": "10"},
            "0 of 10 practicum hours signed",
        ),
    ],
)
def test_each_unmet_alone(trainee, index, code, params, text):
    result = check_eligibility(rule=RULE, record=trainee)
    assert result.met is False
    assert [item.met for item in result.items] == [n != index for n in range(5)]
    assert result.missing == (result.items[index],)
    detail = result.items[index].detail
    assert (detail.code, dict(detail.params), detail.default) == (code, params, text)
    # The Django layer can translate: the template + params give the default.
    assert TEMPLATES[detail.code].format(**detail.params) == detail.default


def test_several_unmet():
    trainee = TraineeRecord(
        courses_done={1: 12},
        passed_assessments={32},
        signed_practicum_hours=D("6.5"),
    )
    result = check_eligibility(rule=RULE, record=trainee)
    assert result.met is False
    assert checklist(result) == [
        ("course", False, "Person-centred wellbeing coaching: 12 of 16 steps done"),
        ("course", False, "Ethics and confidentiality: 0 of 4 steps done"),
        ("assessment", False, "Module 3 quiz not passed"),
        ("assessment", True, "Final assignment passed"),
        ("practicum", False, "6.5 of 10 practicum hours signed"),
    ]
    assert [item.detail.code for item in result.missing] == [
        "course_incomplete",
        "course_incomplete",
        "assessment_not_passed",
        "practicum_hours",
    ]


def test_nothing_done():
    result = check_eligibility(rule=RULE, record=TraineeRecord())
    assert result.met is False
    assert len(result.missing) == 5


@pytest.mark.parametrize(
    ("rule", "trainee", "met", "kinds"),
    [
        # A course with 0 steps is met with no progress at all.
        (
            Rule(required_courses=[CourseReq(7, "Intro", 0)]),
            TraineeRecord(),
            True,
            ["course"],
        ),
        (
            Rule(required_courses=[CourseReq(7, "Intro", 0)]),
            TraineeRecord(courses_done={7: 0}),
            True,
            ["course"],
        ),
        # Steps removed since: more done than the total still counts as met.
        (
            Rule(required_courses=[CourseReq(7, "Intro", 3)]),
            TraineeRecord(courses_done={7: 5}),
            True,
            ["course"],
        ),
        # 0 required hours: no practicum line.
        (
            Rule(required_assessments=[QUIZ]),
            TraineeRecord(passed_assessments={31}),
            True,
            ["assessment"],
        ),
        # No requirements at all: met, empty checklist.
        (Rule(), TraineeRecord(), True, []),
        # More hours than required.
        (
            Rule(min_practicum_hours=D("10")),
            TraineeRecord(signed_practicum_hours=D("12.25")),
            True,
            ["practicum"],
        ),
        (
            Rule(min_practicum_hours=D("0.5")),
            TraineeRecord(signed_practicum_hours=D("0.49")),
            False,
            ["practicum"],
        ),
    ],
)
def test_edges(rule, trainee, met, kinds):
    result = check_eligibility(rule=rule, record=trainee)
    assert result.met is met
    assert [item.kind for item in result.items] == kinds


def test_practicum_met_detail_and_label():
    result = check_eligibility(
        rule=Rule(min_practicum_hours=D("7.50")),
        record=TraineeRecord(signed_practicum_hours=D("12.25")),
    )
    (item,) = result.items
    assert item.detail == Message(
        "practicum_hours_met",
        {"signed": "12.25", "required": "7.5"},
        "12.25 of 7.5 practicum hours signed",
    )
    assert item.label.default == "7.5 practicum hours signed off"


@pytest.mark.parametrize(
    ("hours", "text"),
    [
        (D("6.5"), "6.5"),
        (D("6.50"), "6.5"),
        (D("10"), "10"),
        (D("10.00"), "10"),
        (D("1E+1"), "10"),
        (D("100"), "100"),
        (D("0"), "0"),
        (D("0.00"), "0"),
        (D("-0"), "0"),
        (D("0.25"), "0.25"),
        (D("0.05"), "0.05"),
        (D("6.499"), "6.49"),
        (D("9.999"), "9.99"),
        (D("0.001"), "0"),
        (D("1234.5"), "1234.5"),
        (7, "7"),
    ],
)
def test_format_hours(hours, text):
    assert format_hours(hours) == text


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: Rule(min_practicum_hours=D(-1)), ValueError),
        (lambda: Rule(min_practicum_hours=D("NaN")), ValueError),
        (lambda: Rule(min_practicum_hours=10.0), TypeError),
        (lambda: TraineeRecord(signed_practicum_hours=D("-0.5")), ValueError),
        (lambda: TraineeRecord(signed_practicum_hours=6.5), TypeError),
        (lambda: CourseReq(1, "x", -1), ValueError),
        (lambda: message("no_such_code"), KeyError),
    ],
)
def test_invalid_input(build, error):
    with pytest.raises(error):
        build()


def test_inputs_are_frozen_copies():
    courses = [WELLBEING]
    rule = Rule(required_courses=courses)
    courses.append(ETHICS)
    assert rule.required_courses == (WELLBEING,)
    done = {1: 3}
    trainee = TraineeRecord(courses_done=done)
    done[1] = 16
    assert trainee.courses_done == {1: 3}
    assert isinstance(trainee.passed_assessments, frozenset)


@pytest.mark.parametrize("code", sorted(TEMPLATES))
def test_every_template_renders(code):
    params = {"title": "T", "done": 1, "total": 2, "signed": "1", "required": "2"}
    assert "{" not in message(code, **params).default
