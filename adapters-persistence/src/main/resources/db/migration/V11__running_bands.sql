-- Scale-out for Band Jam: a band while it runs, so that a band_cancel sent to any node can be checked
-- against its caller's key (api_key_id) and reach the node that runs it (owner_token, the token of a
-- run in nodes: a band whose owner's lease expired runs nowhere). The row goes when the band is recorded
-- in bands (same write); rows a dead node left are removed by the take-over of its sessions.
create table running_bands (
    id          text        primary key,
    api_key_id  text,
    owner_token bigint      not null,
    started_at  timestamptz not null
);
