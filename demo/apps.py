from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo: `manage.py load_demo` puts each app's demo data in, in the order the apps build
    on one another. It sits above every other app, so that none of them needs to know another's
    demo (docs/0018-app-dependencies.md)."""

    name = "demo"
    verbose_name = "Demo data"
