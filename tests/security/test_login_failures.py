"""The admin login failure count: one atomic statement per attempt, in the database."""

import threading
import time

import pytest
from django.db import connections

from catalogue.models import LoginFailure

DIGEST = "a" * 64


@pytest.mark.django_db
def test_counts_withdraws_and_clears():
    failures = LoginFailure.objects
    assert [failures.add_attempt(DIGEST, window=60) for _ in range(3)] == [1, 2, 3]
    failures.withdraw_attempt(DIGEST)
    assert failures.attempts(DIGEST) == 2
    assert failures.add_attempt(DIGEST, window=60) == 3
    assert failures.add_attempt("b" * 64, window=60) == 1  # another pair, its own count
    failures.clear(DIGEST)
    assert failures.attempts(DIGEST) == 0
    assert failures.add_attempt(DIGEST, window=60) == 1


@pytest.mark.django_db
def test_each_attempt_restarts_the_window_and_a_passed_window_starts_again():
    failures = LoginFailure.objects
    failures.add_attempt(DIGEST, window=60)
    first_end = LoginFailure.objects.get(digest=DIGEST).expires_at
    time.sleep(0.01)
    failures.add_attempt(DIGEST, window=60)
    assert LoginFailure.objects.get(digest=DIGEST).expires_at > first_end
    LoginFailure.objects.filter(digest=DIGEST).update(expires_at=time.time() - 1)
    assert failures.attempts(DIGEST) == 0
    assert failures.add_attempt(DIGEST, window=60) == 1


@pytest.mark.django_db
def test_rows_whose_window_passed_are_removed():
    LoginFailure.objects.create(digest="c" * 64, attempts=4, expires_at=time.time() - 5)
    LoginFailure.objects.add_attempt(DIGEST, window=60)
    assert list(LoginFailure.objects.values_list("digest", flat=True)) == [DIGEST]


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_never_read_the_same_count():
    """Attempts from many threads at once (each its own database connection) get
    distinct counts 1…N: no two read the count before either wrote it.

    PostgreSQL only: the SQLite test database is in memory with a shared cache, whose
    concurrent writers get "database table is locked" at once instead of waiting (a
    deployment's database file serialises them; two processes on a file are
    ``test_shared_login_limit.py``)."""
    if connections["default"].vendor != "postgresql":
        pytest.skip("PostgreSQL: concurrent writers on their own connections")
    threads, results, errors = 8, [], []
    start = threading.Barrier(threads)

    def attempt():
        try:
            start.wait(10)
            for _ in range(5):
                results.append(LoginFailure.objects.add_attempt(DIGEST, window=60))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=attempt) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    assert errors == []
    assert sorted(results) == list(range(1, threads * 5 + 1))
    assert LoginFailure.objects.attempts(DIGEST) == threads * 5
