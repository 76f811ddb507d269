-- Whether a server wants a read command's answers public (everyone in the channel) or private
-- (the asker alone, with a Share button). No row: the command's own default.
CREATE TABLE command_visibility (
    guild_id   TEXT NOT NULL,
    command    TEXT NOT NULL,
    visibility TEXT NOT NULL CHECK (visibility IN ('public', 'private')),
    set_at     TEXT NOT NULL,
    PRIMARY KEY (guild_id, command)
);
