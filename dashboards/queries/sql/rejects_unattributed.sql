-- How many rejected rows name no county (`unattributed`), by status: county users see only this
-- count of them (interfaces.md). No params.
SELECT status, count(*)::BIGINT AS rows
FROM audit.rejects
WHERE county_code IS NULL
GROUP BY status
