-- 预检 (POST /api/validate): what the load-phase models read from the warehouse, copied from the
-- published one (attached read-only as `published`) into the throwaway database, so that a file
-- is checked against the same office snapshots as a refresh would check it. Nothing else.
INSERT INTO core.office_snapshots BY NAME SELECT * FROM published.core.office_snapshots;
INSERT INTO core.offices BY NAME SELECT * FROM published.core.offices;
INSERT INTO core.staff BY NAME SELECT * FROM published.core.staff;
