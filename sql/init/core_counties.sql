-- The 9 county-level units of Lishui (丽水市, 3311): code, full name, short name. A seed:
-- rewritten every time a warehouse is opened for writing, so it always matches this file.
CREATE OR REPLACE TABLE core.counties (
    county_code VARCHAR NOT NULL PRIMARY KEY,
    county_name VARCHAR NOT NULL,
    short_name VARCHAR NOT NULL
);
INSERT INTO core.counties VALUES
    ('331102', '莲都区', '莲都'),
    ('331121', '青田县', '青田'),
    ('331122', '缙云县', '缙云'),
    ('331123', '遂昌县', '遂昌'),
    ('331124', '松阳县', '松阳'),
    ('331125', '云和县', '云和'),
    ('331126', '庆元县', '庆元'),
    ('331127', '景宁畲族自治县', '景宁'),
    ('331181', '龙泉市', '龙泉');
