-- China's holiday schedule of a year, imported with hotline calendar
-- import when the State Council's notice comes out, so that every replica
-- counts the year on it (a year without it counts the statutory holidays
-- provisionally). data is the holiday-cn JSON as given.

-- +goose Up
CREATE TABLE holiday_years (
    year        INTEGER PRIMARY KEY,
    data        TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE holiday_years;
