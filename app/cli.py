"""The ``vigie`` command: users, territory and demo data. One commit per command.

It does not build the web app, so it still works when the app refuses to start
(e.g. to change a demo password outside demo mode).
"""
from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy.orm import Session

from app.auth import services as auth_services
from app.auth.roles import Role
from app.db import make_engine, make_session_factory
from app.errors import DomainError
from app.settings import Settings, SettingsError


def _open_session() -> tuple[Settings, Session]:
    try:
        settings = Settings.from_env()
    except SettingsError as error:
        raise click.ClickException(f"invalid setting {error}") from None
    return settings, make_session_factory(make_engine(settings.database_url, pool_size=1))()


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def _refused(error: DomainError) -> click.ClickException:
    """A domain refusal as a command-line error, with the message of each wrong field."""
    details = "; ".join(f"{field}: {message}" for field, message in error.field_errors.items())
    return click.ClickException(f"{error.message}: {details}" if details else str(error.message))


@click.group()
def cli() -> None:
    """Vigie administration commands."""


@cli.command("create-user")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--name", "display_name", help="Name shown in the interface.")
@click.option("--commune", "communes", multiple=True, help="INSEE code the user is limited to (repeatable).")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(login: str, role: str, display_name: str | None, communes: tuple[str, ...], password_stdin: bool) -> None:
    """Create a user account."""
    _, session = _open_session()
    with session:
        try:
            user = auth_services.create_user(
                session, login, _read_password(password_stdin), role, display_name, list(communes)
            )
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
        click.echo(f"created user {user.login} ({user.role})")


@cli.command("set-password")
@click.argument("login")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password_command(login: str, password_stdin: bool) -> None:
    """Change a user's password and end their open sessions."""
    _, session = _open_session()
    with session:
        try:
            auth_services.set_password(session, login, _read_password(password_stdin))
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
        click.echo(f"password of {login} changed")


@cli.command("create-api-token")
@click.argument("login")
@click.option("--name", required=True, help="What the token is for, e.g. \"QGIS on my laptop\".")
def create_api_token_command(login: str, name: str) -> None:
    """Create a personal API token (Authorization: Bearer ...); it is printed only once."""
    _, session = _open_session()
    with session:
        user = _user_or_fail(session, login)
        try:
            token = auth_services.create_api_token(session, user, name)
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
        click.echo(f"API token for {user.login} ({name}), shown only once:", err=True)
        click.echo(token)


@cli.command("revoke-api-token")
@click.argument("login")
@click.argument("token_id", type=int)
def revoke_api_token_command(login: str, token_id: int) -> None:
    """Revoke one of a user's API tokens (see list-api-tokens for the ids)."""
    _, session = _open_session()
    with session:
        try:
            auth_services.revoke_api_token(session, _user_or_fail(session, login), token_id)
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
        click.echo(f"API token {token_id} of {login} revoked")


@cli.command("list-api-tokens")
@click.argument("login")
def list_api_tokens_command(login: str) -> None:
    """List a user's API tokens: id, name, created, last used, revoked."""
    _, session = _open_session()
    with session:
        for token in auth_services.api_tokens_of(session, _user_or_fail(session, login)):
            dates = (token.created_at, token.last_used_at, token.revoked_at)
            shown = " ".join(f"{d:%Y-%m-%d %H:%M}" if d else "-" for d in dates)
            click.echo(f"{token.id:>6}  {token.name:<30} {shown}")


def _user_or_fail(session: Session, login: str):
    user = auth_services.user_by_login(session, login)
    if user is None:
        raise click.ClickException(f"no user with login {login!r}")
    return user


@cli.command("load-demo")
def load_demo_command() -> None:
    """Load the Dijon Métropole demo (territory, accounts). Safe to run again."""
    from app.demo.dijon import DEMO_PASSWORD, load_demo

    settings, session = _open_session()
    with session:
        accounts = load_demo(session, settings.storage_srid)
        session.commit()
    click.echo("Dijon Métropole demo loaded. Demo logins (password: %s):" % DEMO_PASSWORD)
    for account in accounts:
        click.echo(f"  {account.login:<11} {account.role}")


@cli.command("generate-inventory")
@click.option("--scale", default=1.0, show_default=True, type=click.FloatRange(min=0, min_open=True),
              help="1.0 gives about 100,000 assets; 10 about a million (benchmarks).")
@click.option("--seed", type=int, help="Same seed, same inventory (default: the demo's).")
def generate_inventory_command(scale: float, seed: int | None) -> None:
    """Generate the demo inventory of Dijon Métropole. Does nothing if any asset exists."""
    from app.demo.inventory import load_demo_inventory
    from app.inventory.maintenance import reorganise_after_bulk_load

    settings, session = _open_session()
    with session:
        try:
            seed_option = {} if seed is None else {"seed": seed}
            counts = load_demo_inventory(session, settings.storage_srid, scale=scale, **seed_option)
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
        if counts is not None:
            reorganise_after_bulk_load(session)
            session.commit()
    if counts is None:
        click.echo("The inventory already has assets: nothing generated.")
        return
    for code, count in counts.items():
        click.echo(f"  {code:<18} {count:>9,}")
    click.echo(f"{sum(counts.values()):,} assets generated with their history.")


@cli.command("run-maintenance-plans")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Generate as of this day (YYYY-MM-DD; default: today). The nightly job does the same.")
def run_maintenance_plans_command(today) -> None:
    """Create the interventions that the active maintenance plans make due. Safe to run again."""
    from app.interventions.maintenance import generate_due_interventions, territory_today

    _, session = _open_session()
    with session:
        summary = generate_due_interventions(session, today.date() if today else territory_today())
        session.commit()
    for visit in summary.created:
        click.echo(f"  {visit.reference}  due {visit.due_on}  {_counted(visit.asset_count, 'asset'):>11}  "
                   f"{visit.plan} — {visit.group}")
    click.echo(f"{_counted(len(summary.created), 'intervention')} created as of {summary.today}.")
    if summary.deferred_assets:
        click.echo(f"{_counted(summary.deferred_assets, 'due asset')} wait for their group's visit "
                   "on the same date to pass.")
    for failure in summary.failures:
        click.echo(f"refused: {failure['plan']}, {failure['group']}: {failure['message']}", err=True)


@cli.command("build-road-network")
def build_road_network_command() -> None:
    """Build the routable street network (pgRouting) from the road segments. Safe to run again."""
    from app.dispatch.network import build_road_network

    _, session = _open_session()
    with session:
        state = build_road_network(session)
        session.commit()
    click.echo(f"{state.segment_count} road segments → {state.edge_count} edges, {state.vertex_count} vertices "
               f"in {state.build_ms} ms.")


@cli.command("generate-interventions")
@click.option("--seed", type=int, help="Same seed, same interventions (default: the demo's).")
def generate_interventions_command(seed: int | None) -> None:
    """Generate the demo's teams and two years of interventions up to now. Does nothing if any
    intervention exists."""
    from app.demo.interventions import TEAMS, load_demo_interventions

    _, session = _open_session()
    with session:
        try:
            seed_option = {} if seed is None else {"seed": seed}
            counts = load_demo_interventions(session, **seed_option)
        except DomainError as error:
            raise _refused(error) from None
        session.commit()
    if counts is None:
        click.echo("There are interventions already: nothing generated.")
        return
    click.echo(f"Teams: {', '.join(team.name for team in TEAMS)}")
    for status, count in counts.items():
        click.echo(f"  {status:<12} {count:>7,}")
    click.echo(f"{sum(counts.values()):,} interventions generated with their timelines.")


@cli.command("refresh-coverage")
@click.option("--full", is_flag=True, help="Recompute every cell (after changing app/reports/config.py).")
@click.option("--past-days", type=int, multiple=True,
              help="Also compute the figures of the day N days ago from the history, if missing (repeatable).")
def refresh_coverage_command(full: bool, past_days: tuple[int, ...]) -> None:
    """Compute the coverage reports: everything the first time (or with --full), then only what
    edits changed. Safe to run again."""
    from datetime import timedelta

    from sqlalchemy import text

    from app.reports import coverage

    _, session = _open_session()
    with session:
        empty = not session.execute(text("SELECT EXISTS (SELECT 1 FROM coverage_cells)")).scalar_one()
        summary = coverage.refresh_all(session) if full or empty else coverage.refresh_dirty(session)
        session.commit()
        click.echo(f"Coverage: {_counted(summary.cells, 'cell')} computed, {_counted(summary.communes, 'commune')} "
                   f"updated for {summary.day}.")
        for days in sorted(set(past_days)):
            day = coverage.territory_day() - timedelta(days=days)
            exists = session.execute(text("SELECT EXISTS (SELECT 1 FROM coverage_snapshots WHERE day = :day)"),
                                     {"day": day}).scalar_one()
            if exists and not full:
                continue
            coverage.snapshot_as_of(session, day)
            session.commit()
            click.echo(f"Coverage of {day} computed from the history.")


def _counted(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


@cli.command("load-communes")
@click.argument("geojson", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--outline-name", default="Territoire", show_default=True)
def load_communes_command(geojson: Path, outline_name: str) -> None:
    """Load communes from a WGS84 GeoJSON file with properties code and nom."""
    from app.territory.services import load_communes

    settings, session = _open_session()
    with session:
        count = load_communes(session, geojson, settings.storage_srid, outline_name=outline_name)
        session.commit()
    click.echo(f"{count} communes loaded")


if __name__ == "__main__":
    cli()
