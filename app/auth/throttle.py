"""Throttling of failed logins, counted in Redis per login and per client address."""
from __future__ import annotations

from dataclasses import dataclass

from redis import Redis

_KEY_PREFIX = "vigie:login-failures:"


@dataclass(frozen=True)
class LoginThrottle:
    """After ``max_failures`` failures in ``window_seconds``, logins are refused until the window ends."""

    redis: Redis
    max_failures: int
    window_seconds: int

    def seconds_locked(self, login: str, remote_addr: str) -> int:
        """Seconds left before this login or address may try again (0: free to try)."""
        waits = [
            self.redis.ttl(key)
            for key in self._keys(login, remote_addr)
            if int(self.redis.get(key) or 0) >= self._limit(key)
        ]
        return max([w for w in waits if w > 0], default=0)

    def record_failure(self, login: str, remote_addr: str) -> None:
        """Count one failed attempt for the login and for the address."""
        pipe = self.redis.pipeline()
        for key in self._keys(login, remote_addr):
            pipe.incr(key)
            pipe.expire(key, self.window_seconds, nx=True)
        pipe.execute()

    def clear(self, login: str) -> None:
        """Forget the failures of a login after it succeeded."""
        self.redis.delete(_KEY_PREFIX + "login:" + login.strip().lower())

    def _keys(self, login: str, remote_addr: str) -> tuple[str, str]:
        return (
            _KEY_PREFIX + "login:" + login.strip().lower(),
            _KEY_PREFIX + "addr:" + remote_addr,
        )

    def _limit(self, key: str) -> int:
        # An address (an office behind one NAT) may fail more often than one login.
        return self.max_failures * (4 if ":addr:" in key else 1)
