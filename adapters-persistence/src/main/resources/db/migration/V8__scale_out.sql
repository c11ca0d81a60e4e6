-- Scale-out: several servers on one database. Every run of a server is a node with a lease that its
-- heartbeat renews (one statement per node per period, never per stream); its token, unique across
-- all runs of all servers, is the fencing token of the streams it owns. A stream whose owner's lease
-- expired is taken over by exactly one live node (one UPDATE ... RETURNING), which writes its own
-- token into the row: from then on every write of the dead (or merely stale) owner, fenced on its
-- token, changes nothing.
create table nodes (
    token       bigint generated always as identity primary key,
    node_id     text        not null,
    started_at  timestamptz not null default now(),
    lease_until timestamptz not null,
    left_at     timestamptz
);
create index nodes_by_node_id on nodes (node_id);

-- 0: written by a server without a node (before this migration, or a store built without one)
alter table sessions add column owner_token bigint not null default 0;
create index sessions_running_by_owner on sessions (owner_token) where status = 'running';
