//! Who a token's customer is, and who a record belongs to.

use crate::validate::names::{check_email, normalize_domain};

/// The customer a browser token stands for: its `sub`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Customer {
    /// A `usr_…` id, compared exactly.
    Id(String),
    /// An email, ASCII-lower-cased: emails compare with ASCII case folding
    /// only (a Kelvin sign is not a `k`).
    Email(String),
}

/// ASCII case folding, the only folding emails get here.
pub fn fold_email(email: &str) -> String {
    email.to_ascii_lowercase()
}

impl Customer {
    /// The customer of a canonical `sub`: `usr_` + 1–64 of `[A-Za-z0-9_-]`,
    /// or an email whose domain is written as the core normalises it
    /// (lower-case, A-label) with nothing around it. `Err` says why not.
    pub fn from_sub(sub: &str) -> Result<Customer, String> {
        if let Some(id) = sub.strip_prefix("usr_") {
            let ok = (1..=64).contains(&id.len())
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            return if ok {
                Ok(Customer::Id(sub.to_owned()))
            } else {
                Err("a usr_ id is usr_ and 1–64 letters, digits, _ or -".to_owned())
            };
        }
        check_email(sub).map_err(|why| format!("the email {why}"))?;
        let (_, domain) = sub.rsplit_once('@').unwrap_or_default();
        match normalize_domain(domain) {
            Ok(canonical) if canonical == domain => Ok(Customer::Email(fold_email(sub))),
            Ok(canonical) => Err(format!(
                "write the email's domain as {canonical} (lower-case, A-label)"
            )),
            Err(why) => Err(format!("the email's domain {why}")),
        }
    }

    /// The key of the user rows to look up for this customer's identity:
    /// the `usr_` id or the folded email (one of the two is set).
    pub fn key(&self) -> Owner {
        match self {
            Customer::Id(id) => Owner::of(Some(id), None),
            Customer::Email(email) => Owner::of(None, Some(email)),
        }
    }
}

/// Who a record belongs to, as far as the proxy learned it. `email` is folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Owner {
    pub user_id: Option<String>,
    pub email: Option<String>,
}

impl Owner {
    pub(super) fn of(user_id: Option<&str>, email: Option<&str>) -> Owner {
        Owner {
            user_id: user_id.filter(|s| !s.is_empty()).map(str::to_owned),
            email: email.filter(|s| !s.is_empty()).map(fold_email),
        }
    }

    pub(super) fn is_known(&self) -> bool {
        self.user_id.is_some() || self.email.is_some()
    }
}

/// Every form the token's customer is known under: its own `sub` and the
/// user rows the table links to it (a `usr_` id to its email, an email to
/// its user ids). Newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    pub user_ids: Vec<String>,
    pub emails: Vec<String>,
}

impl Identity {
    /// The identity of `customer` from the table's user rows (`user_id` the
    /// row's id, `email` its email), newest first; rows of other customers
    /// are ignored.
    pub fn resolve(customer: &Customer, users: &[Owner]) -> Identity {
        let mut identity = Identity::default();
        let add = |list: &mut Vec<String>, value: &str| {
            if !list.iter().any(|v| v == value) {
                list.push(value.to_owned());
            }
        };
        match customer {
            Customer::Id(id) => {
                add(&mut identity.user_ids, id);
                for user in users.iter().filter(|u| u.user_id.as_deref() == Some(id)) {
                    if let Some(email) = &user.email {
                        add(&mut identity.emails, email);
                    }
                }
            }
            Customer::Email(email) => {
                add(&mut identity.emails, email);
                for user in users.iter().filter(|u| u.email.as_deref() == Some(email)) {
                    if let Some(id) = &user.user_id {
                        add(&mut identity.user_ids, id);
                    }
                }
            }
        }
        identity
    }

    /// Whether a user reference of a body (`usr_…` or an email) is the customer.
    pub fn is(&self, reference: &str) -> bool {
        if reference.starts_with("usr_") {
            self.user_ids.iter().any(|id| id == reference)
        } else {
            self.emails.contains(&fold_email(reference))
        }
    }

    /// Whether a record with this owner is the customer's.
    pub fn owns(&self, owner: &Owner) -> bool {
        owner
            .user_id
            .as_ref()
            .is_some_and(|id| self.user_ids.contains(id))
            || owner
                .email
                .as_ref()
                .is_some_and(|e| self.emails.contains(e))
    }

    /// The owner new records of this customer get: every form known.
    pub fn owner(&self) -> Owner {
        Owner {
            user_id: self.user_ids.first().cloned(),
            email: self.emails.first().cloned(),
        }
    }
}
