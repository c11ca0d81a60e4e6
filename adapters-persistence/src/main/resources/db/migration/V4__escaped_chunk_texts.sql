-- A chunk batch holding text PostgreSQL cannot store (NUL, a lone surrogate) keeps all its texts in
-- the escaped form of StoredText, flagged here, like the other text columns of V3.
alter table chunk_batches add column texts_escaped boolean not null default false;
