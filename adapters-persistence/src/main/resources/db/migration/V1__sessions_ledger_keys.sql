-- Every session: the request, who asked, where it stands, how it ended.
create table sessions (
    id               text primary key,
    client_id        text             not null,
    api_key_id       text,
    agent_role       text             not null,
    request_id       text,
    temperature      double precision not null,
    max_tokens       integer,
    tools_enabled    boolean          not null,
    status           text             not null
        check (status in ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
    first_model      text             not null,
    first_provider   text             not null,
    current_model    text             not null,
    current_provider text             not null,
    input_estimate   bigint           not null,
    started_at       timestamptz      not null,
    first_token_at   timestamptz,
    ended_at         timestamptz,
    attempts         integer          not null default 1,
    chunks           integer          not null default 0,
    -- while running: the last progress record, what a crash leaves behind
    partial_text     text,
    output_so_far    bigint           not null default 0,
    estimated_cost   numeric(20, 10)  not null default 0,
    progress_at      timestamptz,
    -- once ended
    input_tokens     bigint,
    output_tokens    bigint,
    cost_usd         numeric(20, 10),
    usage_estimated  boolean,
    finish_reason    text,
    error_code       text,
    error_message    text,
    fallback_used    boolean          not null default false,
    models_tried     jsonb            not null default '[]'
);
create index sessions_by_start on sessions (started_at);
create index sessions_by_key on sessions (api_key_id, started_at);
create index sessions_running on sessions (status) where status = 'running';

-- The turns sent (system prompt, history, the question) and the answer, in order.
create table messages (
    session_id text    not null references sessions (id) on delete cascade,
    position   integer not null,
    role       text    not null check (role in ('system', 'user', 'assistant')),
    content    text    not null,
    primary key (session_id, position)
);

-- One row per attempt of a session: what it is billed. The key makes billing twice impossible.
create table spend_ledger (
    session_id      text            not null,
    attempt         integer         not null check (attempt >= 1),
    api_key_id      text,
    day             date            not null,
    model           text            not null,
    provider        text            not null,
    input_tokens    bigint          not null,
    output_tokens   bigint          not null,
    cost_usd        numeric(20, 10) not null check (cost_usd >= 0),
    usage_estimated boolean         not null,
    recorded_at     timestamptz     not null,
    primary key (session_id, attempt)
);
create index spend_ledger_by_day on spend_ledger (day);

-- Spent and reserved per budget account ('global' or 'key:<id>') and UTC day. Reservations update
-- these rows conditionally, so the row lock makes concurrent reservations queue, never overrun.
create table budget_days (
    account      text            not null,
    day          date            not null,
    spent_usd    numeric(20, 10) not null default 0,
    reserved_usd numeric(20, 10) not null default 0 check (reserved_usd >= 0),
    primary key (account, day)
);

-- The worst-case amount each running session holds, until it is settled.
create table reservations (
    session_id text primary key,
    accounts   text[]          not null,
    day        date            not null,
    amount_usd numeric(20, 10) not null,
    created_at timestamptz     not null,
    settled_at timestamptz
);

-- API keys: only the SHA-256 of the secret is kept.
create table api_keys (
    id               text primary key,
    name             text        not null,
    secret_sha256    text        not null unique,
    daily_budget_usd numeric(20, 10),
    created_at       timestamptz not null,
    revoked_at       timestamptz
);
