SERVICE_ID = "{{SERVICE}}"
REQUEST_ID_HEADER = "x-request-id"
_TRACEPARENT = re.compile(r"^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$")
# A request id from outside is kept only when it is short and plain: it ends up in logs and headers.
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


@dataclass(frozen=True)
class TraceContext:
    trace_id: str  # 32 hex digits, shared by every service the request passes through
    span_id: str  # 16 hex digits: this service's span, the parent of the calls it makes
    parent_id: Optional[str]  # the caller's span, when a traceparent came in
    flags: str
    request_id: str

    @property
    def traceparent(self) -> str:
        return "00-%s-%s-%s" % (self.trace_id, self.span_id, self.flags)


_current: ContextVar[Optional[TraceContext]] = ContextVar("trace_context", default=None)


def current() -> Optional[TraceContext]:
    return _current.get()


def _new_span_id() -> str:
    while True:
        span = secrets.token_hex(8)
        if span != "0" * 16:
            return span


def start(traceparent: Optional[str], request_id: Optional[str]) -> TraceContext:
    """The context of one incoming request: the caller's trace (W3C Trace Context) or a new one."""
    trace_id, parent, flags = None, None, "01"
    m = _TRACEPARENT.match((traceparent or "").strip().lower())
    # Version ff and all-zero ids are invalid: such a request starts a new trace.
    if m and m.group(1) != "ff" and m.group(2) != "0" * 32 and m.group(3) != "0" * 16 and (m.group(1) != "00" or not m.group(5)):
        trace_id, parent, flags = m.group(2), m.group(3), m.group(4)
    rid = (request_id or "").strip()
    return TraceContext(
        trace_id=trace_id or secrets.token_hex(16),
        span_id=_new_span_id(),
        parent_id=parent,
        flags=flags,
        request_id=rid if _REQUEST_ID.match(rid) else str(uuid.uuid4()),
    )


def outgoing_headers() -> Dict[str, str]:
    """Headers for one outbound call: the same trace id, a new parent id (a child span), the same request id."""
    ctx = _current.get()
    if ctx is None:
        return {}
    return {"traceparent": "00-%s-%s-%s" % (ctx.trace_id, _new_span_id(), ctx.flags), REQUEST_ID_HEADER: ctx.request_id}


# Every log record carries the ids, so any format may use %(trace_id)s, %(span_id)s and %(request_id)s.
_previous_factory = logging.getLogRecordFactory()


def _record_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record = _previous_factory(*args, **kwargs)
    ctx = _current.get()
    record.trace_id = ctx.trace_id if ctx else "-"
    record.span_id = ctx.span_id if ctx else "-"
    record.request_id = ctx.request_id if ctx else "-"
    return record


if not getattr(_previous_factory, "_fks_tracing", False):
    _record_factory._fks_tracing = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(_record_factory)

# One line per request, with the ids, on stderr unless the application configures this logger.
access_log = logging.getLogger("%s.requests" % SERVICE_ID)
if not access_log.handlers and os.environ.get("FKS_TRACE_LOG", "1") != "0":
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s trace_id=%(trace_id)s span_id=%(span_id)s request_id=%(request_id)s %(message)s"))
    access_log.addHandler(_handler)
    access_log.setLevel(logging.INFO)
    access_log.propagate = False
