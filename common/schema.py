"""Whether an app's tables match today's models: work done after migrate (indexing, shipped
data) uses today's models, so it waits until the app's every migration is applied. A migrate
backwards, or to an older migration, leaves it undone."""

from __future__ import annotations

from django.db import connections
from django.db.migrations.executor import MigrationExecutor


def fully_migrated(app_label: str, using: str = "default") -> bool:
    executor = MigrationExecutor(connections[using])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes(app_label))
