-- How each stream went for its clients (issue 15), written with the session's final record.
alter table sessions
    add column gap_p50_ms        double precision,
    add column gap_p99_ms        double precision,
    add column tokens_per_second double precision,
    add column chunks_sent       bigint,
    add column bytes_sent        bigint,
    add column resumes           integer,
    add column waste_tokens      bigint;

-- The series of /api/stats/series read ended sessions by start time. Over all keys the existing
-- sessions_by_start serves a window; one key's series read this covering index instead of every key's
-- rows of the window (measured in SeriesScaleIT, see docs/performance.md).
create index sessions_series_by_key on sessions (api_key_id, started_at)
    include (status, current_model, agent_role, error_code, fallback_used, first_token_at, cost_usd,
             waste_tokens, tokens_per_second, gap_p99_ms)
    where status <> 'running';
