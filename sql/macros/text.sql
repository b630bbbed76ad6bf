-- Text cells as exports.md reads them. READING has already NFKC-normalised every value, except
-- on the CSV path the characters whose NFKC form is ',' or '"' (they would have changed the
-- CSV's structure): they are translated here, after DuckDB has split the fields.

-- clean_text(s): the protected characters translated (，﹐︐ → ','; ＂ → '"'; 🄁…🄊 → digit
-- and ','), white space trimmed at both ends, '' → NULL.
CREATE OR REPLACE TEMP MACRO clean_text(s) AS nullif(trim(
    CASE
        WHEN regexp_matches(s, '[\x{FE10}\x{FE50}\x{FF02}\x{FF0C}\x{1F101}-\x{1F10A}]') THEN
            replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
                translate(s, chr(65040) || chr(65104) || chr(65282) || chr(65292), ',,",'),
                chr(127233), '0,'), chr(127234), '1,'), chr(127235), '2,'), chr(127236), '3,'),
                chr(127237), '4,'), chr(127238), '5,'), chr(127239), '6,'), chr(127240), '7,'),
                chr(127241), '8,'), chr(127242), '9,')
        ELSE s
    END,
    -- ASCII white space and the Unicode spaces (most are already ' ' after NFKC), and a stray BOM
    ' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || chr(133) || chr(160) || chr(5760)
        || chr(8192) || chr(8193) || chr(8194) || chr(8195) || chr(8196) || chr(8197) || chr(8198)
        || chr(8199) || chr(8200) || chr(8201) || chr(8202) || chr(8203) || chr(8232) || chr(8233)
        || chr(8239) || chr(8287) || chr(12288) || chr(65279)
), '');

-- strip_spaces(s): every white space removed, inside too; enumerated values and county names
-- are matched this way (exports.md: `调解 成功` is `调解成功`).
CREATE OR REPLACE TEMP MACRO strip_spaces(s) AS
    regexp_replace(s, '[\s\v\p{Z}\x{85}\x{200B}\x{FEFF}]+', '', 'g');

-- split_list(s): the items of a list cell (plaques, posts), separated by any of 、 , ， ; ； /
-- and white space; empty items dropped; NULL for an empty cell.
CREATE OR REPLACE TEMP MACRO split_list(s) AS
    list_filter(regexp_split_to_array(s, '[、,，;；/\s\v\p{Z}\x{85}]+'), lambda item: item <> '');
