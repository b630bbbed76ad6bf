-- The duplicate_key rule of exports.md, one definition for the four staging models: among the
-- rows of one file with the same key that pass every other rule, the last one loads and the
-- ones before it are rejected as duplicate_key. A key is compared cleaned and upper-cased.
-- (Macro files run in name order: this one uses cleaned_cells of text.sql and problem and
-- duplicate_message of messages.sql.)
--
-- key_hash(file_id, key): the (file, key) pair as one hash (of a key cleaned by cleaned_cells).
CREATE OR REPLACE TEMP MACRO key_hash(file_id, key_text) AS
    hash(file_id, upper(key_text));

-- repeated_keys(landing, key_column): the key_hash of every key written more than once in its
-- file (rare): only their rows need the judgement, by window; the others go straight through.
-- Compared by hash: a collision only sends a few more rows through the (exact) judgement.
-- Found by sorting the hashes and comparing neighbours: a GROUP BY of a million rows that are
-- nearly all distinct fills a hash table with them (province cases: 0.65 -> 0.35 s CPU).
CREATE OR REPLACE TEMP MACRO repeated_keys(landing, key_column) AS TABLE
    SELECT DISTINCT key_hash
    FROM (
        SELECT key_hash, lag(key_hash) OVER (ORDER BY key_hash) AS previous
        -- the key cleaned as cleaned_cells cleans it; written out for the one column, since the
        -- optimizer does not prune the other columns out of cleaned_cells' union
        FROM (
            SELECT key_hash(file_id, nullif(COLUMNS(c -> c = key_column), '')) AS key_hash FROM query_table(landing) WHERE cells_clean
            UNION ALL
            SELECT key_hash(file_id, clean_text(COLUMNS(c -> c = key_column))) FROM query_table(landing) WHERE cells_clean IS NOT TRUE
        )
    )
    WHERE key_hash = previous;

-- (COLUMNS(c -> c = key_column) names exactly that column: a plain string would be a regex and
-- also match office_code_text.)
-- judged_for_duplicates(checked, key_column): the model's rows (`checked`: its rows with their
-- first other `problem` and `repeated_key`) with loaded_row, the last row of their key in the
-- file that has no other problem (NULL for keys written once).
CREATE OR REPLACE TEMP MACRO judged_for_duplicates(checked, key_column) AS TABLE
    SELECT *, NULL::INTEGER AS loaded_row
    FROM query_table(checked)
    WHERE NOT repeated_key
    UNION ALL
    SELECT *, max(row_number) FILTER (WHERE problem IS NULL) OVER (PARTITION BY file_id, COLUMNS(c -> c = key_column)) AS loaded_row
    FROM query_table(checked)
    WHERE repeated_key;

-- duplicate_verdict(other_problem, row_number, loaded_row, column_name, header, shown_key): the
-- row's other problem, else duplicate_key when a later row of its key loads (key shown as given).
CREATE OR REPLACE TEMP MACRO duplicate_verdict(other_problem, row_number, loaded_row, column_name, header, shown_key) AS
    coalesce(other_problem, CASE WHEN row_number < loaded_row THEN
        problem('duplicate_key', column_name, duplicate_message(header, shown_key, loaded_row))
    END);
