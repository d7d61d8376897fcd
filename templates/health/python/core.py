# --- health core: framework-neutral, standard library only -------------------
# Response format: IETF draft "Health Check Response Format for HTTP APIs"
# (application/health+json). pass/warn -> 200, fail -> 503.
import contextvars
import hmac
import importlib
import math
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as _FutureTimeout
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable, Dict, Optional, Tuple
{{IMPORTS}}
SERVICE_ID = "{{SERVICE}}"
VERSION = os.environ.get("SERVICE_VERSION", "{{VERSION}}")
# Details of /health are shown only to callers presenting this token.
TOKEN_ENV = "{{TOKEN_ENV}}"
# Token bucket for /health, per client address; /live and /ready are never limited.
RATE_PER_SECOND = float(os.environ.get("FKS_HEALTH_RATE", "{{RATE}}"))
READY_CACHE_SECONDS = 1.5
CHECK_TIMEOUT_SECONDS = float(os.environ.get("FKS_HEALTH_CHECK_TIMEOUT", "2"))
MEDIA_TYPE = "application/health+json"
NO_STORE = {"Cache-Control": "no-store"}


class NotConfigured(Exception):
    """The setting a check needs is absent: reported as warn, never as fail."""


@dataclass(frozen=True)
class Check:
    name: str  # "component:measure", e.g. "postgres:responseTime"
    component_type: str  # datastore | component | system
    critical: bool  # a failing non-critical check only warns
    run: Callable[[], None]  # raises on failure


def _setting(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise NotConfigured(name)
    return value


_outgoing: Optional[Callable[[], Dict[str, str]]] = None


def _trace_headers() -> Dict[str, str]:
    """traceparent and X-Request-ID of the request being served, once `fks scaffold tracing` has put its
    module next to this one: the dependency's own logs then show which request checked it."""
    global _outgoing
    if _outgoing is None:
        _outgoing = dict
        for name in ("tracing", "fks_tracing"):
            try:
                module = importlib.import_module("%s.%s" % (__package__, name) if __package__ else name)
            except ImportError:
                continue
            if callable(getattr(module, "outgoing_headers", None)):
                _outgoing = module.outgoing_headers
                break
    return _outgoing()

{{CHECK_DEFS}}

CHECKS = [
{{CHECK_LIST}}
]

_pool = ThreadPoolExecutor(max_workers=max(2, len(CHECKS)), thread_name_prefix="health-check")
_cache_lock = threading.Lock()
_cache: Dict[str, object] = {"at": -1e9, "report": None}
_shutting_down = threading.Event()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")


def _timed(fn: Callable[[], None]) -> float:
    started = time.monotonic()
    fn()
    return (time.monotonic() - started) * 1000.0


def _run_checks() -> dict:
    # Each check runs in the request's context, so the trace of the probe reaches the dependency.
    futures = [(c, _pool.submit(contextvars.copy_context().run, _timed, c.run)) for c in CHECKS]
    deadline = time.monotonic() + CHECK_TIMEOUT_SECONDS
    checks: Dict[str, list] = {}
    statuses = []
    for check, future in futures:
        entry = {"componentType": check.component_type, "status": "pass", "time": _now()}
        try:
            entry["observedValue"] = round(future.result(timeout=max(0.0, deadline - time.monotonic())), 1)
            entry["observedUnit"] = "ms"
        except _FutureTimeout:
            entry.update(status="fail", output="timed out after %gs" % CHECK_TIMEOUT_SECONDS)
        except NotConfigured as e:
            entry.update(status="warn", output="not configured: %s is not set" % e)
        except Exception as e:  # noqa: BLE001 - only the type is reported, never the message
            entry.update(status="fail", output=type(e).__name__)
        if entry["status"] == "fail" and not check.critical:
            entry["status"] = "warn"
        statuses.append(entry["status"])
        checks[check.name] = [entry]
    if _shutting_down.is_set():
        statuses.append("fail")
        checks["process:shutdown"] = [{"componentType": "system", "status": "fail", "time": _now(), "output": "shutting down"}]
    status = "fail" if "fail" in statuses else "warn" if "warn" in statuses else "pass"
    return {
        "status": status,
        "version": VERSION,
        "serviceId": SERVICE_ID,
        "description": "health of %s" % SERVICE_ID,
        "checks": checks,
    }


def ready_report() -> dict:
    """Runs every check concurrently, each within the timeout; cached briefly so probes stay cheap."""
    with _cache_lock:
        if _cache["report"] is not None and time.monotonic() - float(_cache["at"]) < READY_CACHE_SECONDS and not _shutting_down.is_set():
            return _cache["report"]  # type: ignore[return-value]
    report = _run_checks()
    with _cache_lock:
        _cache.update(at=time.monotonic(), report=report)
    return report


def http_status(report: dict) -> int:
    return 503 if report["status"] == "fail" else 200


def live_body() -> dict:
    return {"status": "pass", "version": VERSION, "serviceId": SERVICE_ID}


def ready_body(report: dict) -> dict:
    """Names each check and its status, without outputs: enough for an operator, nothing for an attacker."""
    return {
        "status": report["status"],
        "serviceId": SERVICE_ID,
        "checks": {name: [{"status": entries[0]["status"]}] for name, entries in report["checks"].items()},
    }


def authorized(authorization: Optional[str], token_header: Optional[str]) -> bool:
    expected = os.environ.get(TOKEN_ENV, "")
    if not expected:
        return False
    given = token_header or ""
    if authorization and authorization[:7].lower() == "bearer ":
        given = authorization[7:].strip()
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


class _TokenBuckets:
    """One bucket per client: RATE tokens a second, bursts up to RATE."""

    def __init__(self, rate: float) -> None:
        self.rate = max(rate, 0.001)
        self.capacity = max(rate, 1.0)
        self.lock = threading.Lock()
        self.buckets: Dict[str, Tuple[float, float]] = {}

    def take(self, client: str) -> float:
        """0 when allowed, else the seconds until a token is available."""
        now = time.monotonic()
        with self.lock:
            if len(self.buckets) > 10000:
                self.buckets.clear()  # bounded memory under a flood of addresses
            tokens, at = self.buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - at) * self.rate)
            if tokens >= 1.0:
                self.buckets[client] = (tokens - 1.0, now)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1.0 - tokens) / self.rate


_buckets = _TokenBuckets(RATE_PER_SECOND)


def rate_limit(client: str) -> Optional[int]:
    """None when allowed, else the Retry-After value in whole seconds."""
    wait = _buckets.take(client or "unknown")
    return None if wait <= 0 else max(1, math.ceil(wait))


def health_body(report: dict, detailed: bool) -> dict:
    return report if detailed else {"status": report["status"]}


def install_shutdown_hook() -> None:
    """Chains SIGTERM/SIGINT so /ready fails while the server drains; servers install
    their own handlers after importing the app, so this runs again from the probes."""
    if threading.current_thread() is not threading.main_thread():
        return
    for sig in (signal.SIGTERM, signal.SIGINT):
        previous = signal.getsignal(sig)
        if getattr(previous, "_health_hook", False):
            continue

        def handler(signum, frame, _previous=previous):
            _shutting_down.set()
            if callable(_previous):
                _previous(signum, frame)
            elif _previous == signal.SIG_DFL:
                signal.signal(signum, signal.SIG_DFL)
                os.kill(os.getpid(), signum)

        handler._health_hook = True  # type: ignore[attr-defined]
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):
            return


install_shutdown_hook()
# --- end of health core -------------------------------------------------------
