-- The daily rollup (sqlite_0004) is kept once per ledger batch by the store (tenbin/store/rollup.py:
-- the rows a batch stored, grouped, in the insert's own transaction) instead of one upsert per row
-- by this trigger, which cost about a sixth of a row's insert. What usage_daily holds is unchanged
-- (the same expressions over the same rows). A process of an older version still writing to this
-- file relies on the trigger: stop every older tenbin process before this one migrates the file.
DROP TRIGGER IF EXISTS usage_daily_rollup
