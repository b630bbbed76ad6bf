-- 身份证号 (resident ID numbers): GB 11643 validation and masking. ID numbers are compared and
-- hashed in their normalised form: clean_text, then upper case (a lower-case x is an X).

-- valid_id_number(id): 18 characters, 17 digits and a check character, the check character the
-- one GB 11643 gives: weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, sum mod 11 indexes '10X98765432'.
-- `id` must already be normalised (upper case). NULL never is valid.
CREATE OR REPLACE TEMP MACRO valid_id_number(id) AS coalesce(
    regexp_full_match(id, '[0-9]{17}[0-9X]')
    AND substr('10X98765432', ((
          (ascii(substr(id, 1, 1)) - 48) * 7 + (ascii(substr(id, 2, 1)) - 48) * 9
        + (ascii(substr(id, 3, 1)) - 48) * 10 + (ascii(substr(id, 4, 1)) - 48) * 5
        + (ascii(substr(id, 5, 1)) - 48) * 8 + (ascii(substr(id, 6, 1)) - 48) * 4
        + (ascii(substr(id, 7, 1)) - 48) * 2 + (ascii(substr(id, 8, 1)) - 48) * 1
        + (ascii(substr(id, 9, 1)) - 48) * 6 + (ascii(substr(id, 10, 1)) - 48) * 3
        + (ascii(substr(id, 11, 1)) - 48) * 7 + (ascii(substr(id, 12, 1)) - 48) * 9
        + (ascii(substr(id, 13, 1)) - 48) * 10 + (ascii(substr(id, 14, 1)) - 48) * 5
        + (ascii(substr(id, 15, 1)) - 48) * 8 + (ascii(substr(id, 16, 1)) - 48) * 4
        + (ascii(substr(id, 17, 1)) - 48) * 2
    ) % 11) + 1, 1) = substr(id, 18, 1),
    false);

-- mask_id(id): the first 6 and the last 4 characters kept, the others '*'
-- (330102199001011234 → 330102********1234). A value of 10 characters or fewer would show
-- whole, so it is masked whole.
CREATE OR REPLACE TEMP MACRO mask_id(id) AS CASE
    WHEN length(id) > 10 THEN left(id, 6) || repeat('*', length(id) - 10) || right(id, 4)
    ELSE repeat('*', length(id))
END;

-- id_number_pattern(): what counts as an ID number inside free text: 15 or more digits, or 14 or
-- more digits and a final X, each pair of neighbours optionally parted by up to three spaces or
-- '-' (3311 0219 8705 0862 57, 331102-19870508-6257), anywhere: letters or digits may stand
-- right before or after it (ID33112619940718812X), and a cell may hold several
-- (331102198705086257,33112619940718812X). A longer run is masked whole: more masking never
-- shows more. The same pattern is pipelines/pii/id-mask.ts's ID_NUMBER_PATTERN (the TS side
-- masks logs, journals, alerts and file messages); test/harden/id-mask.test.ts holds both to
-- the same cases.
CREATE OR REPLACE TEMP MACRO id_number_pattern() AS
    '[0-9](?:[ -]{0,3}[0-9]){13,}[ -]{0,3}[Xx]|[0-9](?:[ -]{0,3}[0-9]){14,}';

-- mask_id_run(run): one ID-shaped run masked as mask_id masks its characters, separators
-- dropped (3311 0219 8705 0862 57 → 331102********6257).
CREATE OR REPLACE TEMP MACRO mask_id_run(run) AS mask_id(regexp_replace(run, '[ -]', '', 'g'));

-- scrub_id_numbers(s): every ID-shaped run inside free text masked, so an ID typed into any
-- column never leaves staging in a message or a raw row. The text between the runs is kept as
-- it is (regexp_split_to_array gives one more part than regexp_extract_all gives runs).
CREATE OR REPLACE TEMP MACRO scrub_id_numbers(s) AS CASE
    WHEN s IS NULL OR NOT regexp_matches(s, id_number_pattern()) THEN s
    ELSE array_to_string(list_transform(
        regexp_split_to_array(s, id_number_pattern()),
        (part, i) -> part || coalesce(mask_id_run(regexp_extract_all(s, id_number_pattern())[i]), '')
    ), '')
END;

-- has_id_number(s): whether free text still holds an ID-shaped run (for data tests).
CREATE OR REPLACE TEMP MACRO has_id_number(s) AS coalesce(regexp_matches(s, id_number_pattern()), false);

-- mask_name(s): a person's name cut to its first character and one '*' (王小明 → 王*), for the
-- raw rows of rejects; the length is not shown either.
CREATE OR REPLACE TEMP MACRO mask_name(s) AS CASE WHEN s IS NOT NULL THEN left(s, 1) || '*' END;
