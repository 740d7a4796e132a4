from decimal import Decimal

from accounts.models import Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from timebank import services


def make_timebank(name="Sale Timebank", broker=None, **settings):
    broker = broker or UserFactory(role=Role.BROKER)
    return services.create_timebank(name, OrganisationFactory(), brokers=[broker], **settings), broker


def make_member(timebank, broker, **fields):
    user = UserFactory(**fields)
    membership = services.apply_to_join(user, timebank)
    services.approve_member(broker, membership, "Met for a cuppa at the library; keen on gardening.")
    return user


def balance(timebank, user) -> Decimal:
    return timebank.ledger.accounts.get(holder=user).balance
