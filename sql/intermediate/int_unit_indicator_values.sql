-- Every additive indicator (all but reform_index) for every unit of every year: the office
-- parts summed over the unit's offices (int_unit_offices); a unit whose denominator is 0 has no
-- row. mart.indicator_values adds targets and reform_index to these rows.
-- Grain: (indicator_id, period, grain, unit_code).
-- Per (year, indicator), as its office parts: a night of case and training files recomputes 3 of
-- the 15 indicators of the years it touched, not every unit's every indicator.
-- @partition_by period, indicator_id
-- @test unique(indicator_id, period, grain, unit_code)
-- @test not_null(indicator_id, period, grain, unit_code, unit_name, numerator, denominator, as_of)
-- @test expect(denominator > 0)
SELECT
    parts.indicator_id,
    unit.period,
    unit.grain,
    unit.unit_code,
    any_value(unit.unit_name) AS unit_name,
    sum(parts.numerator) AS numerator,
    sum(parts.denominator) AS denominator,
    any_value(unit.as_of) AS as_of
FROM intermediate.int_unit_offices AS unit
JOIN intermediate.int_office_indicator_parts AS parts
    ON parts.period = unit.period AND parts.office_code = unit.office_code
-- only narrows early: the runner keeps the partitions it rebuilds
WHERE in_build_indicators(parts.period, parts.indicator_id)
GROUP BY parts.indicator_id, unit.period, unit.grain, unit.unit_code
HAVING sum(parts.denominator) > 0
