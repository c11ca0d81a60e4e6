-- The tools an API key may call (issue 11, MCP tools): deny by default, so existing keys get none.
alter table api_keys add column tools text[] not null default '{}';
