"""Hard limits of the sandbox and the per-evaluation meter that enforces them.

The sandbox never relies on ``sys.settrace`` or a watchdog thread: both cost on every line and
neither can stop C code. Instead work is charged where it can grow without bound:

* loop steps, charged by the iteration guard (``_getiter_``) of every comprehension;
* memory, charged by every operation that builds a value proportional to its inputs
  (``*``, ``+`` on text and lists, slices, f-strings, text helpers, ``sorted``...), which also
  refuses a single value over ``max_length`` *before* allocating it;
* time - the evaluating thread's CPU time, so waiting for other threads does not count -
  checked by the same charges every few steps and at once after a big piece of work in C
  (``sum`` over 100,000 items), so a loop whose body is slow is still stopped close to
  ``time_limit``.

An expression without loops, calls or operators (a plain condition) needs no meter at all and
pays nothing; the evaluator only creates one when the compiled code can charge it.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from time import thread_time

from engine.expressions.errors import LimitExceededError
from engine.expressions.phrases import phrase


@dataclass(frozen=True, slots=True)
class Limits:
    """What one expression may do. The defaults suit conditions and formulas in forms and flows.

    Lengths count characters of text or items of lists, sets and dicts.
    """

    max_source_length: int = 2_000  # characters of expression text
    max_nodes: int = 500  # size of the syntax tree
    max_depth: int = 100  # nesting of brackets and operators (a + b + c ... nests per term)
    max_length: int = 100_000  # one text or list built by the expression
    max_int_bits: int = 10_000  # one whole number (about 3,000 decimal digits)
    max_steps: int = 100_000  # loop steps of all comprehensions in one evaluation
    max_allocation: int = 2_000_000  # characters and items built in one evaluation
    time_limit: float = 0.1  # CPU seconds of one evaluation, checked while it loops or builds
    max_pattern_length: int = 200  # characters of a matches() pattern
    max_match_length: int = 10_000  # characters of the text matches() looks at


DEFAULT_LIMITS = Limits()

#: How many charges pass between two looks at the clock; small enough that a slow loop body
#: (at most ``max_length`` items of work) overruns ``time_limit`` by milliseconds, not seconds.
CLOCK_EVERY = 16
#: Work (items) after which a single charge looks at the clock at once: an aggregate over
#: 100,000 items inside a loop must not wait for 15 more before the time limit is checked.
BIG_WORK = 1_024


class Meter:
    """Work done by one evaluation; created fresh for each one and never shared."""

    __slots__ = ("limits", "steps", "allocated", "ticks", "deadline")

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.steps = 0
        self.allocated = 0
        self.ticks = 0
        self.deadline: float | None = None  # set at the first look at the clock

    def step(self, n: int = 1) -> None:
        """Charge ``n`` loop steps."""
        self.steps += n
        if self.steps > self.limits.max_steps:
            raise LimitExceededError(
                phrase("expression.too_many_steps", limit=self.limits.max_steps),
                hint=phrase("expression.hint.loop_less"),
                params={"limit": self.limits.max_steps},
            )
        self.tick()

    def allocate(self, n: int) -> None:
        """Charge ``n`` characters or items about to be built."""
        self.allocated += n
        if self.allocated > self.limits.max_allocation:
            raise LimitExceededError(
                phrase("expression.too_much_built", limit=self.limits.max_allocation),
                hint=phrase("expression.hint.build_less"),
                params={"limit": self.limits.max_allocation},
            )
        self.tick(n)

    def tick(self, work: int = 1) -> None:
        """Count one charge; look at the clock every few, or now after ``work`` items of C work."""
        self.ticks += 1
        if self.ticks % CLOCK_EVERY == 0 or work >= BIG_WORK:
            self.check_time()

    def check_time(self) -> None:
        """Compare this thread's CPU time with the deadline (starting the clock on first use).

        CPU time of the evaluating thread, not wall-clock time: a server busy with other
        threads makes an expression wait for the interpreter, and waiting is not work. The clock
        starts at the first look, after at most a few charges: reading it is a system call,
        and a short formula should not pay for it.
        """
        now = thread_time()
        if self.deadline is None:
            self.deadline = now + self.limits.time_limit
        elif now > self.deadline:
            raise timeout(self.limits)


def timeout(limits: Limits) -> LimitExceededError:
    return LimitExceededError(
        phrase("expression.too_slow", ms=limits.time_limit * 1000),
        hint=phrase("expression.hint.simplify"),
        params={"limit": limits.time_limit},
    )


def too_long(n: int, limits: Limits) -> LimitExceededError:
    return LimitExceededError(
        phrase("expression.result_too_long", size=n, limit=limits.max_length),
        hint=phrase("expression.hint.smaller_value"),
        params={"size": n, "limit": limits.max_length},
    )


def too_big(limits: Limits) -> LimitExceededError:
    return LimitExceededError(
        phrase("expression.number_too_big", limit=limits.max_int_bits),
        hint=phrase("expression.hint.smaller_numbers"),
        params={"limit": limits.max_int_bits},
    )


#: The meter of the evaluation running in this thread (or task), if any.
METER: ContextVar[Meter | None] = ContextVar("trellis_expression_meter", default=None)


def current_meter() -> Meter:
    """The running evaluation's meter; fails closed when there is none.

    Without a meter, code is running outside ``Expression.evaluate`` - typically a generator
    the expression returned and the caller iterates later. Refusing keeps every step metered.
    """
    meter = METER.get()
    if meter is None:
        raise LimitExceededError(phrase("expression.outside_evaluation"), hint=phrase("expression.hint.wrap_generator"))
    return meter


def charge(n: int) -> None:
    """Charge a value of ``n`` characters or items that is about to be built.

    Refuses it outright when it alone is over ``max_length``. Helpers also call this when used
    from plain Python (no evaluation running); then only the size check applies.
    """
    meter = METER.get()
    limits = meter.limits if meter is not None else DEFAULT_LIMITS
    if n > limits.max_length:
        raise too_long(n, limits)
    if meter is not None:
        meter.allocate(n)


def worked(n: int) -> None:
    """Record ``n`` items of work done in C (``sum`` over a list, say) that builds nothing."""
    meter = METER.get()
    if meter is not None:
        meter.tick(n)


def active_limits() -> Limits:
    meter = METER.get()
    return meter.limits if meter is not None else DEFAULT_LIMITS
