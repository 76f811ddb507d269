-- Which groups a soloist belongs to (Jimin → BTS), so that a group's answer can list its
-- members' own entries and a member's answer can name the group.
CREATE TABLE act_members (
    group_id  TEXT NOT NULL REFERENCES acts (id) ON DELETE CASCADE,
    member_id TEXT NOT NULL REFERENCES acts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, member_id),
    CHECK (group_id <> member_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX act_members_by_member ON act_members (member_id);
