-- Staff rows of each year's snapshot S that are active on S's date d (start_date ≤ d and no
-- end_date or end_date ≥ d), at the office of their row in S. in_training_denominator marks
-- those whose start_date is on or before 1 January of the year (the training denominator).
-- plan_posts lists the plan's six posts the person holds.
-- Grain: (period, person_key).
-- @test unique(period, person_key)
-- @test not_null(period, person_key, office_code, role, start_date, in_training_denominator)
-- @test relationships(period, office_code -> intermediate.int_year_offices(period, office_code))
SELECT
    y.period,
    y.as_of,
    s.person_key,
    s.office_code,
    s.role,
    s.staffing_type,
    s.posts,
    -- the plan's posts held, each once; brackets and spaces are evened out so 社区矫正（安置帮教）岗
    -- matches however it was written (other items count for nothing)
    list_distinct(list_filter(
        list_transform(coalesce(s.posts, []), p -> regexp_replace(replace(replace(p, '（', '('), '）', ')'), '\s', '', 'g')),
        p -> list_contains(plan.posts, p)
    )) AS plan_posts,
    s.legal_background,
    s.legal_qualification,
    s.enforcement_certificate,
    s.public_lawyer,
    s.start_date,
    s.end_date,
    s.start_date <= y.year_start AS in_training_denominator,
    s.file_name,
    s.sheet,
    s.row_number
FROM intermediate.int_years AS y
JOIN core.staff AS s ON s.snapshot_date = y.as_of
JOIN core.offices AS o ON o.snapshot_date = s.snapshot_date AND o.office_code = s.office_code
CROSS JOIN (SELECT list(item) AS posts FROM mart.plan_categories WHERE kind = 'post') AS plan
WHERE s.start_date <= y.as_of
  AND (s.end_date IS NULL OR s.end_date >= y.as_of)
