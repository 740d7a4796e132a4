"""The people API: person records, conversations and introductions, with exactly the pages'
permissions (selectors decide who sees what; services make every change).

A role that never reads person records gets 403; someone who may, but not this person, gets
404. Every person returned is written to the audit log. Bad input gets 400 naming the field."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import AuditEvent, Team, User
from accounts.services import record_audit_events
from common.dates import birth_date, sensible_date
from common.pagination import NumberedPages
from directory.selectors import public_listings
from places.selectors import PostcodeError, find_postcode

from . import permissions, selectors, services
from .models import Consent, Conversation, Introduction, Person


class WorksWithPeople(BasePermission):
    message = "Your role does not read person records."

    def has_permission(self, request, view):
        return permissions.may_work_with_people(request.user)


class PostcodeField(serializers.CharField):
    def to_internal_value(self, data):
        text = super().to_internal_value(data).strip()
        if not text:
            return None
        try:
            return find_postcode(text)
        except PostcodeError as error:
            raise ValidationError(str(error)) from None

    def to_representation(self, value):
        return value.pk if value is not None else ""


class PersonSerializer(serializers.ModelSerializer):
    postcode = PostcodeField(required=False, allow_blank=True, allow_null=True)
    # Choices come from the requester in __init__ (none until then): a team or coordinator they
    # could not choose on the page gets the same answer as an id that does not exist.
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.none())
    coordinator = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.none(), required=False, allow_null=True
    )
    ward = serializers.SerializerMethodField()
    imd_decile = serializers.IntegerField(read_only=True, allow_null=True)
    consent_method = serializers.ChoiceField(
        choices=Consent.Method.choices, write_only=True, help_text="How they agreed to a record (on create)."
    )
    consent_given_on = serializers.DateField(
        write_only=True,
        help_text="When they agreed (on create).",
        validators=[sensible_date("date they agreed")],
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "preferred_name",
            "email",
            "phone",
            "address",
            "postcode",
            "ward",
            "imd_decile",
            "date_of_birth",
            "communication_needs",
            "vision",
            "what_matters",
            "strengths",
            "team",
            "coordinator",
            "introduced_by",
            "introducer_detail",
            "created_at",
            "consent_method",
            "consent_given_on",
        ]
        read_only_fields = ["id", "created_at"]
        extra_kwargs = {"date_of_birth": {"validators": [birth_date()]}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance is not None:  # consent is recorded when a record starts, not on change
            for name in ("consent_method", "consent_given_on"):
                self.fields[name].required = False
        request = self.context.get("request")
        if request is not None:
            self.fields["team"].queryset = selectors.teams_for(request.user)
            self.fields["coordinator"].queryset = selectors.coordinators_for(request.user)

    def get_ward(self, person) -> str:
        return person.ward.name if person.ward else ""


class ConversationSerializer(serializers.ModelSerializer):
    recorded_by = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Conversation
        fields = [
            "id",
            "happened_on",
            "kind",
            "notes",
            "next_step",
            "follow_up_on",
            "followed_up",
            "recorded_by",
        ]
        read_only_fields = ["id", "followed_up", "recorded_by"]
        validators: list = []  # the service checks meaning, naming the field
        extra_kwargs = {
            "happened_on": {"validators": [sensible_date("date of the conversation")]},
            "follow_up_on": {"validators": [sensible_date("follow-up date")]},
        }


class StepSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Introduction.Status.choices)
    on = serializers.DateField(validators=[sensible_date("date")])
    note = serializers.CharField(required=False, allow_blank=True, default="")
    follow_up_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[sensible_date("follow-up date")]
    )


class IntroductionSerializer(serializers.ModelSerializer):
    listing = serializers.PrimaryKeyRelatedField(queryset=public_listings(), required=False, allow_null=True)
    other_person = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.none(), required=False, allow_null=True
    )
    to = serializers.CharField(source="to_label", read_only=True)
    note = serializers.CharField(write_only=True, required=False, allow_blank=True)
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Introduction
        fields = [
            "id",
            "listing",
            "other_person",
            "elsewhere",
            "to",
            "status",
            "made_on",
            "follow_up_on",
            "note",
            "steps",
        ]
        read_only_fields = ["id"]
        validators: list = []
        extra_kwargs = {
            "made_on": {"validators": [sensible_date("date")]},
            "follow_up_on": {"validators": [sensible_date("follow-up date")]},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:  # only people this user may see can be named
            self.fields["other_person"].queryset = selectors.people_visible_to(request.user)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if instance.other_person_id and instance.across_teams:  # another team's record: no id
            data["other_person"] = None
        return data

    def get_steps(self, introduction) -> list[dict]:
        return [
            {"status": s.status, "on": s.on.isoformat(), "note": s.note} for s in introduction.steps.all()
        ]


def _visible_person(request, pk) -> Person:
    """The person, for someone who may see them; else the 404 of any missing record, with a
    sentence saying either may be the case."""
    try:
        return selectors.person_for_viewer(request.user, pk)
    except selectors.PersonNotVisible:
        raise NotFound("No such person, or not one of your teams' people.") from None


def _page(request, queryset, serializer_class, **context):
    pages = NumberedPages()
    page = pages.page_of(request, queryset)
    data = serializer_class(page.object_list, many=True, context={"request": request, **context}).data
    return page, pages.envelope(page, data)


class PeopleView(APIView):
    permission_classes = [WorksWithPeople]
    pagination_class = NumberedPages  # describes the envelope `_page` sends

    @extend_schema(
        tags=["People"],
        summary="People you may see: those you coordinate (scope=mine) or your teams' (scope=team)",
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "team"]),
            OpenApiParameter("q", str, description="Name or postcode"),
        ],
        responses=PersonSerializer(many=True),
    )
    def get(self, request):
        scope = "team" if request.query_params.get("scope") == "team" else "mine"
        people = selectors.caseload(request.user, scope=scope, text=request.query_params.get("q", "")[:100])
        page, body = _page(request, people, PersonSerializer)
        record_audit_events(
            request.user, AuditEvent.Action.VIEW, list(page.object_list), request=request, note="listed"
        )
        return Response(body)

    @extend_schema(
        tags=["People"],
        summary="Start a person's record (they must have agreed to it)",
        request=PersonSerializer,
        responses={201: PersonSerializer},
    )
    def post(self, request):
        serializer = PersonSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        details = dict(serializer.validated_data)
        method, given_on = details.pop("consent_method"), details.pop("consent_given_on")
        person = services.create_person(request.user, details, method, given_on, request=request)
        return Response(PersonSerializer(person).data, status=status.HTTP_201_CREATED)


class PersonView(APIView):
    permission_classes = [WorksWithPeople]

    @extend_schema(
        tags=["People"], summary="A person's record (the read is audited)", responses=PersonSerializer
    )
    def get(self, request, pk):
        return Response(PersonSerializer(_visible_person(request, pk)).data)

    @extend_schema(
        tags=["People"],
        summary="Change a person's record",
        request=PersonSerializer,
        responses=PersonSerializer,
    )
    def patch(self, request, pk):
        person = _visible_person(request, pk)
        serializer = PersonSerializer(person, data=request.data, partial=True, context={"request": request})
        serializer.is_valid(raise_exception=True)
        details = {k: v for k, v in serializer.validated_data.items() if not k.startswith("consent_")}
        person = services.update_person(request.user, person, details, request=request)
        return Response(PersonSerializer(person).data)


class ConversationsView(APIView):
    permission_classes = [WorksWithPeople]
    pagination_class = NumberedPages  # describes the envelope `_page` sends

    @extend_schema(
        tags=["People"],
        summary="A person's conversations, newest first",
        responses=ConversationSerializer(many=True),
    )
    def get(self, request, pk):
        person = _visible_person(request, pk)
        return Response(
            _page(request, person.conversations.select_related("recorded_by"), ConversationSerializer)[1]
        )

    @extend_schema(
        tags=["People"],
        summary="Record a conversation",
        request=ConversationSerializer,
        responses={201: ConversationSerializer},
    )
    def post(self, request, pk):
        person = _visible_person(request, pk)
        serializer = ConversationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        conversation = services.record_conversation(request.user, person, dict(serializer.validated_data))
        return Response(ConversationSerializer(conversation).data, status=status.HTTP_201_CREATED)


class IntroductionsView(APIView):
    permission_classes = [WorksWithPeople]
    pagination_class = NumberedPages  # describes the envelope `_page` sends

    @extend_schema(
        tags=["People"],
        summary="A person's introductions, with each step",
        responses=IntroductionSerializer(many=True),
    )
    def get(self, request, pk):
        person = _visible_person(request, pk)
        intros = person.introductions.select_related("listing", "other_person").prefetch_related("steps")
        return Response(_page(request, intros, IntroductionSerializer)[1])

    @extend_schema(
        tags=["People"],
        summary="Introduce a person to a listing, another person, or something else",
        request=IntroductionSerializer,
        responses={201: IntroductionSerializer},
    )
    def post(self, request, pk):
        person = _visible_person(request, pk)
        serializer = IntroductionSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        introduction = services.make_introduction(request.user, person, dict(serializer.validated_data))
        return Response(IntroductionSerializer(introduction).data, status=status.HTTP_201_CREATED)


class IntroductionStepsView(APIView):
    permission_classes = [WorksWithPeople]

    @extend_schema(
        tags=["People"],
        summary="Move an introduction on: introduced, went along, still connected, or didn't work out",
        request=StepSerializer,
        responses={201: IntroductionSerializer},
    )
    def post(self, request, pk):
        try:
            introduction = selectors.introduction_for_viewer(request.user, pk)
        except selectors.PersonNotVisible:
            raise NotFound("No such introduction, or not one of your teams' people.") from None
        serializer = StepSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        introduction = services.update_introduction(request.user, introduction, **serializer.validated_data)
        return Response(IntroductionSerializer(introduction).data, status=status.HTTP_201_CREATED)
