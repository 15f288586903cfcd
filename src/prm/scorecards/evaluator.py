"""KPI formulas: data, never code.

A formula is parsed with Python's ``ast`` in "eval" mode and then checked against a strict
whitelist: numbers, metric codes (``on_time_lines``), ``+ - * /`` (also the multiplication, division
and minus signs), unary minus/plus, comparisons, and the functions ``min``, ``max``, ``abs``,
``round`` and ``if(condition, then, else)``. Anything else — unknown names, attributes,
subscripts, other calls, strings, lambdas, comprehensions, ``**`` — is refused with a
:class:`FormulaError` that names the position in the text the user typed.

The checked tree is compiled into closures that compute in ``Decimal``. A missing input,
a division by zero or an overflow gives ``None`` ("no data"): never a crash, never 0.
"""

from __future__ import annotations

import ast
import decimal
import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_ROUND_DIGITS = 10
NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
FUNCTIONS = ("min", "max", "abs", "round", "if")

# ``if`` is a Python keyword: ``if(`` becomes ``_f(``, a name of the same length (metric
# codes start with a letter, so it cannot clash) and every position stays where it was.
_IF = re.compile(r"(?<![A-Za-z0-9_])if(?=\s*\()")
_IF_NAME = "_f"
IF_NAME = _IF_NAME  # for compilers of the syntax tree
# One character each way, so positions are kept as well.
_SYMBOLS = str.maketrans({"\u00d7": "*", "\u00f7": "/", "\u2212": "-"})

_CONTEXT = decimal.Context(
    prec=28,
    Emax=10**6,
    Emin=-(10**6),
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow],
)

Values = Mapping[str, Decimal | None]
Node = Callable[[Values], Decimal | None]


class FormulaError(ValueError):
    """A formula that is refused: ``message`` (translated) and ``position`` (0-based index
    of the character in the text the user typed)."""

    def __init__(self, message, position: int = 0) -> None:
        super().__init__(str(message))
        self.message = message
        self.position = max(0, position)

    def __str__(self) -> str:
        return str(
            _("%(message)s (at character %(position)s)")
            % {"message": self.message, "position": self.position + 1}
        )


@dataclass(frozen=True)
class Formula:
    """A checked formula: the metric codes it reads, and how to compute it."""

    text: str
    names: frozenset[str]
    _run: Node

    def evaluate(self, values: Values) -> Decimal | None:
        try:
            with decimal.localcontext(_CONTEXT):
                result = self._run(values)
                return None if result is None else +result
        except (ArithmeticError, ValueError, OverflowError):
            return None


def _offset(source: str, text: str, col: int | None, in_bytes: bool) -> int:
    """The 0-based index in ``text`` (what the user typed) of column ``col`` of
    ``source`` (the one-line, parenthesised text that was parsed)."""
    col = col or 0
    if in_bytes:
        col = len(source.encode()[:col].decode(errors="ignore"))
    return min(max(col - 1, 0), len(text))


class _Compiler:
    def __init__(self, source: str, text: str, known: set[str] | frozenset[str] | None) -> None:
        self.source = source
        self.text = text
        self.known = known
        self.names: set[str] = set()

    def error(self, message, node: ast.AST | None) -> FormulaError:
        if node is None or not hasattr(node, "lineno"):
            return FormulaError(message, 0)
        return FormulaError(message, self.position(node))

    def position(self, node: ast.AST) -> int:
        return _offset(self.source, self.text, node.col_offset, in_bytes=True)

    def compile(self, node: ast.AST, depth: int = 0) -> Node:
        if depth > MAX_DEPTH:
            raise self.error(
                _("The formula is nested too deeply (at most %(depth)s levels).")
                % {"depth": MAX_DEPTH},
                node,
            )
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise self.error(self._refusal(node), node)
        return method(node, depth + 1)

    def _refusal(self, node: ast.AST):
        if isinstance(node, ast.Attribute):
            return _("Attribute access (a dot after a name) is not allowed.")
        if isinstance(node, ast.Subscript):
            return _("Subscripts ([…]) are not allowed.")
        if isinstance(node, ast.Lambda):
            return _("Lambdas are not allowed.")
        if isinstance(node, ast.ListComp | ast.SetComp | ast.DictComp | ast.GeneratorExp):
            return _("Comprehensions are not allowed.")
        if isinstance(node, ast.BoolOp | ast.IfExp):
            return _("Use if(condition, then, else) and comparisons instead.")
        return _(
            "This is not allowed in a formula; use numbers, metrics, + - * /, "
            "comparisons, min, max, abs, round and if(condition, then, else)."
        )

    # Leaves -------------------------------------------------------------------------

    def _Constant(self, node: ast.Constant, depth: int) -> Node:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            if isinstance(value, str):
                raise self.error(_("Text is not allowed in a formula."), node)
            raise self.error(_("Only plain numbers are allowed."), node)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite() or abs(number.adjusted()) > 100:
            raise self.error(_("This number is out of range."), node)
        return lambda values: number

    def _Name(self, node: ast.Name, depth: int) -> Node:
        name = node.id
        if name == _IF_NAME or name in FUNCTIONS:
            raise self.error(
                _("%(name)s is a function; call it with parentheses.")
                % {"name": "if" if name == _IF_NAME else name},
                node,
            )
        if not NAME.match(name) or (self.known is not None and name not in self.known):
            raise self.error(_("Unknown metric %(name)s.") % {"name": name}, node)
        self.names.add(name)
        return lambda values: values.get(name)

    # Operators ----------------------------------------------------------------------

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Node:
        operand = self.compile(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return lambda values: _neg(operand(values))
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.error(self._refusal(node), node)

    def _BinOp(self, node: ast.BinOp, depth: int) -> Node:
        op = node.op
        if isinstance(op, ast.Pow):
            raise self.error(_("Powers (**) are not allowed."), node)
        function = {
            ast.Add: _add,
            ast.Sub: _sub,
            ast.Mult: _mul,
            ast.Div: _div,
        }.get(type(op))
        if function is None:
            raise self.error(_("Only + - * / are allowed as operators."), node)
        left = self.compile(node.left, depth)
        right = self.compile(node.right, depth)
        return lambda values: function(left(values), right(values))

    def _Compare(self, node: ast.Compare, depth: int) -> Node:
        checks = {
            ast.Lt: lambda a, b: a < b,
            ast.LtE: lambda a, b: a <= b,
            ast.Gt: lambda a, b: a > b,
            ast.GtE: lambda a, b: a >= b,
            ast.Eq: lambda a, b: a == b,
            ast.NotEq: lambda a, b: a != b,
        }
        ops = []
        for op in node.ops:
            check = checks.get(type(op))
            if check is None:
                raise self.error(_("Only < <= > >= == != are allowed as comparisons."), node)
            ops.append(check)
        operands = [self.compile(node.left, depth)] + [
            self.compile(c, depth) for c in node.comparators
        ]

        def compare(values: Values) -> Decimal | None:
            current = operands[0](values)
            if current is None:
                return None
            for check, operand in zip(ops, operands[1:], strict=True):
                following = operand(values)
                if following is None:
                    return None
                if not check(current, following):
                    return Decimal(0)
                current = following
            return Decimal(1)

        return compare

    def _Expression(self, node: ast.Expression, depth: int) -> Node:
        return self.compile(node.body, depth)

    # Functions ----------------------------------------------------------------------

    def _Call(self, node: ast.Call, depth: int) -> Node:
        if not isinstance(node.func, ast.Name) or node.func.id not in (*FUNCTIONS, _IF_NAME):
            if isinstance(node.func, ast.Name):
                raise self.error(
                    _("Unknown function %(name)s; use min, max, abs, round or if.")
                    % {"name": node.func.id},
                    node,
                )
            raise self.error(self._refusal(node.func), node.func)
        if node.func.id == _IF_NAME:
            where = self.position(node)
            if self.text[where : where + 2] != "if":
                raise self.error(_("Unknown metric %(name)s.") % {"name": _IF_NAME}, node)
        name = "if" if node.func.id == _IF_NAME else node.func.id
        if node.keywords or any(isinstance(a, ast.Starred) for a in node.args):
            raise self.error(_("%(name)s takes plain arguments only.") % {"name": name}, node)
        args = node.args
        arity = {"abs": (1, 1), "round": (1, 2), "if": (3, 3), "min": (1, 50), "max": (1, 50)}
        low, high = arity[name]
        if not low <= len(args) <= high:
            raise self.error(
                _("%(name)s takes %(low)s to %(high)s arguments.")
                % {"name": name, "low": low, "high": high}
                if low != high
                else _("%(name)s takes %(count)s argument(s).") % {"name": name, "count": low},
                node,
            )
        if name == "round" and len(args) == 2:
            digits = args[1]
            if not (
                isinstance(digits, ast.Constant)
                and type(digits.value) is int
                and 0 <= digits.value <= MAX_ROUND_DIGITS
            ):
                raise self.error(
                    _("round's second argument is a whole number from 0 to %(max)s.")
                    % {"max": MAX_ROUND_DIGITS},
                    digits,
                )
            places = digits.value
            operand = self.compile(args[0], depth)
            return lambda values: _round(operand(values), places)
        compiled = [self.compile(a, depth) for a in args]
        if name == "abs":
            (operand,) = compiled
            return lambda values: _abs(operand(values))
        if name == "round":
            (operand,) = compiled
            return lambda values: _round(operand(values), 0)
        if name == "if":
            condition, then, otherwise = compiled

            def choose(values: Values) -> Decimal | None:
                test = condition(values)
                if test is None:
                    return None
                return then(values) if test != 0 else otherwise(values)

            return choose
        pick = min if name == "min" else max

        def extreme(values: Values) -> Decimal | None:
            found = [c(values) for c in compiled]
            if any(v is None for v in found):
                return None
            return pick(found)

        return extreme


def _neg(a):
    return None if a is None else -a


def _abs(a):
    return None if a is None else abs(a)


def _round(a, places: int):
    if a is None:
        return None
    return a.quantize(Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP)


def _add(a, b):
    return None if a is None or b is None else a + b


def _sub(a, b):
    return None if a is None or b is None else a - b


def _mul(a, b):
    return None if a is None or b is None else a * b


def _div(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def _prepare(text: str) -> str:
    if not isinstance(text, str):
        raise FormulaError(_("The formula must be text."), 0)
    if len(text) > MAX_LENGTH:
        raise FormulaError(
            _("The formula is too long (at most %(max)s characters).") % {"max": MAX_LENGTH},
            MAX_LENGTH,
        )
    if not text.strip():
        raise FormulaError(_("The formula is empty."), 0)
    if "\x00" in text:
        raise FormulaError(_("The formula contains a null character."), text.index("\x00"))
    depth = deepest = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > MAX_DEPTH:
                raise FormulaError(
                    _("The formula is nested too deeply (at most %(depth)s levels).")
                    % {"depth": MAX_DEPTH},
                    index,
                )
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    # One line in parentheses: line breaks and leading blanks are then just blanks, and
    # every position is one more than in what the user typed.
    text = re.sub(r"\s", " ", text.translate(_SYMBOLS))
    return f"({_IF.sub(_IF_NAME, text)})"


def parse(formula: str, known: set[str] | frozenset[str] | None = None) -> Formula:
    """Check ``formula``; ``known`` is the set of metric codes that exist (``None`` accepts
    any well-formed code, which then reads as "no data" when it has no value).

    Raises :class:`FormulaError` with the position of the first problem.
    """
    source = _prepare(formula)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        position = _offset(source, formula, (exc.offset or 1) - 1, in_bytes=False)
        raise FormulaError(_("The formula is not well formed."), position) from None
    except (ValueError, RecursionError, MemoryError):
        raise FormulaError(_("The formula is not well formed."), 0) from None
    compiler = _Compiler(source, formula, None if known is None else frozenset(known))
    try:
        run = compiler.compile(tree)
    except RecursionError:
        raise FormulaError(
            _("The formula is nested too deeply (at most %(depth)s levels).")
            % {"depth": MAX_DEPTH},
            0,
        ) from None
    return Formula(text=formula, names=frozenset(compiler.names), _run=run)


def syntax_tree(formula: str) -> ast.Expression:
    """The checked syntax tree of ``formula`` (refused as :func:`parse` refuses it), for
    the compiler to SQL (``prm.scorecards.sql``). ``if(`` appears as a call of ``IF_NAME``."""
    parse(formula)
    return ast.parse(_prepare(formula), mode="eval")


@functools.lru_cache(maxsize=512)
def _cached(formula: str) -> Formula:
    return parse(formula, None)


def evaluate(formula: str, values: Values) -> Decimal | None:
    """The value of ``formula`` over ``values`` (metric code → Decimal), or ``None`` when
    an input is missing, a division is by zero or the formula is refused."""
    try:
        compiled = _cached(formula)
    except FormulaError:
        return None
    return compiled.evaluate(values)
