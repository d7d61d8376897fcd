SERVICE_ID = "{{SERVICE}}"

# Downstream service -> environment variable holding its base URL (from compose, k8s or fks.yaml).
DOWNSTREAMS: Dict[str, str] = {
{{DOWNSTREAMS}}
}


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


# Deadline of one call, retries included: whoever waits on this service never waits longer.
CALL_TIMEOUT = _env_number("FKS_HTTP_TIMEOUT", {{TIMEOUT}})
CONNECT_TIMEOUT = min(CALL_TIMEOUT, _env_number("FKS_HTTP_CONNECT_TIMEOUT", {{CONNECT_TIMEOUT}}))
RETRY_ATTEMPTS = int(_env_number("FKS_HTTP_RETRIES", {{RETRIES}})) + 1
# Consecutive failures that open a downstream's breaker, and how long it stays open before one trial call.
BREAKER_THRESHOLD = int(_env_number("FKS_BREAKER_THRESHOLD", {{BREAKER_THRESHOLD}}))
BREAKER_RESET_SECONDS = _env_number("FKS_BREAKER_RESET", {{BREAKER_RESET}})
MAX_CONNECTIONS = int(_env_number("FKS_HTTP_MAX_CONNECTIONS", 100))
# Only these are retried: repeating a POST or PATCH may do the work twice.
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
# Answers that mean "not now" rather than "no": retried, and counted by the breaker.
UNAVAILABLE_STATUSES = frozenset({502, 503, 504})

log = logging.getLogger(__name__)


class DownstreamUnavailable(httpx.HTTPError):
    """A downstream service did not answer usefully: breaker open, deadline passed, connection failed or 502/503/504.

    An httpx.HTTPError, so a call site rewired by fks still catches it where it caught the library's errors."""

    def __init__(self, service: str, reason: str, retry_after: Optional[float] = None) -> None:
        super().__init__("%s unavailable: %s" % (service, reason))
        self.service = service
        self.reason = reason
        self.retry_after = retry_after


class _Unavailable(Exception):
    """A 502/503/504 answer, raised inside the breaker so it counts as a failure."""

    def __init__(self, response: Any) -> None:
        super().__init__("HTTP %d" % response.status_code)
        self.response = response


# Fallbacks per downstream: called instead of raising DownstreamUnavailable.
_fallbacks: Dict[str, Callable[..., Any]] = {}


def fallback(service: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Registers fn(method, path, error) whose result a failed call to `service` returns instead of raising.

    @fallback("data")
    def stale_quotes(method, path, error):
        return cached_response_for(path)
    """

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        _fallbacks[service] = fn
        return fn

    return register


# Breaker state per downstream, for /ready and the logs: closed, open or half-open.
_states: Dict[str, str] = {name: "closed" for name in DOWNSTREAMS}


def breaker_states() -> Dict[str, str]:
    return dict(_states)


def _set_state(service: str, state: str) -> None:
    if _states.get(service) != state:
        _states[service] = state
        log.warning("circuit breaker for %s is %s", service, state)


def base_url(service: str) -> str:
    env = DOWNSTREAMS.get(service)
    if env is None:
        raise KeyError("unknown downstream %r: add it to DOWNSTREAMS in %s" % (service, __name__))
    url = os.environ.get(env, "")
    if not url:
        raise DownstreamUnavailable(service, "%s is not set" % env)
    return url.rstrip("/")


def _call_seconds(kwargs: Dict[str, Any]) -> float:
    """The call's deadline: CALL_TIMEOUT, or less when the caller passes timeout= (a number, a
    (connect, read) pair or an httpx.Timeout), as calls rewired from httpx or requests keep theirs."""
    t = kwargs.pop("timeout", None)
    if isinstance(t, tuple):
        t = sum(x for x in t if isinstance(x, (int, float))) or None
    elif t is not None and not isinstance(t, (int, float)):
        t = getattr(t, "read", None)
    return min(CALL_TIMEOUT, float(t)) if isinstance(t, (int, float)) and t > 0 else CALL_TIMEOUT


def _retry_hook(deadline: float, retryable: Callable[[Exception], bool]) -> Callable[[Exception], Any]:
    """stamina's backoff hook for one call: exponential backoff with jitter (50 ms, 100 ms, ...
    at most 1 s), and no retry whose wait would end past the call's deadline."""
    tries = [0]

    def on(exc: Exception) -> Any:
        if not retryable(exc):
            return False
        tries[0] += 1
        wait = min(1.0, 0.05 * 2 ** (tries[0] - 1)) * random.uniform(0.5, 1.0)
        return wait if time.monotonic() + wait < deadline - 0.01 else False

    return on


_trace_headers: Optional[Callable[[], Dict[str, str]]] = None


def _sibling(name: str) -> Any:
    """A module next to this one, or None: the parts fks scaffolds separately find each other."""
    try:
        return importlib.import_module("%s.%s" % (__package__, name) if __package__ else name)
    except ImportError:
        return None


def outgoing_headers() -> Dict[str, str]:
    """traceparent (same trace id, a new parent id) and X-Request-ID for one outbound attempt."""
    global _trace_headers
    if _trace_headers is None:
        tracing = _sibling("{{TRACING_MODULE}}")
        _trace_headers = getattr(tracing, "outgoing_headers", None) or dict
    return _trace_headers()


def _register_ready_checks() -> None:
    """Adds one non-critical check per breaker to the /ready of `fks scaffold health`, when the service has it:
    an open breaker makes /ready warn (200), never fail, so callers of this service stay in rotation."""
    for name in ("health", "fks_health"):
        health = _sibling(name)
        if health is None or not hasattr(health, "CHECKS") or not hasattr(health, "Check"):
            continue
        for service in DOWNSTREAMS:
            check = "%s:circuitBreaker" % service
            if any(c.name == check for c in health.CHECKS):
                continue

            def run(_service: str = service) -> None:
                state = _states.get(_service, "closed")
                if state != "closed":
                    raise RuntimeError("circuit %s" % state)

            health.CHECKS.append(health.Check(check, "component", critical=False, run=run))
        return


_register_ready_checks()
