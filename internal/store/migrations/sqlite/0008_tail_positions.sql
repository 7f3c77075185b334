-- serve: how far the file tailer has read each file it watches, so that a
-- restart resumes there. identity is the file's device and inode (empty
-- where the platform has none); byte_offset counts bytes delivered (for a
-- gzip file, decompressed bytes); done marks a gzip file delivered whole.

CREATE TABLE tail_positions (
    path        TEXT PRIMARY KEY,
    identity    TEXT NOT NULL,
    byte_offset INTEGER NOT NULL,
    done        INTEGER NOT NULL,
    updated     TEXT NOT NULL
);
