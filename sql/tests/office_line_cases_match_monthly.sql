-- intermediate.int_office_line_cases, built night after night by its change (@delta), still
-- counts what mart.cases_monthly counts (itself checked against core.cases every night): for
-- each year, office of the year's S and business line, the active cases (received, not
-- withdrawn), the 人民调解 cases closed and their successes. The two are computed apart from
-- core.cases; a difference means a change was missed: the nightly run rebuilds every model
-- whole and tests again.
-- @severity error
-- @on_fail rebuild
WITH lines AS (
    SELECT l.period, l.office_code, l.business_line, l.active, l.mediation_closed, l.mediation_success
    FROM intermediate.int_office_line_cases AS l
    SEMI JOIN intermediate.int_year_offices AS o ON o.period = l.period AND o.office_code = l.office_code
),
monthly AS (
    SELECT
        period, office_code, business_line,
        sum(received - withdrawn) AS active,
        sum(mediation_closed) AS mediation_closed,
        sum(mediation_success) AS mediation_success
    FROM mart.cases_monthly
    GROUP BY ALL
    HAVING sum(received - withdrawn) <> 0 OR sum(mediation_closed) <> 0 OR sum(mediation_success) <> 0
)
SELECT
    coalesce(l.period, m.period) AS period,
    coalesce(l.office_code, m.office_code) AS office_code,
    coalesce(l.business_line, m.business_line) AS business_line,
    l.active AS lines_active, m.active AS monthly_active,
    l.mediation_closed AS lines_mediation_closed, m.mediation_closed AS monthly_mediation_closed,
    l.mediation_success AS lines_mediation_success, m.mediation_success AS monthly_mediation_success
FROM lines AS l
FULL JOIN monthly AS m ON m.period = l.period AND m.office_code = l.office_code AND m.business_line = l.business_line
WHERE l.active IS DISTINCT FROM m.active
   OR l.mediation_closed IS DISTINCT FROM m.mediation_closed
   OR l.mediation_success IS DISTINCT FROM m.mediation_success
