-- Booking schema 0002: indexes the planner cannot get wrong.
--
-- The conflict read of a booking and the capacity check (R-SYNC-7) look up a
-- resource's live occupancy, and a region's live sessions, on ONE local date
-- (every window lies within its date). Partial btrees on (key, local_date)
-- over live rows answer both with two equality columns, so the planner picks
-- them even from the statistics of a young table. Before, a plan made while
-- the tables were small walked the GiST on (host_region, during) by region
-- alone — every live session of the region — and occupancy by date alone:
-- measured 0.9 → 4.6 → 7.9 ms per booking as a benchmark's tables grew.
-- Free slots (a region's live sessions over a date range) use the same index.
DROP INDEX IF EXISTS sessions_region_live;
CREATE INDEX sessions_region_day_live ON sessions (host_region, local_date) WHERE state IN (1, 2, 3);
CREATE INDEX occupancy_live_resource_day ON occupancy (resource, local_date) WHERE live;
