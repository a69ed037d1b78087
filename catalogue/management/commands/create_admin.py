"""Create the first administrator from the environment, for deployments and `make run`.

Reads DJANGO_ADMIN_USERNAME, DJANGO_ADMIN_PASSWORD and DJANGO_ADMIN_EMAIL so that no
password is typed into a terminal or stored in the repository.
"""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Create a superuser from DJANGO_ADMIN_USERNAME / DJANGO_ADMIN_PASSWORD / DJANGO_ADMIN_EMAIL."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-missing", action="store_true", help="Do nothing if the user already exists."
        )
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done.")

    def handle(self, *args, if_missing=False, dry_run=False, **options):
        username = os.environ.get("DJANGO_ADMIN_USERNAME", "").strip()
        password = os.environ.get("DJANGO_ADMIN_PASSWORD", "")
        email = os.environ.get("DJANGO_ADMIN_EMAIL", "")
        if not username or not password:
            raise CommandError("Set DJANGO_ADMIN_USERNAME and DJANGO_ADMIN_PASSWORD.")
        User = get_user_model()
        exists = User.objects.filter(username=username).exists()
        if exists and if_missing:
            self.stdout.write(f"Administrator {username!r} already exists; nothing to do.")
            return
        if exists:
            raise CommandError(f"User {username!r} already exists.")
        if dry_run:
            self.stdout.write(f"Would create administrator {username!r}.")
            return
        with transaction.atomic():
            user = User.objects.create_superuser(username=username, email=email, password=password)
            from django.contrib.auth.models import Group

            group = Group.objects.filter(name="Administrator").first()
            if group:
                user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"Created administrator {username!r}."))
