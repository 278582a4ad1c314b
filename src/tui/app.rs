use chrono::NaiveDateTime;
use crate::store::Store;
pub fn run(_store: Store, _now: Option<NaiveDateTime>) -> anyhow::Result<()> { Ok(()) }
