from django.apps import AppConfig


class MatchingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "matching"
    verbose_name = "Suggestions"

    def ready(self) -> None:
        import numpy  # noqa: F401 - loaded first: threadpoolctl limits the libraries already loaded
        from django.conf import settings
        from django.db.models.signals import m2m_changed, post_save
        from threadpoolctl import threadpool_limits

        # The suggestions' matrix product: as many BLAS threads as settings say (one by default).
        threadpool_limits(limits=settings.MATCHING_BLAS_THREADS, user_api="blas")

        from directory.models import Service, TaxonomyTerm

        from . import signals

        # A listing's text is its name, description, how to join and categories: when any of them
        # may have changed, its vector is refreshed by the task worker once the change commits.
        post_save.connect(signals.listing_saved, sender=Service, dispatch_uid="matching-listing-saved")
        post_save.connect(signals.term_saved, sender=TaxonomyTerm, dispatch_uid="matching-term-saved")
        m2m_changed.connect(
            signals.listing_terms_changed, sender=Service.terms.through, dispatch_uid="matching-listing-terms"
        )

        from people import registries
        from people.signals import person_erased, subject_access_requested

        from . import views

        # Erasure and subject access reach what is held here about a person (their dismissals).
        person_erased.connect(signals.forget_person, dispatch_uid="matching.forget_person")
        subject_access_requested.connect(signals.what_we_hold, dispatch_uid="matching.what_we_hold")
        # The person's page shows their top suggestions; the introduction picker offers their
        # suggested listings, best first.
        if views.suggestions_panel not in registries.person_panels:
            registries.person_panels.append(views.suggestions_panel)
        if views.suggested_listing_ids not in registries.listing_suggesters:
            registries.listing_suggesters.append(views.suggested_listing_ids)
