from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "townhall.workflow"
    label = "workflow"
    verbose_name = "Workflow"

    def ready(self) -> None:
        # Hooks offered by lower apps: cases tells us about new and closed cases. Registering
        # here keeps the imports pointing down (cases never imports workflow). Workflow's own
        # operations register with workflow.registry as their module loads.
        from townhall.workflow import hooks, operations  # noqa: F401

        hooks.register()
