"""The catch-up campaign: the assets the inventory recorded as faulty are put back in
service by rounds of each team (commune by commune for the numerous street lights), from
the working day after the inventory's last fault on; the rounds not done by ``now`` are
the campaign's backlog."""
from __future__ import annotations

import random
from datetime import datetime, time, timedelta
from typing import Iterator

from app.demo.interventions import life
from app.demo.interventions.care import CARE
from app.demo.interventions.clock import LOCAL, UTC, after_working, before_working
from app.demo.interventions.context import Context
from app.demo.interventions.crews import TEAMS
from app.demo.interventions.life import Draft, Report
from app.demo.interventions.pool import PoolAsset
from app.interventions.sla import DEFAULT_CALENDAR

ROUND_MINUTES = 420  # a round is a crew's day of work
CAPACITY_SHARE = 0.8  # of a team's day the campaign takes; the rest is for the everyday repairs
CAUSE = "Pannes relevées lors de la reprise de l'inventaire"
LIGHTING_ACTION = "Remplacement des lampes et drivers, reprise des connexions"
ACTIONS = {
    "traffic": "Remplacement des modules et cartes défaillants",
    "cctv": "Remplacement des alimentations et reprise des liaisons",
    "furniture": "Remise en état du mobilier et des équipements",
    "roads": "Redressement et remplacement des panneaux",
    "green": "Taille de mise en sécurité et soins aux arbres",
}


def campaign_drafts(ctx: Context, rnd: random.Random) -> list[Draft]:
    """One intervention per round of faulty assets of a team (in a commune, for lighting),
    as many as a crew mends in a day."""
    faulty = ctx.pool.faulty()
    if not faulty:
        return []
    launch = _next_morning(max(asset.free_from for asset in faulty))
    if launch >= ctx.now:
        return []
    groups: dict[tuple[str, int], list[PoolAsset]] = {}
    for asset in faulty:
        team = ctx.team_for(CARE[asset.code].team, asset)
        groups.setdefault((team, asset.commune_id if team.startswith("lighting") else 0), []).append(asset)
    rounds: dict[str, list[list[PoolAsset]]] = {}
    for (team, _), assets in sorted(groups.items()):
        team_rounds = rounds.setdefault(team, [])
        team_rounds.append([])
        for asset in assets:
            if team_rounds[-1] and sum(map(_minutes, team_rounds[-1])) + _minutes(asset) > ROUND_MINUTES:
                team_rounds.append([])
            team_rounds[-1].append(asset)
    capacities = {spec.key: spec.capacity_hours * 60 * CAPACITY_SHARE for spec in TEAMS}
    drafts = []
    for team, team_rounds in sorted(rounds.items()):
        for assets, day in zip(team_rounds, _days(team_rounds, capacities[team], launch)):
            draft = _round(ctx, rnd, team, assets, launch + timedelta(minutes=len(drafts) % 50), day)
            if life.settle(draft, ctx.now, ctx.pool):
                drafts.append(draft)
    return drafts


def _days(rounds: list[list[PoolAsset]], capacity_minutes: float, launch: datetime) -> Iterator[datetime]:
    """The day of each round: the team's working days after the launch, filled in turn."""
    days = _working_days(launch)
    day, load = next(days), 0
    for assets in rounds:
        minutes = sum(map(_minutes, assets))
        if load and load + minutes > capacity_minutes:
            day, load = next(days), 0
        load += minutes
        yield day


def _round(ctx: Context, rnd: random.Random, team: str, assets: list[PoolAsset], reported_at: datetime,
           day: datetime) -> Draft:
    minutes = 15 * round(sum(map(_minutes, assets)) / 15) or 15
    communes = sorted({ctx.communes[asset.commune_id] for asset in assets})
    place = communes[0] if len(communes) == 1 else f"{len(communes)} communes"
    description = (f"Campagne de remise en service après la reprise de l'inventaire : {place}, "
                   f"{len(assets)} équipement(s) en panne")
    draft = ctx.draft("corrective", 4, "out_of_order", description, team, assets, reported_at, minutes,
                      ctx.crews.manager_id)
    crew = ctx.crew(rnd, team)
    team_id = ctx.crews.team_ids[team]
    created = life.create(draft, reported_at, ctx.crews.manager_id)
    planned = life.plan(draft, after_working(created, rnd.uniform(1, 4)), ctx.crews.dispatcher_id, team_id, day)
    assigned = max(before_working(day, rnd.uniform(1, 3)), planned)
    life.assign(draft, assigned, ctx.crews.dispatcher_id, team_id, day)
    began = life.start(draft, day + timedelta(minutes=rnd.uniform(0, 30)), crew)
    spent = 5 * round(minutes * rnd.uniform(0.8, 1.2) / 5)
    report = Report(CAUSE, ACTIONS.get(team, LIGHTING_ACTION), spent, "back_in_service")
    done = life.complete(draft, began + timedelta(minutes=spent), crew, report)
    life.close(draft, after_working(done, rnd.uniform(1, 10)), ctx.crews.dispatcher_id)
    return draft


def _minutes(asset: PoolAsset) -> int:
    """A round's time on one asset: a quarter of a visit of its own (the crew goes from one to the next)."""
    return max(10, 5 * round(CARE[asset.code].minutes / 4 / 5))


def _next_morning(moment: datetime) -> datetime:
    """8:30 on the first working day after ``moment``."""
    day = moment.astimezone(LOCAL).date() + timedelta(days=1)
    while not DEFAULT_CALENDAR.is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, time(8, 30), LOCAL).astimezone(UTC)


def _working_days(after: datetime) -> Iterator[datetime]:
    """8:00 of each working day after ``after``'s day."""
    day = after.astimezone(LOCAL).date()
    while True:
        day += timedelta(days=1)
        if DEFAULT_CALENDAR.is_working_day(day):
            yield datetime.combine(day, time(8), LOCAL).astimezone(UTC)
