-- Every indicator's office parts in one long table: each office of S with its numerator and
-- denominator for each of the additive indicators (all but reform_index). Units sum these.
-- Grain: (indicator_id, period, office_code).
-- Per year: an incremental run re-inserts only the periods its new data touched.
-- @partition_by period
-- @test unique(indicator_id, period, office_code)
-- @test not_null(indicator_id, period, office_code, numerator, denominator)
-- @test relationships(indicator_id -> mart.indicator_catalog(indicator_id))
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_directors
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_structure
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_staffing
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_training
UNION ALL
SELECT indicator_id, period, office_code, numerator, denominator FROM intermediate.int_parts_cases
