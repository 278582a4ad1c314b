//! The client: a new record, their profile details (cleaned as typed),
//! how they are named, and the one line that jogs the memory.

use chrono::NaiveDate;

use super::*;

impl ClientProfile {
    /// Trims every field and makes each one line (a line break or tab
    /// becomes a space); refuses an empty name.
    pub fn cleaned(self) -> Result<ClientProfile, RecordError> {
        let one_line = |s: String| {
            s.split(['\n', '\r', '\t']).map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" ")
        };
        let name = one_line(self.name);
        if name.is_empty() {
            return Err(RecordError::Invalid("a client needs a name".into()));
        }
        let preferred_name = non_empty(self.preferred_name.map(one_line));
        for n in std::iter::once(&name).chain(&preferred_name) {
            if n.chars().count() > crate::domain::bounds::NAME_CHARS {
                return Err(RecordError::Invalid(format!(
                    "a name is at most {} characters; this one has {}",
                    crate::domain::bounds::NAME_CHARS,
                    n.chars().count()
                )));
            }
        }
        Ok(ClientProfile {
            name,
            preferred_name,
            pronouns: non_empty(self.pronouns.map(one_line)),
            phone: non_empty(self.phone.map(one_line)),
            email: non_empty(self.email.map(one_line)),
            preferred_channel: self.preferred_channel,
        })
    }
}

impl ClientRecord {
    /// A new, empty record for a client.
    pub fn new(id: ClientId, profile: ClientProfile, created: NaiveDate) -> ClientRecord {
        let mut record = ClientRecord {
            schema_version: SCHEMA_VERSION,
            client: Client {
                id,
                name: String::new(),
                preferred_name: None,
                pronouns: None,
                phone: None,
                email: None,
                preferred_channel: None,
                created,
                archived: false,
                setting: None,
            },
            sessions: Vec::new(),
            tasks: Vec::new(),
            personal: Vec::new(),
            goals: Vec::new(),
            watch_for: Vec::new(),
            supervision: Vec::new(),
            appointments: Vec::new(),
            contacts: Vec::new(),
            measures: Vec::new(),
            scales: Vec::new(),
            conflicts: Vec::new(),
            device: DeviceTag::default(),
        };
        record.set_profile(profile);
        record
    }

    pub fn profile(&self) -> ClientProfile {
        let c = &self.client;
        ClientProfile {
            name: c.name.clone(),
            preferred_name: c.preferred_name.clone(),
            pronouns: c.pronouns.clone(),
            phone: c.phone.clone(),
            email: c.email.clone(),
            preferred_channel: c.preferred_channel,
        }
    }

    pub fn set_profile(&mut self, p: ClientProfile) {
        let c = &mut self.client;
        c.name = p.name;
        c.preferred_name = p.preferred_name;
        c.pronouns = p.pronouns;
        c.phone = p.phone;
        c.email = p.email;
        c.preferred_channel = p.preferred_channel;
    }

    /// "Maria Lopez (Mari)" or just the name.
    pub fn display_name(&self) -> String {
        display_name(&self.client.name, self.client.preferred_name.as_deref())
    }

    /// What the therapist calls the client: "Mari", else "Maria Lopez".
    pub fn called(&self) -> &str {
        super::super::called(&self.client.name, self.client.preferred_name.as_deref())
    }

    /// One line to jog the memory: the first open task, else the first
    /// ask-about detail.
    pub fn reminder(&self) -> Option<String> {
        if let Some(t) = self.open_tasks().next() {
            return Some(format!("task: {}", t.text));
        }
        self.personal.iter().find(|p| p.ask).map(|p| format!("ask: {}", p.text))
    }
}

impl ClientRecord {
    /// Sets (or with nothing, clears) the placement or setting the client is
    /// seen in; one line, bounded like a name.
    pub fn set_setting(&mut self, setting: Option<&str>) -> Result<(), RecordError> {
        let setting = setting.map(str::trim).filter(|s| !s.is_empty());
        if let Some(s) = setting
            && (s.contains(['\n', '\r']) || s.chars().count() > bounds::NAME_CHARS)
        {
            return Err(RecordError::Invalid(format!(
                "a setting is one line of at most {} characters",
                bounds::NAME_CHARS
            )));
        }
        self.client.setting = setting.map(str::to_string);
        Ok(())
    }
}
