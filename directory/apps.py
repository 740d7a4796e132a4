from django.apps import AppConfig

from common.schema import fully_migrated


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Community asset directory"

    def ready(self):
        from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save

        from accounts.privacy import account_data_requested, account_erased

        from . import kept, models, privacy

        post_migrate.connect(index_unindexed_listings, sender=self)
        # Searches and result cards are kept in the cache (directory.kept): any change to what they
        # are made from forgets them.
        for model in (
            models.Service,
            models.Schedule,
            models.ServiceAtLocation,
            models.Location,
            models.Provider,
            models.TaxonomyTerm,
            models.ServiceArea,
            models.Taxonomy,
            models.CostOption,
            models.Language,
            models.Contact,
        ):
            post_save.connect(
                kept.forget, sender=model, dispatch_uid=f"directory-kept-{model.__name__}-saved"
            )
            post_delete.connect(
                kept.forget, sender=model, dispatch_uid=f"directory-kept-{model.__name__}-deleted"
            )
        m2m_changed.connect(
            kept.forget, sender=models.Service.terms.through, dispatch_uid="directory-kept-terms"
        )
        # Subject access and erasure reach the problem reports made under a sign-in's address.
        account_data_requested.connect(privacy.what_we_hold, dispatch_uid="directory.what_we_hold")
        account_erased.connect(privacy.forget_reporter, dispatch_uid="directory.forget_reporter")


def index_unindexed_listings(sender, using="default", **kwargs):
    """After every migrate, with the whole schema in place, index the listings again if any has
    no search key: a migration that changes the index clears the keys rather than rebuilding
    there and then, since a rebuild uses today's models, which may have columns an older
    migration has not made yet."""
    from .fulltext import rebuild_all
    from .models import Service

    if using != "default" or not fully_migrated("directory", using):
        return
    if Service.objects.filter(search_key__isnull=True).exists():
        rebuild_all()
