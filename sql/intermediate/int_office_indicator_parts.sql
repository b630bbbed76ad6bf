-- Every indicator's office parts in one long table: each office of S with its numerator and
-- denominator for each of the additive indicators (all but reform_index). Units sum these.
-- Grain: (indicator_id, period, office_code).
-- Per (year, indicator): an incremental run re-inserts the indicators of the parts models it
-- rebuilt, in the years its new data touched (a night of case and training files: 3 of 15), and
-- whole the years a snapshot touched.
-- @partition_by period, indicator_id
-- @test unique(indicator_id, period, office_code)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test relationships(indicator_id -> mart.indicator_catalog(indicator_id))
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_directors
-- in_build_indicators() only narrows early: the runner keeps the partitions it rebuilds
WHERE in_build_indicators(period, indicator_id)
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_structure
WHERE in_build_indicators(period, indicator_id)
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_staffing
WHERE in_build_indicators(period, indicator_id)
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_training
WHERE in_build_indicators(period, indicator_id)
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_cases
WHERE in_build_indicators(period, indicator_id)
