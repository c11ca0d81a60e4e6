-- Band Jam: each band once it has ended, and its members (sessions of their own, see sessions).
create table bands (
    id                 text            primary key,
    api_key_id         text,
    request_id         text,
    request_id_escaped boolean         not null default false,
    started_at         timestamptz     not null,
    ended_at           timestamptz     not null,
    cancelled          boolean         not null,
    synthesis          text,
    synthesis_escaped  boolean         not null default false,
    verdict_score      numeric(6, 5)   check (verdict_score between 0 and 1),
    verdict_flags      text[]          not null default '{}',
    verdict_error      text,
    total_tokens       bigint          not null,
    total_cost         numeric(20, 10) not null
);
create index bands_by_start on bands (started_at);
create index bands_by_key on bands (api_key_id, started_at);

-- "used": the member's answer was quoted to the synthesiser and the synthesis completed.
create table band_members (
    band_id    text            not null references bands (id) on delete cascade,
    position   integer         not null,
    session_id text            not null,
    agent_role text            not null,
    model      text            not null,
    outcome    text            not null
        check (outcome in ('completed', 'cancelled', 'budget', 'timed_out', 'failed', 'refused')),
    tokens     bigint          not null,
    cost_usd   numeric(20, 10) not null,
    used       boolean         not null,
    primary key (band_id, position)
);
create index band_members_by_role_model on band_members (agent_role, model);
