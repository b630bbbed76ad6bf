-- What an edition's manifest says of the figures it freezes: how many rows, and the newest
-- as_of among them (the date of the latest snapshot the figures use).
SELECT count(*)::INTEGER AS rows, max(as_of) AS as_of
FROM mart.indicator_values
