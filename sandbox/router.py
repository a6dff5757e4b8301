"""The database router that keeps the sandbox's state in its own alias.

Models of the `sandbox` app live only in the `sandbox` database; nothing else
is ever migrated there. So `POST /_sandbox/reset` and a deleted sandbox file
never touch Hatid's data, and Hatid's `migrate` never creates sandbox tables.
"""

SANDBOX_APP_LABEL = "sandbox"
SANDBOX_DB = "sandbox"


def _is_sandbox(model_or_obj) -> bool:
    return model_or_obj._meta.app_label == SANDBOX_APP_LABEL


class SandboxRouter:
    def db_for_read(self, model, **hints):
        return SANDBOX_DB if _is_sandbox(model) else None

    def db_for_write(self, model, **hints):
        return SANDBOX_DB if _is_sandbox(model) else None

    def allow_relation(self, obj1, obj2, **hints):
        if _is_sandbox(obj1) or _is_sandbox(obj2):
            return _is_sandbox(obj1) and _is_sandbox(obj2)
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if app_label == SANDBOX_APP_LABEL:
            return db == SANDBOX_DB
        if db == SANDBOX_DB:
            return False
        return None
