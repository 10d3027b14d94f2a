"""`manage.py generate_load_data`: a large invented company for performance work (docs/performance.md)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from portal.loaddata import BENCH_USERNAME, generate, has_data


class Command(BaseCommand):
    help = (
        "Build a large invented company (default: 500 branches, 20,000 people, 50,000 projects over 5 years) "
        "for load tests. Rows are written with bulk_create in batches, NOT through the services: no per-row "
        "audit events, history rows or notifications (one audit event records the run), but every row "
        "satisfies the model constraints. Refuses a database that already holds data unless --force, and "
        f"never runs with REDENGINE_ENV=production. Creates the benchmark login '{BENCH_USERNAME}' "
        "(password in docs/performance.md) when missing; every other login has an unusable password."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--branches", type=int, default=500)
        parser.add_argument("--people", type=int, default=20_000)
        parser.add_argument("--projects", type=int, default=50_000)
        parser.add_argument(
            "--years", type=int, default=5, help="Spread the projects over this many years up to this one."
        )
        parser.add_argument("--seed", type=int, default=20260601)
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument(
            "--force", action="store_true", help="Add a further company even though the database holds data."
        )

    def handle(self, *args, **options) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("generate_load_data never runs with REDENGINE_ENV=production.")
        for name in ("branches", "people", "projects", "years", "batch_size"):
            if options[name] < (0 if name == "projects" else 1):
                raise CommandError(f"--{name.replace('_', '-')} must be positive.")
        if has_data() and not options["force"]:
            raise CommandError(
                "The database already holds organizations, people, projects or users; "
                "use an empty database or pass --force to add a further load-test company."
            )
        verbosity = options["verbosity"]
        result = generate(
            branches=options["branches"],
            people=options["people"],
            projects=options["projects"],
            years=options["years"],
            seed=options["seed"],
            batch_size=options["batch_size"],
            log=(lambda line: self.stdout.write(line)) if verbosity >= 2 else (lambda line: None),
        )
        counts = ", ".join(f"{key} {value}" for key, value in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Load data generated in {result.seconds:.1f} s under {result.root}: {counts}")
        )
