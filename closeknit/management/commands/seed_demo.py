from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import DEMO_PASSWORD, create_demo_people, demo_district_exists, demo_residents
from accounts.models import Role, User
from care.budget_demo import create_demo_budgets
from care.demo import create_demo_micro_providers
from directory.demo import create_demo_directory
from grants.demo import create_demo_grants
from lending.demo import create_demo_lending
from matching.services import refresh_listing_vectors
from neighbourhoods.demo import create_demo_neighbourhood_team
from outcomes.demo import create_demo_outcomes
from people.demo import create_demo_caseload
from timebank.demo import create_demo_timebanks
from transport.demo import create_demo_transport
from volunteering.demo import create_demo_volunteering

DATA = Path(settings.BASE_DIR) / "data"

# What each demo sign-in tries, by the part of its address before the @ (one line each).
STORIES = {
    "admin": "Administrator: the back office, the audit log and every page",
    "coordinator": "Local Area Coordinator: walk alongside people on a caseload (North)",
    "coordinator.lead": "Lead Local Area Coordinator: the North team's caseloads",
    "coordinator.south": "Local Area Coordinator in another team (South)",
    "coordinator.central": "Local Area Coordinator in another team (Central)",
    "coordinator.west": "Local Area Coordinator in another team (West)",
    "linkworker": "Social prescribing link worker: the GP practice's referral inbox",
    "broker": "Timebank broker: approve members and exchanges",
    "editor": "Community group: its listings, its stall, its scooter lending (answer requests) and an "
    "Individual Service Fund it holds (record spending)",
    "parish": "Parish council helper: deliveries and collections for the scooter scheme",
    "garage": "Servicing business: record the services of the scooters it looks after",
    "stall": "Stall organisation: the larder's stall and shifts at the volunteering evening",
    "commissioner": "Commissioner: reach, outcomes and social value, without personal details",
    "careprovider": "Micro-provider (Stretford Home Help): its details, weekly times and workers, when "
    "its checks run out, and a resident's request to contact them",
    "finance": "Council finance officer: the council's personal budgets, payments in and surpluses",
    "grants": "Fund officer of Innovate and Cultivate: set up rounds, read applications, ask for more, "
    "approve the parish timebank's second payment",
    "grants2": "Second fund officer of Innovate and Cultivate: approves payments the other set up",
    "panel": "Grants panel member (Spring round): declare any conflict, then score two applications",
    "councillor": "Grants panel member: has scored the Spring round's lunch club low",
    "partnership": "Grants panel member: declared a conflict on the Spring round's lunch club",
    "resident1": "Resident: asked to borrow a scooter; an hour to confirm; a volunteering shift; "
    "representative on a personal budget",
    "resident2": "Resident: a scooter out on loan; an hour to confirm; a volunteering shift",
    "resident3": "Resident: asked to borrow the wheelchair; an hour to confirm; a shift",
    "resident4": "Resident: a scooter booked for later; an hour to confirm; a shift",
    "resident5": "Resident: asked to borrow a scooter; an hour to confirm; a shift",
}


class Command(BaseCommand):
    help = (
        "Load the demo district: Trafford's real postcodes, wards, LSOAs and IMD 2019 through "
        "the same import commands a council uses, then invented organisations, staff and "
        "residents, all marked as demo data. Does nothing if the demo is already loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents", type=int, default=200, help="how many invented residents to create (default 200)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="skip quietly when the database already has accounts"
        )

    def handle(self, *args, **options):
        if options["residents"] < 1:
            raise CommandError("--residents must be at least 1.")
        if not settings.CLOSEKNIT_DEMO:
            raise CommandError("Demo data is off here (CLOSEKNIT_DEMO=false): nothing was loaded.")
        if demo_district_exists() or (options["if_empty"] and User.objects.exists()):
            self.stdout.write("The demo district is already loaded.")
        else:
            self.load(options)
        self.print_logins()

    def load(self, options):
        """Load the whole demo district in one transaction: a failing step leaves none of it behind
        (the import commands and each demo function nest their own atomic blocks as savepoints)."""
        with transaction.atomic():
            quiet = {"verbosity": options["verbosity"], "no_progress": options["verbosity"] < 2}
            call_command("import_postcodes", str(DATA / "postcodes" / "trafford_postcodes.csv"), **quiet)
            call_command(
                "import_imd",
                str(DATA / "imd2019" / "File_1_-_IMD2019_Index_of_Multiple_Deprivation.csv.gz"),
                **quiet,
            )
            call_command(
                "import_neighbourhoods",
                str(DATA / "postcodes" / "trafford_postcodes.csv"),
                name_column="locality",
                area_column="ward_code",
                **quiet,
            )
            try:
                create_demo_people(options["residents"])
                listings = create_demo_directory()
                people = create_demo_caseload()
                exchanges = create_demo_timebanks()
                stalls = create_demo_volunteering()
                items = create_demo_lending()
                trips = create_demo_transport()
                micro_providers = create_demo_micro_providers()
                create_demo_budgets()
                create_demo_outcomes()
                create_demo_neighbourhood_team()
                create_demo_grants()
                # The demo listings' vectors now, not when a task worker gets round to them.
                refresh_listing_vectors()
            except ValueError as error:
                raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded the demo district (Trafford), with {listings} directory listings, "
                f"{people} people on coordinators' caseloads, {exchanges} timebank exchanges and a "
                f"volunteering evening with {stalls} stalls, {items} items to lend, {trips} "
                f"community transport trips this week and {micro_providers} micro-providers."
            )
        )

    def print_logins(self):
        """Every demo sign-in, one line each with the story it tries."""
        staff = User.objects.filter(is_demo=True).exclude(role=Role.RESIDENT).order_by("pk")
        lines = ["", f"Demo sign-ins (password for all: {DEMO_PASSWORD})"]
        for user in [*staff, *demo_residents()]:
            if not user.has_usable_password():
                continue
            story = STORIES.get(user.email.split("@")[0], user.get_role_display())
            lines.append(f"  {user.email:<44} {story}")
        lines += [
            "Staff who see person records also need a two-factor code. Get one with:",
            "  .venv/bin/python manage.py demo_code coordinator@demo.closeknit.example",
            "",
        ]
        self.stdout.write("\n".join(lines))
