//! `--db PATH`: the state as one JSON snapshot row in SQLite, replaced in a
//! transaction after every change and synced before the answer is sent (WAL,
//! `synchronous=FULL`), on a blocking thread (`App::commit`). Simple, and
//! enough for development-sized data.

use crate::state::State;
use rusqlite::{params, Connection, OptionalExtension};
use std::path::Path;

pub struct Db {
    conn: Connection,
    /// Test-only fault point: the next save fails after writing its row,
    /// before the transaction commits.
    #[cfg(test)]
    pub fail_next_save: bool,
}

impl Db {
    pub fn open(path: &Path) -> Result<Db, String> {
        let conn = Connection::open(path)
            .map_err(|e| format!("cannot open database {}: {e}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=FULL;
             CREATE TABLE IF NOT EXISTS snapshot (
                 id INTEGER PRIMARY KEY CHECK (id = 1),
                 state TEXT NOT NULL
             );",
        )
        .map_err(|e| format!("cannot prepare database {}: {e}", path.display()))?;
        Ok(Db {
            conn,
            #[cfg(test)]
            fail_next_save: false,
        })
    }

    /// The last committed state, if any.
    pub fn load(&self) -> Result<Option<State>, String> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT state FROM snapshot WHERE id = 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| format!("cannot read database: {e}"))?;
        json.map(|j| {
            serde_json::from_str(&j).map_err(|e| format!("database state unreadable: {e}"))
        })
        .transpose()
    }

    pub fn save(&mut self, state_json: &str) -> Result<(), rusqlite::Error> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO snapshot (id, state) VALUES (1, ?1)
             ON CONFLICT(id) DO UPDATE SET state = excluded.state",
            params![state_json],
        )?;
        #[cfg(test)]
        if std::mem::take(&mut self.fail_next_save) {
            // Dropping `tx` rolls the row back.
            return Err(rusqlite::Error::InvalidQuery);
        }
        tx.commit()
    }
}
