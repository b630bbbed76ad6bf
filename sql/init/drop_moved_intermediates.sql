-- The intermediate models lived in the mart schema until they moved to sql/intermediate/ (schema
-- intermediate); a warehouse published before the move still holds the old tables, which no
-- model reads or writes any more: dropped, so that only one copy of each step exists.
DROP TABLE IF EXISTS mart.int_active_staff;
DROP TABLE IF EXISTS mart.int_office_directors;
DROP TABLE IF EXISTS mart.int_office_indicator_parts;
DROP TABLE IF EXISTS mart.int_parts_cases;
DROP TABLE IF EXISTS mart.int_parts_directors;
DROP TABLE IF EXISTS mart.int_parts_staffing;
DROP TABLE IF EXISTS mart.int_parts_structure;
DROP TABLE IF EXISTS mart.int_parts_training;
DROP TABLE IF EXISTS mart.int_person_year_training;
DROP TABLE IF EXISTS mart.int_unit_offices;
DROP TABLE IF EXISTS mart.int_year_offices;
DROP TABLE IF EXISTS mart.int_years;
