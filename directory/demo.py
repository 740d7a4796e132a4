"""The demo district's directory: a few hundred invented listings at real Trafford postcodes.

Kinds of listing come from the field writing behind Closeknit (lunch clubs, parkrun,
timebanks, peer support, drop-ins, a tuk-tuk community transport scheme…); names,
venues and people are invented, and every record is marked ``is_demo``.
"""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from faker import Faker

from accounts.models import Organisation
from places.models import Postcode

from . import fulltext
from .models import (
    ListingStatus,
    Location,
    Provider,
    Schedule,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

SEED = 2026

CATEGORIES = {
    "Food and lunch clubs": "Shared meals, lunch clubs, community cafés and food clubs.",
    "Walking and being active": "Walks, parkrun, chair exercise, dance and sport for all abilities.",
    "Music and singing": "Choirs, singing for the brain, music groups.",
    "Arts and crafts": "Knitting, painting, making and mending.",
    "Gardening and nature": "Community gardens, allotments and conservation days.",
    "Peer support": "Groups run by people who have been through the same thing.",
    "Mental health and wellbeing": "Support for feeling better, from talking to mindfulness.",
    "Befriending and loneliness": "Someone to talk to, visits and calls.",
    "Money and housing": "Help with benefits, debts, bills, energy and housing.",
    "Carers": "Support and a break for people who look after someone.",
    "Learning and digital skills": "Classes, conversation groups and help getting online.",
    "Families and young people": "Play, youth clubs and support for families.",
    "Volunteering and timebanks": "Giving time, swapping skills and time credits.",
    "Getting about": "Community transport, lifts and mobility help.",
    "Drop-ins and advice": "Somewhere to call in, with someone on hand to help.",
}

VENUE_KINDS = [
    "Community Centre",
    "Church Hall",
    "Library",
    "Methodist Hall",
    "Scout Hut",
    "Leisure Centre",
    "Community Café",
    "Park Pavilion",
    "Village Hall",
    "Sports Club",
]

# name pattern, categories, how it runs, cost, description, how to join
LISTING_KINDS = [
    (
        "{place} Lunch Club",
        ["Food and lunch clubs", "Befriending and loneliness"],
        ("WEEKLY", "TU", 12, 14),
        "pay_what_you_can",
        "A hot two-course lunch and good company. Vegetarian option every week.",
        "Just turn up, or ring ahead if you need a lift.",
    ),
    (
        "{place} parkrun",
        ["Walking and being active"],
        ("WEEKLY", "SA", 9, 10),
        "free",
        "A free, weekly, community event: walk, jog, run, volunteer or spectate. 5k around the park.",
        "Register once online and bring your barcode.",
    ),
    (
        "{place} Timebank",
        ["Volunteering and timebanks"],
        ("MONTHLY", "1WE", 18, 20),
        "free",
        "Swap skills and time with neighbours: an hour given is an hour earned, whatever the task.",
        "Come to a monthly get-together or ask for a welcome chat.",
    ),
    (
        "{place} Men's Shed",
        ["Arts and crafts", "Peer support"],
        ("WEEKLY", "MO,TH", 10, 15),
        "pay_what_you_can",
        "Woodwork, repairs, a brew and a natter. Everyone welcome, whatever their skills.",
        "Drop in any session.",
    ),
    (
        "Singing for the Brain — {place}",
        ["Music and singing", "Carers"],
        ("WEEKLY", "WE", 14, 15),
        "free",
        "Singing sessions for people living with dementia and the people who care for them.",
        "Ring to book a place for your first session.",
    ),
    (
        "{place} Community Choir",
        ["Music and singing"],
        ("WEEKLY", "MO", 19, 21),
        "paid",
        "No auditions and no need to read music. We sing pop, folk and gospel.",
        "Come along for a free taster.",
    ),
    (
        "{place} Knit and Natter",
        ["Arts and crafts", "Befriending and loneliness"],
        ("WEEKLY", "TH", 10, 12),
        "free",
        "Bring your knitting or crochet, or learn. Tea and biscuits provided.",
        "Just turn up.",
    ),
    (
        "{place} Health Walk",
        ["Walking and being active", "Mental health and wellbeing"],
        ("WEEKLY", "FR", 10, 11),
        "free",
        "A gentle, led walk of about an hour on flat paths, finishing with a cuppa.",
        "Meet at the entrance five minutes before the start.",
    ),
    (
        "{place} Community Garden",
        ["Gardening and nature", "Volunteering and timebanks"],
        ("WEEKLY", "SA", 10, 13),
        "free",
        "Grow food, flowers and friendships. No experience needed.",
        "Wear old clothes; tools and gloves provided.",
    ),
    (
        "{place} Hearing Voices Group",
        ["Peer support", "Mental health and wellbeing"],
        ("WEEKLY", "TU", 18, 20),
        "free",
        "A peer support group for people who hear voices or have other unusual experiences.",
        "Email or ring the facilitator before your first visit.",
    ),
    (
        "{place} Carers' Café",
        ["Carers", "Drop-ins and advice"],
        ("MONTHLY", "2TH", 13, 15),
        "free",
        "A relaxed monthly café for unpaid carers, with information and a listening ear.",
        "Just turn up.",
    ),
    (
        "{place} Money Advice Drop-in",
        ["Money and housing", "Drop-ins and advice"],
        ("WEEKLY", "WE", 10, 13),
        "free",
        "Free, confidential help with benefits, debts, energy bills and housing.",
        "Drop in; bring any letters you have.",
    ),
    (
        "{place} Digital Drop-in",
        ["Learning and digital skills", "Drop-ins and advice"],
        ("WEEKLY", "MO", 13, 15),
        "free",
        "Help with phones, tablets and getting online, one to one.",
        "Bring your device if you have one.",
    ),
    (
        "{place} Chair Exercise",
        ["Walking and being active"],
        ("WEEKLY", "TU,FR", 11, 12),
        "pay_what_you_can",
        "Seated exercise to music to help with strength, balance and fewer falls.",
        "Just turn up.",
    ),
    (
        "{place} Youth Club",
        ["Families and young people"],
        ("WEEKLY", "WE,FR", 18, 20),
        "free",
        "Games, cooking, trips and a safe space for young people aged 11 to 18.",
        "Just come along.",
    ),
    (
        "{place} Stay and Play",
        ["Families and young people"],
        ("WEEKLY", "TH", 9, 11),
        "pay_what_you_can",
        "Play and messy activities for under-fives with their grown-ups.",
        "Just turn up.",
    ),
    (
        "{place} Conversation Café",
        ["Learning and digital skills", "Befriending and loneliness"],
        ("WEEKLY", "SA", 11, 13),
        "free",
        "Practise your English in a friendly, informal group.",
        "Everyone welcome.",
    ),
    (
        "{place} Community Drop-in",
        ["Drop-ins and advice", "Befriending and loneliness"],
        ("WEEKLY", "TH", 10, 13),
        "free",
        "A community-led drop-in with a social worker and a Local Area Coordinator on hand.",
        "Just call in.",
    ),
]

DISTRICT_WIDE = [
    (
        "Trafford Tuk-Tuk Community Transport",
        ["Getting about"],
        "An electric tuk-tuk driven by volunteers: lifts to groups, appointments and the shops for people "
        "who find buses hard.",
        "Ring to book at least two days ahead.",
        "pay_what_you_can",
    ),
    (
        "Telephone Befriending",
        ["Befriending and loneliness"],
        "A friendly weekly phone call from the same trained volunteer.",
        "Refer yourself or someone else.",
        "free",
    ),
    (
        "Carers' Support Line",
        ["Carers"],
        "Information and a listening ear for unpaid carers.",
        "Ring the line on weekday mornings.",
        "free",
    ),
]


@transaction.atomic
def create_demo_directory(listings_per_kind: int = 16) -> int:
    """Create the demo directory. Needs the demo organisations and postcodes. Returns listings made."""
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    chooser = random.Random(SEED)
    postcodes = list(
        Postcode.objects.filter(terminated_on__isnull=True, latitude__isnull=False)
        .select_related("ward", "local_authority")
        .order_by("postcode")
    )
    if not postcodes:
        raise ValueError("Import the demo district's postcodes before creating the demo directory.")
    owners = list(Organisation.objects.filter(is_demo=True).order_by("name"))

    taxonomy = Taxonomy.objects.create(
        name="Closeknit community categories",
        version="1",
        description="What people can find in a place: interests, needs and kinds of support.",
    )
    terms = {
        name: TaxonomyTerm.objects.create(
            taxonomy=taxonomy, name=name, description=description, code=slugify(name), slug=slugify(name)
        )
        for name, description in CATEGORIES.items()
    }

    venues = []
    for _ in range(90):
        postcode = chooser.choice(postcodes)
        area = postcode.ward.name.split(" & ")[0] if postcode.ward else fake.city()
        venues.append(
            Location(
                name=f"{area} {chooser.choice(VENUE_KINDS)}",
                address_1=f"{fake.building_number()} {fake.street_name()}",
                city=area,
                postal_code=postcode.postcode,
                state_province=postcode.local_authority.name if postcode.local_authority_id else "",
                postcode=postcode,
                latitude=postcode.latitude + chooser.uniform(-0.0005, 0.0005),
                longitude=postcode.longitude + chooser.uniform(-0.0005, 0.0005),
                wheelchair_accessible=chooser.random() < 0.7,
                accessibility=chooser.choice(
                    [
                        "Step-free entrance and accessible toilet.",
                        "Hearing loop.",
                        "Two steps at the entrance; a ramp is available.",
                        "",
                    ]
                ),
                is_demo=True,
            )
        )
    Location.objects.bulk_create(venues)

    services = []
    today = timezone.localdate()
    for pattern, categories, (freq, byday, opens, closes), cost, description, how in LISTING_KINDS:
        for venue in chooser.sample(venues, listings_per_kind):
            name = pattern.format(place=venue.city)
            owner = chooser.choice(owners) if owners else None
            provider = Provider.objects.create(
                name=f"{name} group" if "parkrun" not in name else name,
                owner=owner,
                is_demo=True,
                description=f"A volunteer-run group in {venue.city}.",
                email=f"hello@{slugify(name)}.example",
            )
            checked = today - timedelta(days=chooser.randint(0, 400))
            service = Service.objects.create(
                provider=provider,
                owner=owner,
                name=name,
                description=description,
                how_to_join=how,
                cost=cost,
                listing_status=ListingStatus.PUBLISHED,
                last_checked=checked,
                phone=f"0161 {chooser.randint(200, 999)} {chooser.randint(1000, 9999)}",
                email=provider.email,
                is_demo=True,
                minimum_age=11 if "Youth" in name else (18 if "Men's Shed" in name else None),
                maximum_age=18 if "Youth" in name else (5 if "Stay and Play" in name else None),
                eligibility="For parents and carers with children under five."
                if "Stay and Play" in name
                else "",
            )
            service.terms.set([terms[c] for c in categories])
            ServiceAtLocation.objects.create(service=service, location=venue)
            Schedule.objects.create(
                service=service,
                freq=freq,
                byday=byday,
                opens_at=time(opens),
                closes_at=time(closes),
            )
            services.append(service)
    for name, categories, description, how, cost in DISTRICT_WIDE:
        provider = Provider.objects.create(
            name=name, owner=owners[0] if owners else None, is_demo=True, description=description
        )
        service = Service.objects.create(
            provider=provider,
            owner=provider.owner,
            name=name,
            description=description,
            how_to_join=how,
            cost=cost,
            listing_status=ListingStatus.PUBLISHED,
            is_demo=True,
            phone=f"0161 {chooser.randint(200, 999)} {chooser.randint(1000, 9999)}",
        )
        service.terms.set([terms[c] for c in categories])
        service.service_areas.create(name="Trafford", area_code="E08000009")
        Schedule.objects.create(
            service=service,
            byday="MO,TU,WE,TH,FR",
            opens_at=time(9),
            closes_at=time(17),
            description="Closed on bank holidays.",
        )
        services.append(service)
    fulltext.index_services(services)
    return len(services)
