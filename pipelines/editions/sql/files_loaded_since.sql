-- The export files a warehouse loaded in runs after $since_run (run ids sort by time), each
-- once, in the order they were loaded: the cause of a revision of an edition taken at $since_run.
SELECT file_name
FROM audit.files
WHERE status = 'loaded' AND run_id > $since_run
GROUP BY file_name
ORDER BY min(run_id), min(coalesce(load_seq, 0)), file_name
