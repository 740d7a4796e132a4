"""Who may see and do what with personal budgets, and the reads that follow from it.

- The person sees their own budget: through the sign-in they have confirmed is theirs (a person
  record's ``confirmed_account``), and so does the representative named on the budget.
- The ISF provider's organisation editors see, and record spending on, the ISF budgets their
  organisation holds.
- A council's finance officers (``FinanceOfficer``, named in the admin) see all the council's
  budgets, pay them in, record spending and contributions, correct entries and reclaim surpluses.
- Nobody else: not a coordinator of the person, not another provider, not an administrator (who
  names finance officers but does not read budgets).

Every budget read while answering a request is audited (``PersonalBudget.from_db``). Predicates
never raise and are false for an anonymous or inactive user.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum

from accounts.models import Organisation, Role, User
from accounts.permissions import Requester, is_signed_in
from people.models import Goal, Person

from .models import BudgetCouncilSettings, BudgetLine, FinanceOfficer, LedgerEntry, PersonalBudget

DEFAULT_SURPLUS_WEEKS = 4


def councils_of_finance_officer(user: Requester) -> QuerySet[Organisation]:
    """The councils ``user`` is a finance officer of (while they are still on the council's staff)."""
    if not isinstance(user, User) or not is_signed_in(user) or user.organisation_id is None:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        pk=user.organisation_id,
        kind=Organisation.Kind.COUNCIL,
        finance_officers__user=user,
    )


def is_finance_officer(user: Requester, council_id: int) -> bool:
    return councils_of_finance_officer(user).filter(pk=council_id).exists()


def holds_budget(user: Requester, budget: PersonalBudget) -> bool:
    """An editor of the organisation holding this Individual Service Fund."""
    return (
        isinstance(user, User)
        and is_signed_in(user)
        and budget.kind == PersonalBudget.Kind.ISF
        and user.role == Role.ORGANISATION_EDITOR
        and budget.provider_id is not None
        and user.organisation_id == budget.provider_id
    )


def is_the_person(user: Requester, budget: PersonalBudget) -> bool:
    """The person the budget is for, by the sign-in they have confirmed is theirs."""
    if not isinstance(user, User) or not is_signed_in(user):
        return False
    person = budget.person
    return person.erased_at is None and person.confirmed_account == user


def is_own_budget(user: Requester, budget: PersonalBudget) -> bool:
    """The person themselves or the representative named on it."""
    if isinstance(user, User) and is_signed_in(user) and budget.representative_id == user.pk:
        return True
    return is_the_person(user, budget)


def may_see_budget(user: Requester, budget: PersonalBudget) -> bool:
    return (
        is_own_budget(user, budget)
        or holds_budget(user, budget)
        or is_finance_officer(user, budget.council_id)
    )


def may_record_spending(user: Requester, budget: PersonalBudget) -> bool:
    """The ISF's holder, or the council's finance officers (for every kind of budget)."""
    return holds_budget(user, budget) or is_finance_officer(user, budget.council_id)


def may_fund_budget(user: Requester, budget: PersonalBudget) -> bool:
    """Set up lines, pay in, reclaim a surplus: the council's finance officers."""
    return is_finance_officer(user, budget.council_id)


def may_correct_entry(user: Requester, entry: LedgerEntry) -> bool:
    """A finance officer corrects any entry; an ISF's holder the spending and contributions it
    records."""
    if is_finance_officer(user, entry.budget.council_id):
        return True
    return holds_budget(user, entry.budget) and entry.kind in (
        LedgerEntry.Kind.SPEND,
        LedgerEntry.Kind.CONTRIBUTION,
    )


def sees_others_budgets(user: Requester) -> bool:
    """Whether ``user`` may see budgets that are not their own: a council's finance officer, or an
    editor of an organisation holding an ISF. These prove a second factor before any budget page."""
    if not isinstance(user, User) or not is_signed_in(user):
        return False
    if councils_of_finance_officer(user).exists():
        return True
    return (
        user.role == Role.ORGANISATION_EDITOR
        and user.organisation_id is not None
        and PersonalBudget.objects.filter(
            kind=PersonalBudget.Kind.ISF, provider_id=user.organisation_id
        ).exists()
    )


def budgets_visible_to(user: Requester) -> QuerySet[PersonalBudget]:
    """Every budget ``user`` may see, by the rules above; none for anyone else."""
    if not isinstance(user, User) or not is_signed_in(user):
        return PersonalBudget.objects.none()
    mine = Q(representative=user) | Q(
        person__account=user, person__account_confirmed_at__isnull=False, person__erased_at__isnull=True
    )
    if user.role == Role.ORGANISATION_EDITOR and user.organisation_id is not None:
        mine |= Q(kind=PersonalBudget.Kind.ISF, provider_id=user.organisation_id)
    mine |= Q(council__in=councils_of_finance_officer(user))
    return PersonalBudget.objects.filter(mine).select_related("person", "council", "provider").distinct()


def lines_of(budget: PersonalBudget) -> QuerySet[BudgetLine]:
    return budget.lines.all()


def entries_of(budget: PersonalBudget) -> QuerySet[LedgerEntry]:
    """The budget's entries, newest first, each with ``corrected`` (a reversal of it exists)."""
    corrected = LedgerEntry.objects.filter(reverses=OuterRef("pk"))
    return (
        budget.entries.select_related("line", "reverses")
        .annotate(corrected=Exists(corrected))
        .order_by("-occurred_on", "-recorded_at", "-pk")
    )


def enforces_limits(budget: PersonalBudget) -> bool:
    """The budget's own setting, else its council's, else enforced."""
    if budget.enforce_limits is not None:
        return budget.enforce_limits
    council_settings = BudgetCouncilSettings.objects.filter(council_id=budget.council_id).first()
    return council_settings.enforce_limits if council_settings else True


@dataclass(frozen=True)
class Surplus:
    weeks: int
    ceiling_pence: int
    balance_pence: int

    @property
    def excess_pence(self) -> int:
        return max(self.balance_pence - self.ceiling_pence, 0)

    @property
    def passed(self) -> bool:
        return self.balance_pence > self.ceiling_pence


def surplus_of(budget: PersonalBudget) -> Surplus:
    """The budget's surplus ceiling (its council's weeks of the weekly figure; four by default)
    against its balance now."""
    council_settings = BudgetCouncilSettings.objects.filter(council_id=budget.council_id).first()
    weeks = council_settings.surplus_weeks if council_settings else DEFAULT_SURPLUS_WEEKS
    balance = PersonalBudget.objects.values_list("balance_pence", flat=True).get(pk=budget.pk)
    return Surplus(weeks, weeks * budget.weekly_pence, balance)


@dataclass(frozen=True)
class StatementLine:
    what: str
    hours: Decimal | None
    spent_pence: int


@dataclass(frozen=True)
class Statement:
    """A month of a budget, in the words the person reads."""

    month: date
    paid_in_pence: int
    contributed_pence: int
    spending: list[StatementLine]
    corrections: int
    reclaimed_pence: int
    balance_pence: int
    weekly_pence: int

    @property
    def spent_pence(self) -> int:
        return sum(s.spent_pence for s in self.spending)

    @property
    def weeks_left(self) -> int:
        return self.balance_pence // self.weekly_pence if self.weekly_pence > 0 else 0


def month_bounds(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=monthrange(first.year, first.month)[1])


def statement_for(budget: PersonalBudget, month: date) -> Statement:
    """What came in and went out in ``month`` (by the day each happened), grouped by line, with
    corrections counted on the line they correct; the balance at the month's end (every entry
    dated on or before it)."""
    first, last = month_bounds(month)
    entries = list(
        budget.entries.filter(occurred_on__gte=first, occurred_on__lte=last).select_related(
            "line", "reverses"
        )
    )
    by_line: dict[int, tuple[str, Decimal | None, int]] = {}
    paid_in = contributed = reclaimed = corrections = 0
    for entry in entries:
        kind = entry.reverses.kind if entry.reverses is not None else entry.kind
        corrections += entry.kind == LedgerEntry.Kind.REVERSAL
        if entry.line is not None:
            what, hours, spent = by_line.get(entry.line.pk, (entry.line.description, None, 0))
            if entry.hours is not None:
                hours = (hours or Decimal(0)) + entry.hours
            by_line[entry.line.pk] = (what, hours, spent - entry.amount_pence)
        elif kind == LedgerEntry.Kind.PAYMENT_IN:
            paid_in += entry.amount_pence
        elif kind == LedgerEntry.Kind.CONTRIBUTION:
            contributed += entry.amount_pence
        elif kind == LedgerEntry.Kind.SURPLUS_RECLAIM:
            reclaimed -= entry.amount_pence
    balance = sum(budget.entries.filter(occurred_on__lte=last).values_list("amount_pence", flat=True))
    return Statement(
        month=first,
        paid_in_pence=paid_in,
        contributed_pence=contributed,
        spending=[
            StatementLine(what, hours, spent) for what, hours, spent in by_line.values() if spent or hours
        ],
        corrections=corrections,
        reclaimed_pence=reclaimed,
        balance_pence=balance,
        weekly_pence=budget.weekly_pence,
    )


def finance_officers_of(council: Organisation) -> QuerySet[FinanceOfficer]:
    return FinanceOfficer.objects.filter(council=council).select_related("user")


# Finance officers' pages (``care.finance_views``)


def budgets_funded_by(user: Requester) -> QuerySet[PersonalBudget]:
    """The budgets of the councils ``user`` is a finance officer of; none for anyone else (an ISF's
    holder, a representative, council staff not named, another council's finance officers)."""
    return PersonalBudget.objects.filter(council__in=councils_of_finance_officer(user)).select_related(
        "person", "council", "provider"
    )


def person_for_finance_officer(user: Requester, reference: UUID) -> Person | None:
    """The person whose record reference (shown on their page) is ``reference``, when they are on a
    team of a council ``user`` is a finance officer of and not erased; None otherwise, whether or
    not the record exists. Reading it is audited as any read of a person's record."""
    return (
        Person.objects.filter(
            pk=reference,
            erased_at__isnull=True,
            team__organisation__in=councils_of_finance_officer(user),
        )
        .select_related("team__organisation")
        .first()
    )


def council_of_person(person: Person) -> Organisation | None:
    """The council whose team keeps the person's record: the council funding their budgets."""
    organisation = person.team.organisation
    return organisation if organisation.kind == Organisation.Kind.COUNCIL else None


def isf_holders() -> QuerySet[Organisation]:
    """Organisations that can hold an Individual Service Fund: a provider (not a council) with at
    least one active organisation editor, who records its spending."""
    editors = User.objects.filter(organisation=OuterRef("pk"), role=Role.ORGANISATION_EDITOR, is_active=True)
    return (
        Organisation.objects.exclude(kind=Organisation.Kind.COUNCIL).filter(Exists(editors)).order_by("name")
    )


def goals_of(person: Person) -> QuerySet[Goal]:
    """The person's goals a budget may pay towards: from their support plan, in their words."""
    return Goal.objects.filter(person=person).order_by("set_on", "pk")


def sign_in_by_email(email: str) -> User | None:
    """The active sign-in with this email address (any case), to name as a representative."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True).first() if email.strip() else None


def given_to_lines(budget: PersonalBudget) -> int:
    """What has been given to the budget's lines, together, in pence."""
    return budget.lines.aggregate(total=Sum("allocated_pence"))["total"] or 0


def finance_officers_of_council(council_id: int) -> QuerySet[FinanceOfficer]:
    """The council's finance officers who are still on its staff."""
    return FinanceOfficer.objects.filter(
        council_id=council_id, user__organisation_id=council_id
    ).select_related("user")
