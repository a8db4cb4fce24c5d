"""The visiting order of a crew's day, found by OR-Tools' routing solver (pure: numbers in,
order and times out; ``app.dispatch.days`` reads the day and stores the plan).

The rules, in order of strength:

- Every job of the day is visited (the plan orders the day; it does not drop work).
- **Time windows** come from the dispatcher: a slot (``planned_start`` and ``planned_end``
  both set) means "not before the start" (hard: the crew waits) and "finished by the end"
  (soft, ``LATE_PENALTY`` per second late); a due time (``due_at``) that falls in the day
  means "finished by then" (soft, same penalty). A ``planned_start`` alone (the board's
  drop on a day) only plans the day.
- **Priorities**: every P1 job is started before every lower-priority job that has no
  window. Jobs with a window are placed by their window: an appointment at 14:00 is not
  pulled before the P1 of 09:00, nor pushed after all of them (the window forbids it).
- **Working hours**: the day starts at the shift start (or now, for today's re-plan) and
  should be back at the depot by the shift end (soft, ``OVERTIME_PENALTY`` per second).
- Among the orders that respect those, the **shortest total travel** (depot → stops →
  depot; without a depot the day starts at its first stop and ends at its last), and
  between equal drives the shorter day (``WAIT_WEIGHT``: no idling before a slot while
  other work could be done).

The naive order (planned start, then id, the day as it was planned) is evaluated with the
same rules, and kept when the solver finds nothing better within its time limit.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

LATE_PENALTY = 10  # per second past a window's end: a minute late weighs ten minutes' drive
OVERTIME_PENALTY = 2  # per second back at the depot after the shift's end
WAIT_WEIGHT = 0.1  # per second of the day's length: between equal drives, the shorter day
_SCALE = 10  # the solver counts in integers: tenths of a second of drive
URGENT_PRIORITY = 1
DAY_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Job:
    """A job to place; times are seconds since the day's local midnight."""

    id: int
    node: int  # its place's index in the travel matrix
    priority: int
    service: int  # seconds on site
    earliest: int | None = None  # not before (a slot's start)
    latest_end: int | None = None  # finished by (a slot's end or the due time)

    @property
    def has_window(self) -> bool:
        return self.earliest is not None or self.latest_end is not None


@dataclass(frozen=True)
class Visit:
    id: int
    arrival: int  # seconds since midnight, when work starts (after any wait)
    departure: int
    travel_seconds: float  # from the previous place
    late_seconds: int


@dataclass(frozen=True)
class Solution:
    visits: tuple[Visit, ...]
    return_travel_seconds: float  # last stop → depot (0 without a depot)
    travel_seconds: float
    late_seconds: int
    overtime_seconds: int
    solver: str  # "or-tools", "naive" (the planned order was as good), "trivial"
    solve_ms: int


def naive_order(jobs: list[Job]) -> list[Job]:
    """The jobs as given (the caller passes them by planned start, then id)."""
    return list(jobs)


def simulate(order: list[Job], seconds: list[list[float]], start_node: int, end_node: int | None,
             start_time: int, shift_end: int, solver: str = "naive", solve_ms: int = 0) -> Solution:
    """The times of visiting ``order`` from ``start_node`` at ``start_time`` (and back to
    ``end_node``, None for an open day)."""
    visits, at, place, travel, late = [], start_time, start_node, 0.0, 0
    for job in order:
        leg = seconds[place][job.node]
        arrival = max(round(at + leg), job.earliest or 0)
        departure = arrival + job.service
        job_late = max(0, departure - job.latest_end) if job.latest_end is not None else 0
        visits.append(Visit(job.id, arrival, departure, leg, job_late))
        travel, late, at, place = travel + leg, late + job_late, departure, job.node
    back = seconds[place][end_node] if end_node is not None and order else 0.0
    end = round(at + back)
    return Solution(tuple(visits), back, travel + back, late, max(0, end - shift_end), solver, solve_ms)


def cost(solution: Solution, start_time: int) -> float:
    """What the plan minimises: travel, plus the penalties of late jobs and overtime, plus
    a little for the day's length (waiting for a slot when other work could be done)."""
    end = (solution.visits[-1].departure if solution.visits else start_time) + solution.return_travel_seconds
    return (solution.travel_seconds + LATE_PENALTY * solution.late_seconds
            + OVERTIME_PENALTY * solution.overtime_seconds + WAIT_WEIGHT * (end - start_time))


def respects_priorities(order: list[Job]) -> bool:
    """Whether every P1 comes before every lower-priority job without a window."""
    seen_lower = False
    for job in order:
        if job.has_window:
            continue
        if job.priority == URGENT_PRIORITY and seen_lower:
            return False
        seen_lower = seen_lower or job.priority != URGENT_PRIORITY
    return True


def optimise(jobs: list[Job], seconds: list[list[float]], start_node: int, end_node: int | None,
             start_time: int, shift_end: int, time_limit_ms: int | None = None) -> Solution:
    """The best order found for ``jobs`` (given in their naive order) within the time limit.
    ``seconds[i][j]``: travel time between matrix places; ``end_node`` None: the day ends
    at its last stop."""
    naive = simulate(naive_order(jobs), seconds, start_node, end_node, start_time, shift_end)
    if len(jobs) <= 1:
        return simulate(jobs, seconds, start_node, end_node, start_time, shift_end, "trivial")
    started = time.perf_counter()
    order = _solve(jobs, seconds, start_node, end_node, start_time, shift_end,
                   time_limit_ms if time_limit_ms is not None else min(1000, 200 + 40 * len(jobs)))
    solve_ms = round((time.perf_counter() - started) * 1000)
    if order is None:
        return simulate(naive_order(jobs), seconds, start_node, end_node, start_time, shift_end, "naive", solve_ms)
    found = simulate(order, seconds, start_node, end_node, start_time, shift_end, "or-tools", solve_ms)
    if respects_priorities(jobs) and cost(naive, start_time) <= cost(found, start_time):
        return simulate(naive_order(jobs), seconds, start_node, end_node, start_time, shift_end, "naive", solve_ms)
    return found


def _solve(jobs: list[Job], seconds: list[list[float]], start_node: int, end_node: int | None,
           start_time: int, shift_end: int, time_limit_ms: int) -> list[Job] | None:
    # Model nodes: 0 = the start, 1..n = the jobs, n + 1 = the end (the depot, or a free end).
    n = len(jobs)
    places = [start_node, *(job.node for job in jobs), end_node]
    service = [0, *(job.service for job in jobs), 0]

    def travel(a: int, b: int) -> int:
        if b == n + 1 and end_node is None:
            return 0  # an open day: no way back to count
        if a == n + 1 or places[a] == places[b]:
            return 0
        return round(seconds[places[a]][places[b]])

    manager = pywrapcp.RoutingIndexManager(n + 2, 1, [0], [n + 1])
    routing = pywrapcp.RoutingModel(manager)
    drive = routing.RegisterTransitCallback(
        lambda i, j: _SCALE * travel(manager.IndexToNode(i), manager.IndexToNode(j)))
    routing.SetArcCostEvaluatorOfAllVehicles(drive)
    elapsed = routing.RegisterTransitCallback(
        lambda i, j: service[manager.IndexToNode(i)] + travel(manager.IndexToNode(i), manager.IndexToNode(j)))
    routing.AddDimension(elapsed, DAY_SECONDS, 2 * DAY_SECONDS, False, "time")
    clock = routing.GetDimensionOrDie("time")
    clock.CumulVar(routing.Start(0)).SetRange(start_time, start_time)
    clock.SetCumulVarSoftUpperBound(routing.End(0), shift_end, _SCALE * OVERTIME_PENALTY)
    clock.SetSpanCostCoefficientForAllVehicles(round(_SCALE * WAIT_WEIGHT))
    for node, job in enumerate(jobs, start=1):
        index = manager.NodeToIndex(node)
        if job.earliest is not None:
            clock.CumulVar(index).SetMin(job.earliest)
        if job.latest_end is not None:
            clock.SetCumulVarSoftUpperBound(index, max(0, job.latest_end - job.service), _SCALE * LATE_PENALTY)
    solver = routing.solver()
    urgent = [n_ for n_, job in enumerate(jobs, start=1) if job.priority == URGENT_PRIORITY and not job.has_window]
    others = [n_ for n_, job in enumerate(jobs, start=1) if job.priority != URGENT_PRIORITY and not job.has_window]
    for first in urgent:
        for later in others:
            solver.Add(clock.CumulVar(manager.NodeToIndex(first)) <= clock.CumulVar(manager.NodeToIndex(later)))
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    parameters.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    parameters.time_limit.FromMilliseconds(max(10, time_limit_ms))
    assignment = routing.SolveWithParameters(parameters)
    if assignment is None:
        return None
    order, index = [], assignment.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        order.append(jobs[manager.IndexToNode(index) - 1])
        index = assignment.Value(routing.NextVar(index))
    return order
