"""The predicates every app's permissions are built from (accounts.permissions)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.models import Role
from accounts.permissions import (
    has_role,
    is_administrator,
    is_signed_in,
    is_staff_member,
    may_act_for_organisation,
)
from accounts.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_nobody_signed_out_or_closed_may_do_anything(make_user):
    organisation = OrganisationFactory()
    closed = make_user(Role.ADMINISTRATOR, is_active=False, organisation=organisation)
    for user in (AnonymousUser(), None, closed):
        assert not is_signed_in(user)
        assert not is_administrator(user)
        assert not is_staff_member(user)
        assert not has_role(user, Role.ADMINISTRATOR)
        assert not may_act_for_organisation(user, organisation)


def test_an_administrator_is_the_role_or_a_superuser(make_user):
    assert is_administrator(make_user(Role.ADMINISTRATOR))
    assert is_administrator(make_user(Role.COORDINATOR, is_superuser=True))
    for role in set(Role.values) - {Role.ADMINISTRATOR}:
        assert not is_administrator(make_user(role)), role


def test_residents_are_not_staff(make_user):
    assert not is_staff_member(make_user(Role.RESIDENT))
    assert all(is_staff_member(make_user(role)) for role in set(Role.values) - {Role.RESIDENT})


def test_an_editor_acts_for_their_own_organisation_only(make_user):
    own, other = OrganisationFactory(), OrganisationFactory()
    editor = make_user(Role.ORGANISATION_EDITOR, organisation=own)
    assert may_act_for_organisation(editor, own)
    assert not may_act_for_organisation(editor, other)
    assert not may_act_for_organisation(editor, None)
    # Belonging to the organisation is not enough: the role is what lets someone act for it.
    assert not may_act_for_organisation(make_user(Role.COORDINATOR, organisation=own), own)
    assert may_act_for_organisation(make_user(Role.ADMINISTRATOR), other)
