-- The chunk log: every chunk a stream sent, in batches (one row per flush of one stream), so that a
-- resume after the end or after a crash replays the answer with its indexes and chunk boundaries.
-- No foreign key to sessions: a batch may reach the database before the session's own row does
-- (both go through the same ordered writer, but a retried row may not), and the log is dropped by
-- age, not with its session.
create table chunk_batches (
    session_id  text        not null,
    first_index integer     not null check (first_index >= 0),
    texts       text[]      not null,
    models      text[]      not null,
    written_at  timestamptz not null default now(),
    primary key (session_id, first_index),
    check (cardinality(texts) > 0 and cardinality(texts) = cardinality(models))
);

create index chunk_batches_written_at on chunk_batches (written_at);
