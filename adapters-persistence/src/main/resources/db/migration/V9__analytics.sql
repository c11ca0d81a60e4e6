-- The verdict_score series (issue 15) reads, per band of a window, the roles or models of its members:
-- with this covering index that is an index-only scan per band instead of a heap fetch per member
-- (measured in VerdictSeriesScaleIT, see docs/performance.md).
create index band_members_roles_models on band_members (band_id) include (agent_role, model);
