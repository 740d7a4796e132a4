from django.apps import AppConfig

from common.schema import fully_migrated


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Community asset directory"

    def ready(self):
        from django.db.models.signals import post_migrate

        from accounts.privacy import account_data_requested, account_erased

        from . import privacy

        post_migrate.connect(index_unindexed_listings, sender=self)
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
