"""Batches of work orders through a real rq worker: a selection and a crew's day as one
PDF, followed and downloaded over HTTP; and a worker killed in the middle of a pack, which
leaves nothing a download could serve, and whose retry completes the pack."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Queue, Retry
from rq.job import Job
from rq.registry import StartedJobRegistry
from sqlalchemy.orm import Session

from app.auth.models import User
from app.demo.dijon import DEMO_PASSWORD
from app.errors import NotFound
from app.interventions.models import Intervention, Team
from app.printing import services
from app.printing.files import PrintFiles
from app.printing.queries import PrintOptions
from app.printing.wording import wording
from tests.conftest import ROOT, csrf_token_from
from tests.printing.committed import BRETENIERE, OUGES, PERRIGNY, committed_interventions, east_of
from tests.printing.pdf import page_texts, reader, scale_bar

KILL_QUEUE = "vigie-print-kill-test"


def _login(client, login: str, password: str = DEMO_PASSWORD) -> str:
    page = client.get("/login")
    response = client.post("/login", data={"login": login, "password": password,
                                           "csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 302, response.text
    return csrf_token_from(client.get("/interventions").text)


def _until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while not (result := condition()):
        assert time.monotonic() < deadline, f"still waiting for {what}"
        time.sleep(0.1)
    return result


def _printed(client, answer) -> bytes:
    """Follow a started batch over HTTP as the page's script does, then download it."""
    assert answer.status_code == 202, answer.text
    status = _until(lambda: (s := client.get(answer.json["status_url"], headers={"Accept": "application/json"}).json)
                    ["state"] in ("done", "failed") and s, 120, "the batch")
    assert status["state"] == "done" and status["done"] == status["total"]
    download = client.get(answer.json["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    return download.data


@pytest.fixture()
def forget_prints(settings):
    """Remove the batches a test printed (their ids: the ``ids`` list it fills)."""
    ids: list[str] = []
    yield ids
    for print_id in ids:
        for path in Path(settings.print_dir).glob(f"*{print_id}*"):
            path.unlink()


def test_a_selection_prints_as_one_pdf_through_the_worker(rq_worker, engine, settings, client, login_as,
                                                         forget_prints):
    places = [east_of(OUGES, 80 * n) for n in range(3)]
    with committed_interventions(engine, settings, places) as (ids, _):
        token = _login(client, "dispatcher")
        answer = client.post("/prints", data={"csrf_token": token, "ids": [str(ids[2]), str(ids[0])],
                                              "scale": "2000", "lang": "en"}, headers={"Accept": "application/json"})
        forget_prints.append(answer.json["id"])
        pdf = _printed(client, answer)
        with Session(engine) as session:
            references = [session.get(Intervention, i).reference for i in ids]
        texts = page_texts(pdf)
        firsts = [t for t in texts if f"{wording('en').page} 1/" in t]
        assert len(firsts) == 2  # two work orders, each starting on its own page
        assert references[0] in firsts[0] and references[2] in firsts[1]  # the list's order: latest reported first
        assert references[1] not in " ".join(texts)
        assert reader(pdf).metadata.title == "Work order × 2"
        # Another user who may read both may download it; one limited to another commune may not.
        client.post("/logout", data={"csrf_token": token})
        login_as("field_agent")
        assert client.get(answer.json["download_url"]).status_code == 200
        client.post("/logout", data={"csrf_token": csrf_token_from(client.get("/interventions").text)})
        login_as("councillor", communes=["21617"])
        assert client.get(answer.json["download_url"]).status_code == 404
        assert client.get(answer.json["status_url"], headers={"Accept": "application/json"}).status_code == 404


def test_a_crew_day_prints_its_route_then_every_work_order(rq_worker, engine, settings, client, forget_prints):
    """Four jobs on a line, planned in a zigzag: the pack lists them in dispatch's visiting
    order, one end of the line to the other (the team has no depot)."""
    places = [PERRIGNY, east_of(PERRIGNY, 900), east_of(PERRIGNY, 300), east_of(PERRIGNY, 600)]
    starts = ["2032-06-15T08:00", "2032-06-15T10:00", "2032-06-15T10:00", "2032-06-15T10:00"]
    with committed_interventions(engine, settings, places, starts) as (ids, team_id):
        token = _login(client, "dispatcher")
        answer = client.post("/prints", data={"csrf_token": token, "team_id": str(team_id), "day": "2032-06-15"},
                             headers={"Accept": "application/json"})
        forget_prints.append(answer.json["id"])
        pdf = _printed(client, answer)
        with Session(engine) as session:
            references = {i: session.get(Intervention, i).reference for i in ids}
            team = session.get(Team, team_id).name
    cover = page_texts(pdf)[0]
    assert team in cover and "15 juin 2032" in cover
    positions = [cover.index(references[i]) for i in (ids[0], ids[2], ids[3], ids[1])]
    assert positions in (sorted(positions), sorted(positions, reverse=True))  # along the line, either way
    drawn, metres, denominator = scale_bar(pdf, page=0)  # the route map's bar is right too
    assert drawn / (72 / 25.4) == pytest.approx(metres * 1000 / denominator, rel=0.01)
    firsts = [n for n, text in enumerate(page_texts(pdf)) if f"{wording('fr').page} 1/" in text]
    assert len(firsts) == 5 and firsts[0] == 0  # the cover, then four work orders


def _worker(queue: str) -> subprocess.Popen:
    """An rq worker process on ``queue``, in a process group of its own."""
    log = open(ROOT / "test-artifacts" / f"{queue}.log", "a")
    rq = str(Path(sys.executable).parent / "rq")
    return subprocess.Popen([rq, "worker", "--url", os.environ["VIGIE_REDIS_URL"], queue], env=os.environ.copy(),
                            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def _horses(worker: subprocess.Popen) -> list[int]:
    """The work horses of ``worker``: rq forks each job into a process group of its own, so
    killing the worker's group leaves its horse running."""
    stats = (_read(path) for path in Path("/proc").glob("[0-9]*/stat"))
    return [int(stat.split()[0]) for stat in stats if stat and int(stat.rsplit(")", 1)[1].split()[1]) == worker.pid]


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:  # the process ended meanwhile
        return ""


def _kill(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its work horse, as a machine failure or an OOM kill would."""
    horses = _horses(worker)
    for pid in (*horses, worker.pid):
        os.kill(pid, signal.SIGKILL)
    worker.wait(timeout=10)
    _until(lambda: not any(Path(f"/proc/{pid}").exists() for pid in horses), 10, "the horses to die")


def _forget(queue: Queue) -> None:
    """Remove every job the queue and its registries hold (earlier runs' ones included)."""
    for registry in (queue.started_job_registry, queue.scheduled_job_registry, queue.failed_job_registry,
                     queue.finished_job_registry, queue.deferred_job_registry):
        for entry in registry.get_job_ids(cleanup=False):
            queue.connection.delete(Job.key_for(entry.split(":")[0]))
        queue.connection.delete(registry.key)
    queue.delete(delete_jobs=True)


def test_a_worker_killed_mid_pack_leaves_nothing_to_download_and_the_retry_completes_it(engine, settings, redis):
    places = [(east_of(BRETENIERE, 20 * (n % 15))[0], BRETENIERE[1] + 0.0002 * (n // 15)) for n in range(150)]
    queue = Queue(KILL_QUEUE, connection=redis)
    _forget(queue)
    workers: list[subprocess.Popen] = []
    with committed_interventions(engine, settings, places) as (ids, _), Session(engine) as session:
        actor = session.query(User).filter_by(login="dispatcher").one()
        options = PrintOptions(scale=1000, language="fr", public_url="http://localhost", srid=settings.storage_srid)
        pending = services.new_batch(settings.print_dir, actor, ids, options)
        files = PrintFiles.of(settings.print_dir, pending.job_id)
        try:
            # The service's job and retries; the retry comes back at once rather than after
            # 5 s through rq's scheduler, whose lock the killed worker still holds for a while.
            queue.enqueue(pending.func_path, *pending.args, job_id=pending.job_id, job_timeout=pending.timeout,
                          retry=Retry(max=pending.retries), meta=pending.meta)
            job = Job.fetch(pending.job_id, connection=redis)
            workers.append(_worker(KILL_QUEUE))
            _until(lambda: 10 <= job.get_meta(refresh=True).get("done", 0), 90, "the pack to be under way")
            _kill(workers[0])
            assert job.get_meta(refresh=True)["done"] < len(ids)  # killed in the middle
            time.sleep(1)  # nothing is writing any more
            assert not files.pdf.exists()
            assert list(files.directory.glob(f".{pending.job_id}.*.part"))  # it was writing aside
            with pytest.raises(NotFound):
                services.batch_file(session, settings.print_dir, actor, pending.job_id)
            status = services.batch_status(session, redis, settings.print_dir, actor, pending.job_id)
            assert status["state"] == "running"
            # The dead worker's heartbeat expires (90 s); a worker's maintenance then finds the
            # job abandoned and retries it. The clean-up is asked for that moment directly.
            StartedJobRegistry(queue=queue).cleanup(timestamp=time.time() + 300)
            job.refresh()
            assert job.get_status() == "queued" and job.retries_left == pending.retries - 1  # a retry, not a rerun
            workers.append(_worker(KILL_QUEUE))
            _until(lambda: job.get_status(refresh=True) in ("finished", "failed"), 120, "the retry")
            assert job.get_status() == "finished"
            pdf = files.pdf.read_bytes()
            first_pages = [text for text in page_texts(pdf) if f"{wording('fr').page} 1/" in text]
            assert len(first_pages) == len(ids)  # every work order is there
            assert not list(files.directory.glob(f".{pending.job_id}.*.part"))
            assert services.batch_file(session, settings.print_dir, actor, pending.job_id)[0] == files.pdf
        finally:
            for worker in workers:
                if worker.poll() is None:
                    _kill(worker)
            _forget(queue)
            for path in files.directory.glob(f"*{pending.job_id}*"):
                path.unlink()
