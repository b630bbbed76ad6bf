-- Keys of rejected rows (issue 14): a rejected row stays open until a later file loads its key.

-- person_alt_key(name, office_code): a staff row's person when its ID number cannot key them (a
-- bad or missing ID): the keyed hash (person_key, HMAC with the warehouse's secret) of name and
-- office, so a later roster that lists the same name at the same office, with a valid ID,
-- corrects it. NULL when either is empty. Never the name itself.
CREATE OR REPLACE TEMP MACRO person_alt_key(name, office_code) AS CASE
    WHEN name IS NOT NULL AND office_code IS NOT NULL THEN person_key('NAME|' || name || '|' || office_code)
END;
