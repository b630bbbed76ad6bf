-- How the newest $limit published runs built each build-phase model (audit.model_builds):
-- whole, by the keys of their new versions, or by the periods their new data touched, and why,
-- as a JSON list per run. Params: $limit.
WITH recent AS (
    SELECT run_id FROM audit.runs ORDER BY started_at DESC, run_id DESC LIMIT $limit
)
SELECT
    b.run_id,
    to_json(list({'relation': b.relation, 'mode': b.mode, 'periods': b.periods, 'reason': b.reason} ORDER BY b.relation))::VARCHAR AS builds
FROM audit.model_builds AS b
JOIN recent USING (run_id)
GROUP BY b.run_id
