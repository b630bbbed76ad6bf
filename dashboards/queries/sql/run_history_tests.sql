-- The data tests of the newest $limit published runs: one row per run with the counts, and the
-- tests that did not pass as a JSON list (a run has hundreds that pass). Params: $limit.
WITH recent AS (
    SELECT run_id FROM audit.runs ORDER BY started_at DESC, run_id DESC LIMIT $limit
)
SELECT
    t.run_id,
    count(*)::BIGINT AS total,
    count(*) FILTER (WHERE t.status = 'pass')::BIGINT AS passed,
    count(*) FILTER (WHERE t.status <> 'pass' AND t.severity = 'error')::BIGINT AS failed_error,
    count(*) FILTER (WHERE t.status <> 'pass' AND t.severity = 'warn')::BIGINT AS failed_warn,
    coalesce(
        to_json(list({'name': t.name, 'subject': t.subject, 'severity': t.severity, 'status': t.status,
                      'failures': t.failures, 'message': t.message} ORDER BY t.severity, t.name)
                FILTER (WHERE t.status <> 'pass')),
        '[]'::JSON
    )::VARCHAR AS not_passed
FROM audit.data_test_results AS t
JOIN recent USING (run_id)
GROUP BY t.run_id
