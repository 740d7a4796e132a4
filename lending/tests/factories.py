from accounts.models import Organisation, Role
from accounts.tests.factories import OrganisationFactory, UserFactory
from lending.models import Item


def make_item(**fields):
    parish = OrganisationFactory(name="Carrington Moss Parish Council", kind=Organisation.Kind.PARISH_COUNCIL)
    coordinator = UserFactory(role=Role.ORGANISATION_EDITOR, organisation=parish)
    defaults = {
        "name": "Scooter 1 (red)",
        "kind": "mobility scooter",
        "kept_at": "The parish office",
        "donated_by": "A neighbour",
    }
    return Item.objects.create(organisation=parish, **(defaults | fields)), coordinator
