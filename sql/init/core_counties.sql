-- The 9 county-level units of Lishui (丽水市, 3311): code, full name, short name, from their
-- seed (sql/seeds/counties.csv, loaded as seed.counties just before): rewritten every time a
-- warehouse is opened for writing, so it always matches the seed.
CREATE OR REPLACE TABLE core.counties (
    county_code VARCHAR NOT NULL PRIMARY KEY,
    county_name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL
);
INSERT INTO core.counties
SELECT county_code, county_name, short_name FROM seed.counties;
