"""Which partners' results may have changed, decided inside PostgreSQL.

A full recompute of every partner spends most of its time outside the database: turning
hundreds of thousands of rolled-up values into Decimals and scoring them in Python. On
PostgreSQL one statement does the same arithmetic where the data lies — the roll-up of
``prm.metrics.selectors.values_for``, each KPI's formula compiled from the evaluator's
checked syntax tree, targets, scoring rules, weights and the standing band — and compares
each partner's figures with its stored result: score, standing and fingerprint (the
digest of ``compute._Scored``, made from the same text). Only the partners it returns are
computed, in Python.

Python stays the reference. A partner flagged by mistake (a division's last digits, a tie
rounded the other way) is computed and found unchanged; a partner whose figures changed
is flagged because its digest changed. A statement that fails (a formula beyond
PostgreSQL's numeric range) flags every partner.
"""

# ruff: noqa: S608 -- every value is a bound parameter; only fixed fragments, table names
# and integer ids are written into the statement.

from __future__ import annotations

import ast
from collections import defaultdict
from decimal import Decimal

from django.db import DatabaseError, connection, transaction

from prm.core import access
from prm.metrics.models import Metric, Observation, Rollup
from prm.metrics.periods import GRANULARITY, Period
from prm.metrics.selectors import metrics_with_parts
from prm.scorecards import scoring
from prm.scorecards.evaluator import IF_NAME, syntax_tree
from prm.scorecards.models import ScorecardResult, ScoringRule, Target

NONE = "NULL::numeric"
WORK_MEM = "64MB"


def available() -> bool:
    return connection.vendor == "postgresql"


class Params(dict):
    """Named parameters: ``params(value, "cast")`` binds a value and returns its placeholder."""

    def __call__(self, value, cast: str | None = "numeric") -> str:
        name = f"p{len(self)}"
        self[name] = value
        return f"%({name})s::{cast}" if cast else f"%({name})s"


class FormulaSQL:
    """A checked formula as a SQL expression over the columns of its metrics' values;
    ``NULL`` wherever the evaluator gives "no data"."""

    COMPARISONS = {
        ast.Lt: "<",
        ast.LtE: "<=",
        ast.Gt: ">",
        ast.GtE: ">=",
        ast.Eq: "=",
        ast.NotEq: "<>",
    }
    OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}

    def __init__(self, columns: dict[str, str], params: Params) -> None:
        self.columns = columns
        self.params = params

    def compile(self, formula: str) -> str:
        return self.node(syntax_tree(formula).body)

    def node(self, node: ast.AST) -> str:
        return getattr(self, f"_{type(node).__name__}")(node)

    def _Constant(self, node: ast.Constant) -> str:
        value = node.value
        return self.params(str(Decimal(repr(value)) if isinstance(value, float) else value))

    def _Name(self, node: ast.Name) -> str:
        return self.columns.get(node.id, NONE)

    def _UnaryOp(self, node: ast.UnaryOp) -> str:
        operand = self.node(node.operand)
        return f"(-{operand})" if isinstance(node.op, ast.USub) else operand

    def _BinOp(self, node: ast.BinOp) -> str:
        left, right = self.node(node.left), self.node(node.right)
        if isinstance(node.op, ast.Div):
            return f"({left} / NULLIF({right}, 0))"
        return f"({left} {self.OPERATORS[type(node.op)]} {right})"

    def _Compare(self, node: ast.Compare) -> str:
        # Left to right as the evaluator goes: no data until a comparison fails, then 0.
        operands = [self.node(node.left), *(self.node(c) for c in node.comparators)]
        cases = [f"WHEN {operands[0]} IS NULL THEN NULL"]
        for op, left, right in zip(node.ops, operands, operands[1:], strict=False):
            cases.append(f"WHEN {right} IS NULL THEN NULL")
            cases.append(f"WHEN NOT ({left} {self.COMPARISONS[type(op)]} {right}) THEN 0")
        return f"(CASE {' '.join(cases)} ELSE 1 END)::numeric"

    def _Call(self, node: ast.Call) -> str:
        name = node.func.id
        if name == "round":
            places = node.args[1].value if len(node.args) == 2 else 0
            return f"round({self.node(node.args[0])}, {int(places)})"
        args = [self.node(a) for a in node.args]
        if name == IF_NAME:
            test, then, otherwise = args
            return (
                f"(CASE WHEN {test} IS NULL THEN NULL WHEN {test} <> 0 THEN {then} "
                f"ELSE {otherwise} END)"
            )
        if name == "abs":
            return f"abs({args[0]})"
        # LEAST and GREATEST skip NULLs; the evaluator has no data when any is missing.
        missing = " OR ".join(f"{a} IS NULL" for a in args)
        pick = "LEAST" if name == "min" else "GREATEST"
        return f"(CASE WHEN {missing} THEN NULL ELSE {pick}({', '.join(args)}) END)"


def _plain(pk: int, metric: Metric, single: bool) -> str:
    """A metric's value before rounding (``values_for``'s ``plain``) from ``a<pk>``: the
    value itself when each metric has one kind of observation in the period (``single``),
    else the [rank, total, count] of the coarsest kind; the latest value for LAST."""
    chosen = f"a{pk}"
    if metric.rollup == Rollup.LAST or single:
        return chosen
    if metric.rollup == Rollup.SUM:
        return f"{chosen}[2]"
    return f"CASE WHEN {chosen}[3] = 1 THEN {chosen}[2] ELSE {chosen}[2] / {chosen}[3] END"


def _one_kind_each(metric_ids: list[int], period: Period) -> bool:
    """Whether no metric has observations of two kinds in the period (an index probe per
    metric and kind): the usual case, where the roll-up has no kind to choose."""
    table = Observation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT m FROM unnest(%s::int[]) m, unnest(%s::text[]) k, LATERAL ("
            f"SELECT 1 FROM {table} o WHERE o.metric_id = m AND o.period_kind = k "
            "AND o.period_start >= %s AND o.period_start <= %s LIMIT 1) found "
            "GROUP BY m HAVING COUNT(*) > 1",
            [metric_ids, period.finer_or_equal_kinds(), period.start, period.end],
        )
        return cursor.fetchone() is None


def _values(metrics: dict[int, Metric], params: Params, period: Period) -> tuple[list[str], dict]:
    """CTEs ending in ``vals(partner_id, tier_id, v<metric id>…)``: each value rolled up
    and rounded as ``values_for`` does it; and the column of each metric code."""
    if not metrics:
        return ["vals AS (SELECT part.id AS partner_id, part.tier_id FROM part)"], {}
    table = Observation._meta.db_table
    rank = " ".join(f"WHEN '{kind.value}' THEN {g}" for kind, g in GRANULARITY.items())
    start, end = params(period.start, "date"), params(period.end, "date")
    kinds = params(period.finer_or_equal_kinds(), "text[]")
    summed = [pk for pk, m in metrics.items() if m.rollup != Rollup.LAST]
    single = not summed or _one_kind_each(summed, period)
    if single:
        averaged = [pk for pk in summed if metrics[pk].rollup != Rollup.SUM]
        chosen = (
            f"CASE WHEN o.metric_id = ANY({params(averaged, 'int[]')}) "
            "THEN SUM(o.value) / COUNT(*) ELSE SUM(o.value) END"
        )
        group = "o.partner_id, o.metric_id"
    else:
        # Kinds are never mixed: the greatest [rank, total, count] is the coarsest kind's.
        chosen = f"ARRAY[CASE o.period_kind {rank} END, SUM(o.value), COUNT(*)]"
        group = "o.partner_id, o.metric_id, o.period_kind"
    ctes, pivots = [], []
    if summed:
        ctes.append(
            f"""obs AS (
  SELECT o.partner_id, o.metric_id, {chosen} AS chosen
  FROM {table} o
  WHERE o.metric_id = ANY({params(summed, "int[]")}) AND o.period_kind = ANY({kinds})
    AND o.period_start >= {start} AND o.period_start <= {end}
    AND o.partner_id IN (SELECT id FROM part)
  GROUP BY {group}
)"""
        )
        pivots.append(
            "pivot AS (SELECT partner_id, "
            + ", ".join(
                f"MAX(chosen) FILTER (WHERE metric_id = {int(pk)}) AS a{int(pk)}" for pk in summed
            )
            + " FROM obs GROUP BY partner_id)"
        )
    joins = "LEFT JOIN pivot ON pivot.partner_id = part.id" if summed else ""
    last_ids = [pk for pk, m in metrics.items() if m.rollup == Rollup.LAST]
    if last_ids:
        # The latest observation of the coarsest kind there is, as values_for takes it.
        ctes.append(
            f"""latest AS (
  SELECT DISTINCT ON (o.partner_id, o.metric_id) o.partner_id, o.metric_id, o.value
  FROM {table} o
  WHERE o.metric_id = ANY({params(last_ids, "int[]")}) AND o.period_kind = ANY({kinds})
    AND o.period_start >= {start} AND o.period_start <= {end}
    AND o.partner_id IN (SELECT id FROM part)
  ORDER BY o.partner_id, o.metric_id, CASE o.period_kind {rank} END DESC, o.period_start DESC
)"""
        )
        pivots.append(
            "last_pivot AS (SELECT partner_id, "
            + ", ".join(
                f"MAX(value) FILTER (WHERE metric_id = {int(pk)}) AS a{int(pk)}" for pk in last_ids
            )
            + " FROM latest GROUP BY partner_id)"
        )
        joins += " LEFT JOIN last_pivot ON last_pivot.partner_id = part.id"
    ctes += pivots
    columns, selected = {}, []
    for pk, metric in metrics.items():
        value = _plain(pk, metric, single)
        if metric.rollup == Rollup.RATIO and metric.numerator_id and metric.denominator_id:
            top = _plain(metric.numerator_id, metrics[metric.numerator_id], single)
            bottom = _plain(metric.denominator_id, metrics[metric.denominator_id], single)
            value = (
                f"CASE WHEN {top} IS NOT NULL AND {bottom} IS NOT NULL THEN "
                f"{top} / NULLIF({bottom}, 0) * {params(str(metric.multiplier))} ELSE {value} END"
            )
        selected.append(f"round({value}, 4) AS v{pk}")
        columns[metric.code] = f"v{pk}"
    ctes.append(
        f"vals AS (SELECT part.id AS partner_id, part.tier_id, {', '.join(selected)} "
        f"FROM part {joins})"
    )
    return ctes, columns


def _own_targets(lines, params: Params) -> str:
    """A CTE of the partners' own targets: ``own(partner_id, h<i>, t<i>, f<i>…)``, whether
    line ``i`` has one, its target and its floor."""
    columns = []
    for i, line in enumerate(lines):
        kpi = int(line.kpi.pk)
        columns += [
            f"bool_or(kpi_id = {kpi}) AS h{i}",
            f"MAX(target) FILTER (WHERE kpi_id = {kpi}) AS t{i}",
            f"MAX(floor) FILTER (WHERE kpi_id = {kpi}) AS f{i}",
        ]
    kpis = params([line.kpi.pk for line in lines], "int[]")
    return (
        f"own AS (SELECT partner_id, {', '.join(columns)} FROM {Target._meta.db_table} "
        f"WHERE partner_id IS NOT NULL AND kpi_id = ANY({kpis}) GROUP BY partner_id)"
    )


def _target(i: int, kpi, by_tier: dict, params: Params) -> str:
    """Line ``i``'s target, floor and source: the partner's own, else its tier's (``by_tier``:
    {tier id: (target, floor)}, few enough to be written in), else the KPI's."""
    if by_tier:
        tier_ids = params(list(by_tier), "int[]")
        has_tier = f"vals.tier_id = ANY({tier_ids})"

        def of_tier(index: int) -> str:
            cases = " ".join(
                f"WHEN {int(tier)} THEN {params(None if pair[index] is None else str(pair[index]))}"
                for tier, pair in by_tier.items()
            )
            return f"CASE vals.tier_id {cases} END"

        tier_target, tier_floor = of_tier(0), of_tier(1)
    else:
        has_tier, tier_target, tier_floor = "FALSE", NONE, NONE
    target = params(None if kpi.target is None else str(kpi.target))
    floor = params(None if kpi.floor is None else str(kpi.floor))
    default = "'default'" if kpi.target is not None else "'none'"
    return (
        f"CASE WHEN own.h{i} THEN own.t{i} WHEN {has_tier} THEN {tier_target} "
        f"ELSE {target} END AS target{i}, "
        f"CASE WHEN own.h{i} THEN own.f{i} WHEN {has_tier} THEN {tier_floor} "
        f"ELSE {floor} END AS floor{i}, "
        f"CASE WHEN own.h{i} THEN 'partner' WHEN {has_tier} THEN 'tier' "
        f"ELSE {default} END AS source{i}"
    )


def _score(i: int, kpi, params: Params) -> str:
    """Line ``i``'s score as ``prm.scorecards.scoring`` gives it."""
    value, target, floor = f"value{i}", f"target{i}", f"floor{i}"
    if kpi.scoring == ScoringRule.BANDS:
        cases = []
        for band in kpi.bands or []:
            tests = [
                f"{value} {op} {params(str(band[key]))}"
                for key, op in (("min", ">="), ("max", "<"))
                if band.get(key) not in (None, "")
            ]
            score = scoring.cap(Decimal(str(band["score"])))
            cases.append(f"WHEN {' AND '.join(tests) or 'TRUE'} THEN {params(str(score))}")
        return f"(CASE WHEN {value} IS NULL THEN NULL {' '.join(cases)} END)" if cases else NONE
    if kpi.direction == "lower":
        low = f"coalesce({floor}, {target} * 2)"
        reached, line = f"{value} <= {target}", f"({low} - {value}) / ({low} - {target})"
    else:
        low = f"coalesce({floor}, 0)"
        reached, line = f"{value} >= {target}", f"({value} - {low}) / ({target} - {low})"
    return (
        f"(CASE WHEN {value} IS NULL OR {target} IS NULL THEN NULL "
        f"WHEN {low} = {target} THEN CASE WHEN {reached} THEN 100 ELSE 0 END "
        f"ELSE round(LEAST(100, GREATEST(0, {line} * 100)), 2) END)"
    )


def _fixed(expression: str) -> str:
    """A number in the digest's text: 4 decimals, empty for no data (``compute.fixed``)."""
    return f"coalesce(round({expression}, 4)::text, '')"


def statement(template, period: Period, lines, bands, template_digest: str) -> tuple[str, dict]:
    """The statement returning the ids of the partners to compute, and its parameters."""
    from prm.scorecards.compute import applicable, codes_of

    params = Params()
    part_sql, part_params = (
        applicable(template).values("pk", "tier_id").order_by().query.sql_with_params()
    )
    part_sql = part_sql % tuple(params(value, None) for value in part_params)
    value_ctes, columns = _values(metrics_with_parts(codes_of(lines)), params, period)
    formulas = FormulaSQL(columns, params)
    by_tier = defaultdict(dict)
    tier_targets = access.unrestricted(Target).filter(
        kpi__in=[line.kpi.pk for line in lines], partner__isnull=True, tier__isnull=False
    )
    for kpi, tier, target, floor in tier_targets.values_list(
        "kpi_id", "tier_id", "target", "floor"
    ):
        by_tier[kpi][tier] = (target, floor)
    targets, values = [], []
    for i, line in enumerate(lines):
        formula = NONE if line.formula is None else formulas.compile(line.kpi.formula)
        targets.append(f"{formula} AS x{i}, {_target(i, line.kpi, by_tier[line.kpi.pk], params)}")
        values.append(f"CASE WHEN abs(x{i}) >= 1e19 THEN NULL ELSE round(x{i}, 4) END AS value{i}")
    scores = ", ".join(f"{_score(i, line.kpi, params)} AS score{i}" for i, line in enumerate(lines))
    weights = [params(str(line.weight)) for line in lines]
    remaining = " + ".join(
        f"CASE WHEN score{i} IS NULL THEN 0 ELSE {w} END" for i, w in enumerate(weights)
    )
    weighted = " + ".join(f"coalesce(score{i} * {w}, 0)" for i, w in enumerate(weights))
    ctes = [
        f"part(id, tier_id) AS NOT MATERIALIZED ({part_sql})",
        *value_ctes,
        _own_targets(lines, params),
        f"lines AS MATERIALIZED (SELECT vals.*, {', '.join(targets)} "
        "FROM vals LEFT JOIN own ON own.partner_id = vals.partner_id)",
        f"valued AS MATERIALIZED (SELECT lines.*, {', '.join(values)} FROM lines)",
        f"scored AS MATERIALIZED (SELECT valued.*, {scores} FROM valued)",
        f"weighed AS MATERIALIZED (SELECT w.*, round(weighted / remaining, 2) AS total FROM ("
        f"SELECT scored.*, NULLIF({remaining}, 0) AS remaining, {weighted} AS weighted "
        "FROM scored) w)",
    ]
    # The digest's text, in compute._Scored.digest's order. Values are rounded already.
    texts = [params(template_digest, "text")]
    texts += [
        f"coalesce({columns[code]}::text, '')" if code in columns else "''"
        for code in codes_of(lines)
    ]
    for i in range(len(lines)):
        texts += [_fixed(f"target{i}"), _fixed(f"floor{i}"), f"source{i}"]
    standing = "''"
    if bands:
        cases = " ".join(
            f"WHEN total >= {params(str(b.min_score))} AND (total < {params(str(b.max_score))}"
            f"{' OR total = 100' if b.max_score == scoring.HUNDRED else ''}) "
            f"THEN {params(b.standing, 'text')}"
            for b in bands
        )
        standing = f"coalesce(CASE {cases} END, '')"
    results = ScorecardResult._meta.db_table
    stored = (
        f"r.partner_id = w.partner_id AND r.template_id = {params(template.pk, 'int')} "
        f"AND r.period_kind = {params(period.kind, 'text')} "
        f"AND r.period_start = {params(period.start, 'date')}"
    )
    sql = f"""WITH {", ".join(ctes)}
SELECT w.partner_id FROM (
  SELECT partner_id, total, {standing} AS standing,
         md5(concat_ws('|', {", ".join(texts)})) AS digest
  FROM weighed
) w
LEFT JOIN {results} r ON {stored}
WHERE r.id IS NULL OR r.score IS DISTINCT FROM w.total OR r.standing <> w.standing
  OR r.fingerprint <> w.digest
ORDER BY w.partner_id"""
    return sql, params


def changed_partners(
    template, period: Period, lines, bands, template_digest: str
) -> list[int] | None:
    """Ids of the template's partners whose result for ``period`` is missing or differs
    from what the figures give now; ``None`` when the statement fails (then the caller
    computes everyone)."""
    sql, params = statement(template, period, lines, bands, template_digest)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # The grouped observations of every partner, kept in memory rather than spilled
            # to disk, for this statement only.
            cursor.execute(
                "SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [WORK_MEM]
            )
            before = cursor.fetchone()[0]
            cursor.execute(sql, params)
            changed = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT set_config('work_mem', %s, true)", [before])
            return changed
    except DatabaseError:
        return None
