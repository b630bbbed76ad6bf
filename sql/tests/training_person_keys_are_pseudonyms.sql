-- The only person columns of the marts are pseudonyms: person_key is the HMAC of the ID number
-- (64 hex characters), person_code a short code derived from it; never a name or ID number.
-- Returns the rows that look otherwise.
-- @severity error
SELECT 'training_person_year' AS mart, person_code AS value
FROM mart.training_person_year
WHERE NOT regexp_full_match(person_key, '[0-9a-fA-F]{64}')
   OR NOT regexp_full_match(person_code, 'P[0-9A-F]{12}')
