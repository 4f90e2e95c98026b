"""Demo partner organisations and placements (``make demo``).

The organisations are the programme's real partners (DOMAIN.md); every
contact person, address and phone number is made up. Phone numbers are from
the range the Swedish Post and Telecom Authority keeps for fiction
(070-174 06 05 to 070-174 06 99); e-mail addresses are at example.org.
Idempotent: an organisation that exists (by name) is left as it is, and so
is anyone placed already.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from certificates.selectors import valid_certificate_holders
from courses.demo import DEMO_ACCOUNTS, DEMO_DOMAIN
from placements.models import PartnerOrganisation, Placement
from placements.services import (
    partner_organisation_create,
    placement_activate,
    placement_agree,
    placement_complete,
    placement_propose,
)

Kind = PartnerOrganisation.Kind

DEMO_ORGANISATIONS = (
    {
        "name": "Arbetsförmedlingen Karlskrona",
        "kind": Kind.EMPLOYMENT_SERVICE,
        "municipality": "Karlskrona",
        "address": "Exempelgatan 4\n371 30 Karlskrona",
        "contact_name": "Karin Ek",
        "languages": ["ar", "ti", "so", "fa", "prs"],
        "places": 3,
    },
    {
        "name": "Försäkringskassan Ronneby",
        "kind": Kind.SOCIAL_INSURANCE,
        "municipality": "Ronneby",
        "address": "Påhittade vägen 12\n372 30 Ronneby",
        "contact_name": "Lars Nyström",
        "languages": ["ar", "ti", "so"],
        "places": 2,
    },
    {
        "name": "Vårdcentralen Olofström",
        "kind": Kind.PRIMARY_CARE,
        "municipality": "Olofström",
        "address": "Testgränd 3\n293 30 Olofström",
        "contact_name": "Aisha Rahimi",
        "languages": ["ar", "bs", "sq", "fa"],
        "places": 2,
    },
    {
        "name": "Karlskrona kommun",
        "kind": Kind.MUNICIPALITY,
        "municipality": "Karlskrona",
        "address": "Demotorget 1\n371 83 Karlskrona",
        "contact_name": "Johan Berg",
        "languages": ["ar", "so", "fa", "uk"],
        "places": 3,
    },
    {
        "name": "Ronneby kommun",
        "kind": Kind.MUNICIPALITY,
        "municipality": "Ronneby",
        "address": "Exempeltorget 2\n372 80 Ronneby",
        "contact_name": "Sofia Lind",
        "languages": ["ar", "ti", "prs"],
        "places": 2,
    },
    {
        "name": "Karlshamns kommun",
        "kind": Kind.MUNICIPALITY,
        "municipality": "Karlshamn",
        "address": "Påhittade torget 5\n374 81 Karlshamn",
        "contact_name": "Erik Sandberg",
        "languages": ["ar", "so", "ku"],
        "places": 2,
    },
    {
        "name": "Olofströms kommun",
        "kind": Kind.MUNICIPALITY,
        "municipality": "Olofström",
        "address": "Demogatan 8\n293 80 Olofström",
        "contact_name": "Maja Holm",
        "languages": ["bs", "sq", "ar"],
        "places": 1,
    },
    {
        "name": "Sölvesborgs kommun",
        "kind": Kind.MUNICIPALITY,
        "municipality": "Sölvesborg",
        "address": "Exempelvägen 20\n294 80 Sölvesborg",
        "contact_name": "Anders Wikström",
        "languages": ["ar", "pl", "ro"],
        "places": 1,
    },
    {
        "name": "Littorina folkhögskola",
        "kind": Kind.EDUCATION_PROVIDER,
        "municipality": "Karlskrona",
        "address": "Skolvägen 1 (demo)\n371 37 Karlskrona",
        "contact_name": "Helena Åberg",
        "languages": ["ar", "ti", "so", "am"],
        "places": 2,
    },
    {
        "name": "Studieförbundet Vuxenskolan Blekinge",
        "kind": Kind.EDUCATION_PROVIDER,
        "municipality": "Karlshamn",
        "address": "Bildningsgatan 9 (demo)\n374 35 Karlshamn",
        "contact_name": "Nils Ottosson",
        "languages": ["ar", "fa", "so", "ti"],
        "places": 2,
    },
)
DEMO_COACH_EMAIL = next(a.email for a in DEMO_ACCOUNTS if a.role == "coach")
DEMO_ADMIN_EMAIL = next(a.email for a in DEMO_ACCOUNTS if a.role == "admin")
DEMO_COACH_ORGANISATION = "Försäkringskassan Ronneby"
# Participants of the finished demo cohort (reports.demo) whose outcome was
# "in placement": organisation, weeks since it started, weeks it ran
# (None: still running), hours per week.
PAST_PLACEMENTS = (
    ("hana.yousef", "Arbetsförmedlingen Karlskrona", 36, 26, 20),
    ("selam.tesfaye", "Ronneby kommun", 35, 24, 16),
    ("yonas.berhe", "Littorina folkhögskola", 36, 30, 20),
    ("reza.ahmadi", "Vårdcentralen Olofström", 20, None, 12),
)


def _contact(n: int, name: str) -> dict:
    local = name.lower().replace(" ", ".")
    for plain, accented in (("a", "å"), ("a", "ä"), ("o", "ö"), ("e", "é")):
        local = local.replace(accented, plain)
    return {
        "contact_email": f"{local}@example.org",
        "contact_phone": f"070-174 06 {10 + n:02d}",
        "notes": "Demo data: the contact person and address are made up.",
    }


@dataclass
class DemoPlacementsResult:
    organisations_created: list[str] = field(default_factory=list)
    coach_placement: Placement | None = None
    coach_note: str = ""
    past_placements_created: int = 0


@transaction.atomic
def demo_organisations_ensure() -> list[str]:
    """Create the demo organisations that are missing; returns their names."""
    existing = set(PartnerOrganisation.objects.values_list("name", flat=True))
    created = []
    for n, spec in enumerate(DEMO_ORGANISATIONS):
        if spec["name"] in existing:
            continue
        partner_organisation_create(**spec, **_contact(n, spec["contact_name"]))
        created.append(spec["name"])
    return created


@transaction.atomic
def demo_coach_place(*, today: datetime.date | None = None, by=None) -> tuple:
    """Place the demo coach with Försäkringskassan Ronneby, once certified.

    Returns (placement or None, a note saying what happened). Idempotent: a
    coach with any placement already is left alone.
    """
    from users.models import User

    coach = User.objects.filter(email=DEMO_COACH_EMAIL).first()
    if coach is None:
        return None, "the demo coach does not exist yet"
    existing = Placement.objects.filter(coach=coach).order_by("-created_at").first()
    if existing is not None:
        return existing, "already placed"
    if coach.pk not in valid_certificate_holders(user_ids=[coach.pk]):
        return None, "not placed: the demo coach holds no valid certificate yet"
    today = today or timezone.localdate()
    organisation = PartnerOrganisation.objects.get(name=DEMO_COACH_ORGANISATION)
    placement = placement_propose(
        coach=coach,
        organisation=organisation,
        role_description=(
            "Wellbeing conversations with people on long-term sick leave who are "
            "preparing to return to work, in Arabic, Tigrinya or Swedish; "
            "together with the case officers in four-party cooperation."
        ),
        start_date=today - datetime.timedelta(days=14),
        end_date=today + datetime.timedelta(days=168),
        hours_per_week=Decimal(20),
        supervisor_name="Lars Nyström",
        supervisor_email="lars.nystrom@example.org",
        supervisor_phone="070-174 06 11",
        by=by,
    )
    placement = placement_activate(
        placement=placement_agree(placement=placement, by=by), by=by
    )
    return placement, "placed"


@transaction.atomic
def demo_past_placements_ensure(*, today: datetime.date | None = None, by=None) -> int:
    """The finished cohort's placements (``PAST_PLACEMENTS``), through the
    services: proposed, agreed, started and, where they ended, completed.

    Someone missing, not certified or with any placement already is skipped;
    returns how many placements were made.
    """
    from users.models import User

    today = today or timezone.localdate()
    made = 0
    for local, name, weeks_ago, weeks_ran, hours in PAST_PLACEMENTS:
        coach = User.objects.filter(email=f"{local}@{DEMO_DOMAIN}").first()
        if coach is None or Placement.objects.filter(coach=coach).exists():
            continue
        if coach.pk not in valid_certificate_holders(user_ids=[coach.pk]):
            continue
        organisation = PartnerOrganisation.objects.get(name=name)
        start = today - datetime.timedelta(weeks=weeks_ago)
        placement = placement_propose(
            coach=coach,
            organisation=organisation,
            role_description=(
                "Coaching conversations with the organisation's clients in their "
                "own language, alongside the staff."
            ),
            start_date=start,
            end_date=start + datetime.timedelta(weeks=weeks_ran or 52),
            hours_per_week=Decimal(hours),
            supervisor_name=organisation.contact_name,
            supervisor_email=organisation.contact_email,
            supervisor_phone=organisation.contact_phone,
            by=by,
        )
        placement = placement_activate(
            placement=placement_agree(placement=placement, by=by), by=by
        )
        if weeks_ran is not None:
            placement_complete(
                placement=placement,
                outcome_notes="Completed as agreed; now employed (demo).",
                by=by,
            )
        made += 1
    return made


def demo_placements_ensure(
    *, today: datetime.date | None = None
) -> DemoPlacementsResult:
    """The demo partner organisations and, if certified, the demo coach and
    the finished cohort's participants placed."""
    from users.models import User

    admin = User.objects.filter(email=DEMO_ADMIN_EMAIL).first()
    result = DemoPlacementsResult(organisations_created=demo_organisations_ensure())
    result.coach_placement, result.coach_note = demo_coach_place(today=today, by=admin)
    result.past_placements_created = demo_past_placements_ensure(today=today, by=admin)
    return result
