-- The tool calls of a session (issue 11, MCP tools): one JSON object per call, in the order the calls
-- ended, with step, ids, outcome, duration and result size; never arguments or results (user and tool data).
alter table sessions add column tool_calls jsonb not null default '[]';
