-- Text PostgreSQL cannot hold (U+0000, lone surrogates) is stored escaped, and these flags say which
-- values are (StoredText; docs/architecture.md). Rows written before keep false: they were stored as is.
alter table messages add column content_escaped boolean not null default false;
alter table sessions add column request_id_escaped boolean not null default false;
alter table sessions add column partial_text_escaped boolean not null default false;

-- Writes that can never succeed (a data exception, a constraint, a bug), set aside so that they hold
-- back nothing behind them. The record stays here for an operator; the log names the write only.
create table dead_letters (
    id           bigserial primary key,
    set_aside_at timestamptz not null default now(),
    -- what the write was ("the start of session <id>"): never user content
    description  text        not null,
    sql_state    text,
    -- the database's message, which may quote the data (hence here, not in the log); escaped as StoredText
    error        text        not null,
    -- the record as Java prints it (record notation), escaped as StoredText so that any text fits
    payload      text        not null
);
