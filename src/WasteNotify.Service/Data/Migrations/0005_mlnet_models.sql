-- Arrival models are ML.NET tree ensembles (their saved zip), no longer XGBoost UBJ. Models stored before stay, with
-- their metrics; one that serves is refused when loaded (it is no ML.NET model), so the next training promotes the
-- new model whatever the old one scored.
ALTER TABLE eta_models RENAME COLUMN booster TO model;
COMMENT ON COLUMN eta_models.model IS 'ML.NET model zip (FastTree or LightGbm regression)';
