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

-- scrub_id_numbers(s): any run of 15 to 19 ID-like characters inside free text masked the same
-- way, so an ID typed into another column never leaves staging in a message or a raw row.
CREATE OR REPLACE TEMP MACRO scrub_id_numbers(s) AS regexp_replace(
    s, '(^|[^0-9A-Za-z])([0-9]{6})([0-9]{5,9})([0-9]{3}[0-9Xx])($|[^0-9A-Za-z])', '\1\2*********\4\5', 'g');

-- mask_name(s): a person's name cut to its first character and one '*' (王小明 → 王*), for the
-- raw rows of rejects; the length is not shown either.
CREATE OR REPLACE TEMP MACRO mask_name(s) AS CASE WHEN s IS NOT NULL THEN left(s, 1) || '*' END;
